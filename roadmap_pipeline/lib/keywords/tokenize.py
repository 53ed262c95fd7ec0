"""Keyword tokens of patent titles and abstracts, in English, Korean, Japanese and Chinese.

English: lower-cased words of letters, digits and inner hyphens; numbers, one-character words and
stop words are dropped; plurals are reduced by a few suffix rules (``networks`` -> ``network``);
bigrams join two kept words that follow each other with only white space between them, so a
bigram never spans a stop word, a number or punctuation.

Korean: nouns (NNG, NNP) from kiwipiepy, with noun-deriving suffixes joined to their noun
(``성형기``, ``최적화``), plus one compound token per run of nouns written solid
(``인공`` + ``지능`` -> ``인공지능``), the Korean counterpart of a bigram. Latin parts of a Korean text
(``CNN``, ``AI``) go through the English rules.

Japanese: nouns (普通名詞, 固有名詞, not the adverbial ones such as ため or 場合) from SudachiPy with its
core dictionary (short units, normalized forms, so ``コンピュータ`` and ``コンピューター`` are one
token), noun-deriving suffixes joined to what they follow (``検出器``, ``最適化``), plus one compound per run of nouns written solid
(``故障`` + ``予測`` -> ``故障予測``), as in Korean.

Chinese: words of two or more characters from jieba (precise mode, dictionary only), kept when
jieba tags them as a noun, verb, adjective or idiom, plus ``w1w2`` for two kept words that follow
each other (``故障`` + ``预测`` -> ``故障预测``), the counterpart of an English bigram: Chinese has no
spaces, so a run of words is not one term the way a solid Korean noun compound is.

Every dictionary ships inside its package: nothing is downloaded. Which tokenizer a text takes is
decided by :func:`text_language`: Hangul -> Korean, kana -> Japanese, Han without kana -> the
declared language when it is Japanese or Chinese, else Chinese; anything else -> English. Latin parts
of a Korean, Japanese or Chinese text go through the English rules, so ``cnn`` is one token in every
language.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import cache
from typing import TYPE_CHECKING

from roadmap_pipeline.lib.keywords.stopwords import (
    CHINESE_STOP_WORDS,
    ENGLISH_STOP_PHRASES,
    ENGLISH_STOP_WORDS,
    JAPANESE_STOP_WORDS,
    KOREAN_STOP_WORDS,
)

if TYPE_CHECKING:
    from jieba.posseg import POSTokenizer
    from kiwipiepy import Kiwi
    from sudachipy import Tokenizer

LANGUAGES = ("en", "ko", "ja", "zh")
_HANGUL_RUN = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]+")
_KANA = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff]")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# Runs of CJK script (with the prolonged sound mark and iteration marks), cut out of a text so that
# what is left, its Latin parts, goes through the English rules.
_CJK_RUN = re.compile(r"[\u1100-\u11ff\u3005-\u3007\u3040-\u30ff\u3130-\u318f\u31f0-\u31ff"
                      r"\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7a3\uf900-\ufaff]+")
# Sentence ends of Japanese and Chinese text: each sentence is analysed alone, which bounds the
# input of one analyzer call and keeps compounds inside a sentence.
_SENTENCE_END = re.compile(r"(?<=[。．！？!?\n])")
_JAPANESE_NOUN_TYPES = frozenset({"普通名詞", "固有名詞"})
# Adverbial nouns (副詞可能: ため, 場合, 以上, 際) work as function words in patent Japanese.
_JAPANESE_ADVERBIAL = "副詞可能"
# Suffixes that mark place, time or plurality (装置内, セメント等) rather than derive a new noun.
_JAPANESE_SUFFIXES_NOT_JOINED = frozenset("等 達 毎 中 内 外 間 時 後 前 上 下 側 頃".split())
# jieba tags kept: nouns (n, nr, ns, nt, nz, ...), verbs and verbal nouns (v, vn), adjectives (a, an),
# idioms and fixed expressions (i, l), abbreviations (j); not adverbial forms (ad, vd).
_CHINESE_TAG_PREFIXES = ("n", "v", "a", "i", "l", "j")
_CHINESE_TAGS_DROPPED = frozenset({"ad", "vd"})
_WORD = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_HAS_LETTER = re.compile(r"[a-z]")
_GAP = re.compile(r"\s*")
_STOP_PHRASE = re.compile(r"\b(?:" + "|".join(re.escape(p) for p in ENGLISH_STOP_PHRASES) + r")\b")
_KOREAN_NOUN_TAGS = frozenset({"NNG", "NNP"})

# Words whose final "s" is not a plural ending, and irregular plurals of technical writing.
_SINGULAR_EXCEPTIONS = frozenset(
    "alias atlas bias canvas chassis lens means news series species gas".split()
)
_IRREGULAR_PLURALS = {
    "analyses": "analysis",
    "axes": "axis",
    "buses": "bus",
    "caches": "cache",
    "criteria": "criterion",
    "gases": "gas",
    "indices": "index",
    "matrices": "matrix",
    "niches": "niche",
    "phenomena": "phenomenon",
    "vertices": "vertex",
}


def is_korean(text: str) -> bool:
    """Whether a text takes the Korean pipeline: it contains at least one Hangul character."""
    return _HANGUL_RUN.search(text) is not None


def text_language(text: str | None, declared: str | None = None) -> str:
    """The tokenizer a text takes: ``ko``, ``ja``, ``zh`` or ``en`` (any Latin-script text).

    Script decides where it can: Hangul -> ``ko``; kana -> ``ja``. Han without kana is Japanese or
    Chinese by script alone (a Japanese title may be all kanji), so the declared language of the
    record decides between them, and Chinese is taken when none is declared.

    Args:
        text: Any text; None or empty gives ``en``.
        declared: The language the record states for the text (``title_lang``/``abstract_lang``).
    """
    if not text:
        return "en"
    if _HANGUL_RUN.search(text):
        return "ko"
    if _KANA.search(text):
        return "ja"
    if _HAN.search(text):
        return declared if declared in ("ja", "zh") else "zh"
    return "en"


def singular(word: str) -> str:
    """The singular of an English word by a few suffix rules; other words come back unchanged.

    Rules, applied to the last hyphen-separated part: irregular plurals from a small table;
    ``-ies`` -> ``-y``; ``-sses``/``-shes``/``-ches``/``-xes`` lose ``es``; otherwise a final
    ``s`` is dropped unless the word ends in ``ss``, ``us``, ``is`` or ``ics``, is listed as an
    exception (``bias``, ``lens``, ``series``) or has at most three letters.
    """
    head, _, last = word.rpartition("-")
    if last in _IRREGULAR_PLURALS:
        last = _IRREGULAR_PLURALS[last]
    elif len(last) <= 3 or last in _SINGULAR_EXCEPTIONS or last.endswith(("ss", "us", "is", "ics")):
        pass
    elif last.endswith("ies") and len(last) > 4:
        last = last[:-3] + "y"
    elif last.endswith(("sses", "shes", "ches", "xes")):
        last = last[:-2]
    elif last.endswith("s"):
        last = last[:-1]
    return f"{head}-{last}" if head else last


def tokenize_english(
    text: str,
    stop_words: frozenset[str] = ENGLISH_STOP_WORDS,
    bigrams: bool = True,
    singularize: bool = True,
) -> list[str]:
    """Unigram and bigram keyword tokens of an English text, in text order.

    Args:
        text: Any text; characters other than Latin letters, digits and hyphens separate words.
        stop_words: Words dropped; matched before and after singularization.
        bigrams: Whether to add ``"w1 w2"`` for adjacent kept words.
        singularize: Whether to reduce plurals with :func:`singular`.

    Returns:
        Tokens; a bigram follows the unigram that ends it.
    """
    folded = unicodedata.normalize("NFKD", text.lower())
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    # Stop phrases become punctuation: their words are dropped and no bigram bridges them.
    folded = _STOP_PHRASE.sub(" | ", folded)
    tokens: list[str] = []
    previous: str | None = None
    previous_end = -1
    for match in _WORD.finditer(folded):
        adjacent = previous is not None and bool(_GAP.fullmatch(folded, previous_end, match.start()))
        previous_end = match.end()
        word = match.group()
        if len(word) < 2 or not _HAS_LETTER.search(word) or word in stop_words:
            previous = None
            continue
        if singularize:
            word = singular(word)
            if word in stop_words:
                previous = None
                continue
        tokens.append(word)
        if bigrams and adjacent:
            tokens.append(f"{previous} {word}")
        previous = word
    return tokens


@cache
def korean_analyzer() -> Kiwi:
    """The process-wide kiwipiepy analyzer; built on first use because loading takes seconds.

    The multi-word dictionary (named entities spanning spaces) is not loaded: it would fuse
    separate nouns into one token, and skipping it halves the load time.
    """
    from kiwipiepy import Kiwi

    return Kiwi(load_multi_dict=False)


def _korean_match_options() -> int:
    from kiwipiepy import Match

    return Match.ALL | Match.JOIN_NOUN_SUFFIX


def _korean_nouns(morphemes: Iterable, stop_words: frozenset[str], compounds: bool) -> list[str]:
    tokens: list[str] = []
    run: list[str] = []
    run_end = -1

    def close_run() -> None:
        if compounds and len(run) > 1:
            tokens.append("".join(run))
        run.clear()

    for morpheme in morphemes:
        is_noun = morpheme.tag in _KOREAN_NOUN_TAGS and morpheme.form not in stop_words
        if not is_noun or morpheme.start != run_end:
            close_run()
        if is_noun:
            tokens.append(morpheme.form)
            run.append(morpheme.form)
            run_end = morpheme.start + morpheme.len
    close_run()
    return tokens


def _latin_parts(text: str) -> str:
    return _CJK_RUN.sub(" | ", text)


def tokenize_korean(
    text: str,
    stop_words: frozenset[str] = KOREAN_STOP_WORDS,
    english_stop_words: frozenset[str] = ENGLISH_STOP_WORDS,
    compounds: bool = True,
) -> list[str]:
    """Noun tokens of a Korean text, plus English tokens of its Latin parts.

    Args:
        text: Text containing Hangul.
        stop_words: Korean nouns dropped; a dropped noun also ends a compound.
        english_stop_words: Stop words for the Latin parts.
        compounds: Whether to add the solid-written noun compounds.

    Returns:
        Korean tokens in text order, then the English tokens.
    """
    morphemes = korean_analyzer().tokenize(text, match_options=_korean_match_options())
    return _korean_nouns(morphemes, stop_words, compounds) + tokenize_english(
        _latin_parts(text), english_stop_words
    )


@cache
def japanese_analyzer() -> Tokenizer:
    """The process-wide SudachiPy tokenizer (core dictionary, short units), built on first use."""
    from sudachipy import Dictionary, SplitMode

    return Dictionary(dict="core").tokenizer(mode=SplitMode.A)


def _sentences(text: str) -> list[str]:
    return [part for part in _SENTENCE_END.split(text) if part.strip()]


def tokenize_japanese(
    text: str,
    stop_words: frozenset[str] = JAPANESE_STOP_WORDS,
    english_stop_words: frozenset[str] = ENGLISH_STOP_WORDS,
    compounds: bool = True,
) -> list[str]:
    """Noun tokens of a Japanese text, plus English tokens of its Latin parts.

    Args:
        text: Japanese text; NFKC-normalized here (full-width Latin, half-width kana).
        stop_words: Nouns dropped (normalized forms); a dropped noun also ends a compound.
        english_stop_words: Stop words for the Latin parts.
        compounds: Whether to add the solid-written noun compounds.

    Returns:
        Japanese tokens in text order, then the English tokens.
    """
    text = unicodedata.normalize("NFKC", text)
    analyzer = japanese_analyzer()
    tokens: list[str] = []
    for sentence in _sentences(text):
        # (form, begin, end, is_noun) of nouns and adjectival nouns (形状詞, 最適), a noun-deriving
        # suffix joined to what it follows; an adjectival noun is kept only when a suffix made it
        # a noun (最適化).
        words: list[tuple[str, int, int, bool]] = []
        for morpheme in analyzer.tokenize(sentence):
            pos = morpheme.part_of_speech()
            form = morpheme.normalized_form()
            if (pos[0] == "接尾辞" and pos[1] == "名詞的" and form not in _JAPANESE_SUFFIXES_NOT_JOINED
                    and words and words[-1][2] == morpheme.begin()):
                previous, begin, _, _ = words[-1]
                words[-1] = (previous + form, begin, morpheme.end(), True)
            elif pos[0] == "形状詞" or (pos[0] == "名詞" and pos[1] in _JAPANESE_NOUN_TYPES):
                is_noun = pos[0] == "名詞" and pos[2] != _JAPANESE_ADVERBIAL
                words.append((form, morpheme.begin(), morpheme.end(), is_noun))
        run: list[str] = []
        run_end = -1
        for form, begin, end, is_noun in words:
            kept = is_noun and _CJK_RUN.search(form) is not None and form not in stop_words
            if not kept or begin != run_end:
                if compounds and len(run) > 1:
                    tokens.append("".join(run))
                run = []
            if kept:
                tokens.append(form)
                run.append(form)
                run_end = end
        if compounds and len(run) > 1:
            tokens.append("".join(run))
    return tokens + tokenize_english(_latin_parts(text), english_stop_words)


@cache
def chinese_analyzer() -> POSTokenizer:
    """The process-wide jieba part-of-speech tokenizer, built on first use (about a second)."""
    import logging

    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    return jieba.posseg.POSTokenizer(jieba.Tokenizer())


def tokenize_chinese(
    text: str,
    stop_words: frozenset[str] = CHINESE_STOP_WORDS,
    english_stop_words: frozenset[str] = ENGLISH_STOP_WORDS,
    bigrams: bool = True,
) -> list[str]:
    """Word tokens of a Chinese text, plus English tokens of its Latin parts.

    Args:
        text: Chinese text; NFKC-normalized here.
        stop_words: Words dropped; a dropped word also breaks a bigram.
        english_stop_words: Stop words for the Latin parts.
        bigrams: Whether to add ``w1w2`` for adjacent kept words.

    Returns:
        Chinese tokens in text order (a bigram after the word that ends it), then the English tokens.
    """
    text = unicodedata.normalize("NFKC", text)
    analyzer = chinese_analyzer()
    tokens: list[str] = []
    for sentence in _sentences(text):
        previous: str | None = None
        # Without the HMM, words outside the dictionary fall apart into characters, which are dropped;
        # with it, analysis takes about nine times as long (14 against 1.5 ms per real abstract).
        for pair in analyzer.cut(sentence, HMM=False):
            word, flag = pair.word, pair.flag
            kept = (
                len(word) > 1 and _HAN.search(word) is not None and word not in stop_words
                and flag.startswith(_CHINESE_TAG_PREFIXES) and flag not in _CHINESE_TAGS_DROPPED
            )
            if not kept:
                previous = None
                continue
            tokens.append(word)
            if bigrams and previous is not None:
                tokens.append(previous + word)
            previous = word
    return tokens + tokenize_english(_latin_parts(text), english_stop_words)


def tokenize(text: str | None, language: str | None = None) -> list[str]:
    """Keyword tokens of one text by the tokenizer of :func:`text_language` (see the module docstring).

    Args:
        text: Any text; None or empty gives no tokens.
        language: The language the record declares for the text, if any.
    """
    if not text:
        return []
    tokenizer = {"ko": tokenize_korean, "ja": tokenize_japanese, "zh": tokenize_chinese}.get(
        text_language(text, language), tokenize_english
    )
    return tokenizer(text)


def tokenize_many(
    texts: Sequence[str | None], languages: Sequence[str | None] | None = None
) -> list[list[str]]:
    """Keyword tokens of many texts; Korean texts go through kiwipiepy in one batch.

    Args:
        texts: Texts in any mix of languages; None and empty texts give no tokens.
        languages: Declared language of each text (see :func:`text_language`), or None.

    Returns:
        One token list per text, in input order.
    """
    result: list[list[str]] = [[] for _ in texts]
    declared = languages if languages is not None else [None] * len(texts)
    korean_positions = []
    for i, (text, language) in enumerate(zip(texts, declared, strict=True)):
        if not text:
            continue
        if text_language(text, language) == "ko":
            korean_positions.append(i)
        else:
            result[i] = tokenize(text, language)
    if korean_positions:
        analyses = korean_analyzer().tokenize(
            [texts[i] for i in korean_positions], match_options=_korean_match_options()
        )
        for i, morphemes in zip(korean_positions, analyses, strict=True):
            result[i] = _korean_nouns(morphemes, KOREAN_STOP_WORDS, True) + tokenize_english(
                _latin_parts(texts[i])
            )
    return result
