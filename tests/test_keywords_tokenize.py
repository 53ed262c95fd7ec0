"""Keyword tokens: English rules, stop lists, plurals, Korean nouns through kiwipiepy, Japanese
through SudachiPy and Chinese through jieba (on real Japanese and Chinese abstracts too)."""

import csv
from collections import Counter
from pathlib import Path

import pytest

from roadmap_pipeline.lib.keywords import (
    is_korean,
    singular,
    text_language,
    tokenize,
    tokenize_chinese,
    tokenize_english,
    tokenize_japanese,
    tokenize_korean,
    tokenize_many,
)
from roadmap_pipeline.lib.keywords.stopwords import (
    CHINESE_STOP_WORDS,
    ENGLISH_STOP_WORDS,
    JAPANESE_STOP_WORDS,
    KOREAN_STOP_WORDS,
)

# Real Lens records on green concrete: 18 Japanese and 40 Chinese titles with abstracts.
JA_ZH = Path(__file__).parent / "fixtures" / "corpora" / "xamk_green_concrete_ja_zh.csv"


def test_english_unigrams_and_bigrams_of_adjacent_words():
    assert tokenize_english("Convolutional neural networks") == [
        "convolutional",
        "neural",
        "convolutional neural",
        "network",
        "neural network",
    ]


@pytest.mark.parametrize(
    ("text", "absent_bigram"),
    [
        ("robot, arm", "robot arm"),  # punctuation
        ("robot and arm", "robot arm"),  # stop word between
        ("robot 42 arm", "robot arm"),  # number between
        ("robot x arm", "robot arm"),  # one-character word between
        ("robot (arm)", "robot arm"),
    ],
)
def test_bigrams_do_not_cross_breaks(text, absent_bigram):
    tokens = tokenize_english(text)
    assert {"robot", "arm"} <= set(tokens)
    assert absent_bigram not in tokens


def test_numbers_one_character_words_and_boilerplate_are_dropped():
    text = (
        "The present invention relates to a system comprising a plurality of units, wherein said "
        "first unit is configured to receive 12 signals at 3.5 GHz; x is used."
    )
    assert tokenize_english(text) == ["signal", "ghz"]


def test_hyphens_and_letters_with_digits_are_kept():
    tokens = tokenize_english("A 3D X-ray of the CO2 feed-forward layers, range 10-20")
    assert "3d" in tokens and "x-ray" in tokens and "co2" in tokens
    assert "feed-forward layer" in tokens
    assert "10-20" not in tokens


def test_accents_are_folded_and_other_scripts_separate_words():
    assert tokenize_english("Réseau neuronal") == ["reseau", "neuronal", "reseau neuronal"]


def test_software_claim_formula_leaves_no_tokens():
    text = (
        "Methods, systems, and apparatus, including computer programs encoded on computer storage "
        "media, for classifying images."
    )
    assert tokenize_english(text) == ["classifying", "image", "classifying image"]


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("networks", "network"),
        ("neurons", "neuron"),
        ("frequencies", "frequency"),
        ("processes", "process"),
        ("switches", "switch"),
        ("boxes", "box"),
        ("matrices", "matrix"),
        ("caches", "cache"),
        ("multi-layers", "multi-layer"),
        ("process", "process"),
        ("analysis", "analysis"),
        ("bias", "bias"),
        ("lens", "lens"),
        ("series", "series"),
        ("robotics", "robotics"),
        ("corpus", "corpus"),
        ("gas", "gas"),
        ("dies", "die"),
    ],
)
def test_singular(word, expected):
    assert singular(word) == expected


def test_plural_stop_words_are_dropped_after_singularization():
    assert tokenize_english("devices systems apparatuses sensors") == ["sensor"]


def test_stop_lists_hold_the_boilerplate_named_in_the_design():
    for word in ["method", "system", "apparatus", "device", "comprising", "wherein", "said",
                 "plurality", "thereof", "configured", "provided", "includes", "embodiment",
                 "first", "second", "least", "one", "based", "unit", "using", "the", "of"]:
        assert word in ENGLISH_STOP_WORDS
    for word in ["방법", "장치", "시스템", "포함", "단계", "상기", "발명"]:
        assert word in KOREAN_STOP_WORDS


def test_script_detection():
    assert is_korean("CNN 기반 결함 검출")
    assert not is_korean("defect detection with CNN")
    assert not is_korean("")


def test_korean_nouns_suffixes_and_solid_compounds():
    tokens = tokenize("사출성형기의 공정 파라미터를 최적화하는 인공지능")
    assert {"사출", "공정", "파라미터", "인공지능"} <= set(tokens)
    assert "성형기" in tokens or "성형" in tokens
    assert "최적화" in tokens or "최적" in tokens
    # particles and verb endings are not tokens
    assert not {"의", "를", "하", "는"} & set(tokens)


def test_korean_boilerplate_dropped_and_latin_parts_take_the_english_rules():
    text = "본 발명은 제1 센서를 포함하는 장치 및 방법에 관한 것이다. CNN 기반 Deep Neural Networks로 결함을 검출한다."
    tokens = tokenize_korean(text)
    assert {"센서", "결함", "검출"} <= set(tokens)
    assert not {"발명", "장치", "방법", "포함", "것"} & set(tokens)
    assert {"cnn", "deep neural", "neural network"} <= set(tokens)
    assert not any(t.isdigit() for t in tokens)


def test_korean_compound_stops_at_a_stop_noun():
    tokens = tokenize_korean("제어장치")
    assert "제어" in tokens
    assert "제어장치" not in tokens and "장치" not in tokens


def test_tokenize_many_keeps_order_across_languages_and_empties():
    texts = ["Fault detection systems", None, "설비의 이상 징후를 AI로 예측", "", "Image sensors"]
    result = tokenize_many(texts)
    assert result[0] == ["fault", "detection", "fault detection"]
    assert result[1] == [] and result[3] == []
    assert {"설비", "징후", "예측", "ai"} <= set(result[2])
    assert result[4] == ["image", "sensor", "image sensor"]
    assert result[2] == tokenize(texts[2])


@pytest.mark.parametrize(
    ("text", "declared", "expected"),
    [
        ("CNN 기반 결함 검출", None, "ko"),
        ("振動データから故障を予測する", None, "ja"),
        ("故障予測装置", "ja", "ja"),  # all kanji: the declared language decides
        ("故障预测方法", None, "zh"),
        ("故障预测方法", "zh", "zh"),
        ("故障预测方法", "ko", "zh"),  # a declaration the script contradicts is not taken
        ("Fault prediction", "ko", "en"),
        ("", None, "en"),
        (None, "ja", "en"),
    ],
)
def test_text_language(text, declared, expected):
    assert text_language(text, declared) == expected


def test_japanese_nouns_suffixes_compounds_and_normalized_forms():
    tokens = tokenize_japanese(
        "本発明は、工作機械の主軸の振動データを機械学習モデルに入力し、軸受の故障を予測する故障予測装置に"
        "関する。最適化された検出器とコンピュータ。ＣＮＮを用いるため、装置内のセメント等を測る。"
    )
    assert {"工作機械", "振動データ", "機械学習モデル", "故障予測", "最適化", "検出器", "cnn"} <= set(tokens)
    assert "コンピューター" in tokens and "コンピュータ" not in tokens  # Sudachi's normalized form
    # boilerplate, particles, adverbial nouns; a stop noun ends a compound (故障予測, not 故障予測装置)
    assert not {"発明", "装置", "の", "を", "為", "ため", "故障予測装置", "装置内", "セメント等"} & set(tokens)


def test_chinese_words_bigrams_and_boilerplate():
    tokens = tokenize_chinese(
        "本发明涉及一种基于深度学习的设备故障预测方法，通过振动传感器采集数据，利用卷积神经网络CNN模型预测轴承的剩余寿命。"
    )
    assert {"深度学习", "故障预测", "振动传感器", "卷积神经网络", "剩余寿命", "传感器", "cnn"} <= set(tokens)
    assert not {"本发明", "一种", "的", "方法", "基于", "涉及", "通过"} & set(tokens)
    assert all(len(t) > 1 for t in tokens)


def test_tokenize_many_takes_the_declared_language_of_han_only_texts():
    result = tokenize_many(["故障予測", "故障预测", "故障予測"], ["ja", "zh", None])
    assert result[0] == ["故障", "予測", "故障予測"]  # SudachiPy
    assert result[1] == ["故障", "预测", "故障预测"]  # jieba
    assert result[2] == tokenize_chinese("故障予測")  # undeclared Han: Chinese


@pytest.fixture(scope="module")
def real_ja_zh() -> dict[str, list[list[str]]]:
    with JA_ZH.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    tokens = {}
    for office, language in (("JP", "ja"), ("CN", "zh")):
        texts = [f"{r['invention_title']}。{r['abstract']}" for r in rows if r["jurisdiction"] == office]
        tokens[language] = tokenize_many(texts, [language] * len(texts))
    return tokens


def test_real_japanese_and_chinese_abstracts_give_their_subject_and_no_boilerplate(real_ja_zh):
    assert len(real_ja_zh["ja"]) == 18 and len(real_ja_zh["zh"]) == 40
    for language, stop_words, subject in (
        ("ja", JAPANESE_STOP_WORDS, {"セメント", "コンクリート", "廃棄物"}),
        ("zh", CHINESE_STOP_WORDS, {"水泥", "混凝土", "粉煤灰"}),
    ):
        documents = real_ja_zh[language]
        assert min(len(tokens) for tokens in documents) >= 10, language
        frequent = {t for t, _ in Counter(t for tokens in documents for t in set(tokens)).most_common(40)}
        assert subject <= frequent, language
        assert not frequent & stop_words, language
        assert not any(t.isdigit() for tokens in documents for t in tokens), language
