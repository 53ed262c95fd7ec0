"""c-TF-IDF weights against a hand computation, labels, and stop words on a real corpus."""

from math import log
from pathlib import Path

import polars as pl
import pytest

from roadmap_pipeline.lib.keywords import (
    by_language,
    class_idf,
    cluster_labels,
    cluster_term_counts,
    ctfidf,
    tokenize_many,
    top_terms,
)
from roadmap_pipeline.lib.keywords.stopwords import ENGLISH_STOP_WORDS

KOEHRSEN = Path(__file__).parent / "fixtures" / "corpora" / "koehrsen_nn_patents_2008_2017.csv"

# Three clusters, the third being the outlier cluster -1.
#   cluster 0: robot 3, arm 1, sensor 1   (5 words)
#   cluster 1: sensor 2, fault 2          (4 words)
#   cluster -1: robot 1, noise 1          (2 words)
# A = int(mean(5, 4, 2)) = int(3.67) = 3 (BERTopic truncates); f: robot 4, arm 1, sensor 3,
# fault 2, noise 1.
HAND = pl.DataFrame(
    {
        "cluster_id": [0, 0, 1, 1, -1],
        "tokens": [
            ["robot", "robot", "arm"],
            ["robot", "sensor"],
            ["sensor", "sensor", "fault"],
            ["fault"],
            ["robot", "noise"],
        ],
    }
)
A = 3
EXPECTED = {
    (0, "robot"): 3 / 5 * log(1 + A / 4),
    (0, "arm"): 1 / 5 * log(1 + A / 1),
    (0, "sensor"): 1 / 5 * log(1 + A / 3),
    (1, "sensor"): 2 / 4 * log(1 + A / 3),
    (1, "fault"): 2 / 4 * log(1 + A / 2),
    (-1, "robot"): 1 / 2 * log(1 + A / 4),
    (-1, "noise"): 1 / 2 * log(1 + A / 1),
}


def test_ctfidf_weights_match_the_hand_computation():
    weights = ctfidf(cluster_term_counts(HAND))
    got = {(c, t): w for c, t, w in weights.select("cluster_id", "term", "weight").iter_rows()}
    assert got.keys() == EXPECTED.keys()
    for key, value in EXPECTED.items():
        assert got[key] == pytest.approx(value, rel=1e-12), key


def test_idf_uses_the_truncated_average_of_words_per_cluster():
    idf = dict(class_idf(cluster_term_counts(HAND)).iter_rows())
    assert idf["fault"] == pytest.approx(log(1 + 3 / 2))
    assert idf["fault"] != pytest.approx(log(1 + (11 / 3) / 2))


def test_top_terms_rank_by_weight_and_skip_the_outlier_cluster():
    terms = top_terms(HAND, n=2)
    assert terms["cluster_id"].to_list() == [0, 0, 1, 1]
    # cluster 0: robot 0.336 > arm 0.277 > sensor 0.139; cluster 1: fault 0.458 > sensor 0.347
    assert terms["term"].to_list() == ["robot", "arm", "fault", "sensor"]
    assert terms["rank"].to_list() == [1, 2, 1, 2]


def test_outlier_documents_still_count_in_the_idf():
    without_outliers = top_terms(HAND.filter(pl.col("cluster_id") != -1), n=3)
    with_outliers = top_terms(HAND, n=3)
    robot = pl.col("term") == "robot"
    assert with_outliers.filter(robot)["weight"].item() != pytest.approx(
        without_outliers.filter(robot)["weight"].item()
    )


def test_labels_join_the_top_terms():
    labels = cluster_labels(top_terms(HAND, n=10), n_terms=3)
    assert labels.rows() == [
        (0, "robot, arm, sensor", ["robot", "arm", "sensor"]),
        (1, "fault, sensor", ["fault", "sensor"]),
    ]


def test_excluded_terms_are_not_reported_but_keep_their_weight_elsewhere():
    terms = top_terms(HAND, n=2, exclude_terms={"robot"})
    assert terms.filter(pl.col("cluster_id") == 0)["term"].to_list() == ["arm", "sensor"]
    arm = terms.filter(pl.col("term") == "arm")["weight"].item()
    assert arm == pytest.approx(EXPECTED[(0, "arm")])


# A hand-made mixed corpus: English and Korean families in two clusters, one Korean family with an
# English term (its Latin part), one Japanese family.
#   English model: cluster 0 vibration 3, bearing 1 (4 words); cluster 1 image 2, defect 1 (3);
#     A = int(3.5) = 3; f: vibration 3, bearing 1, image 2, defect 1.
#   Korean model: cluster 0 진동 3, 고장 1 (4 words); cluster 1 결함 1, 영상 1 (2); A = int(3) = 3.
#   Japanese model: cluster 1 欠陥 1 (1 word); A = 1, f(欠陥) = 1.
MIXED = pl.DataFrame(
    {
        "cluster_id": [0, 0, 0, 1, 1, 1, 1],
        "language": ["en", "ko", "ko", "en", "en", "ko", "ja"],
        "tokens": [
            ["vibration", "vibration", "bearing"],
            ["진동", "고장"],
            ["vibration", "진동", "진동"],
            ["image", "defect"],
            ["image"],
            ["결함", "영상"],
            ["欠陥"],
        ],
    }
)
MIXED_EXPECTED = {
    (0, "en", "vibration"): 3 / 4 * log(1 + 3 / 3),
    (0, "en", "bearing"): 1 / 4 * log(1 + 3 / 1),
    (0, "ko", "진동"): 3 / 4 * log(1 + 3 / 3),
    (0, "ko", "고장"): 1 / 4 * log(1 + 3 / 1),
    (1, "en", "image"): 2 / 3 * log(1 + 3 / 2),
    (1, "en", "defect"): 1 / 3 * log(1 + 3 / 1),
    (1, "ko", "결함"): 1 / 2 * log(1 + 3 / 1),
    (1, "ko", "영상"): 1 / 2 * log(1 + 3 / 1),
    (1, "ja", "欠陥"): 1 / 1 * log(1 + 1 / 1),
}


def test_each_language_is_its_own_ctfidf_model():
    terms = top_terms(MIXED, n=10)
    got = {(c, lang, t): w for c, lang, t, w in terms.select("cluster_id", "language", "term", "weight").iter_rows()}
    assert got.keys() == MIXED_EXPECTED.keys()
    for key, value in MIXED_EXPECTED.items():
        assert got[key] == pytest.approx(value, rel=1e-12), key
    shares = dict(((c, lang), share) for c, lang, share in terms.select("cluster_id", "language", "share").unique().iter_rows())
    assert shares == {(0, "en"): pytest.approx(2 / 3), (0, "ko"): pytest.approx(2 / 3),
                      (1, "en"): pytest.approx(2 / 4), (1, "ko"): pytest.approx(1 / 4), (1, "ja"): pytest.approx(1 / 4)}


def test_one_model_for_all_languages_would_let_english_crowd_out_korean():
    # Cluster 0: five English families (3 words each) and one Korean one (2 words); cluster 1 alike.
    # One model (BERTopic's single c-TF-IDF): A = int((17 + 12) / 2) = 14, so vibration weighs
    # 5/17 ln(1 + 14/5) = 0.39 and 진동 1/17 ln(1 + 14/1) = 0.16: the top four are English.
    docs = pl.DataFrame({
        "cluster_id": [0] * 6 + [1] * 6,
        "tokens": [["vibration", "bearing", "spindle"]] * 5 + [["진동", "고장"]]
        + [["image", "defect"]] * 5 + [["결함", "영상"]],
    })
    one_model = ctfidf(cluster_term_counts(docs)).filter(pl.col("cluster_id") == 0)
    assert one_model.filter(pl.col("term") == "진동")["weight"].item() == pytest.approx(1 / 17 * log(1 + 14))
    assert set(one_model.sort("weight", descending=True)["term"].head(3)) == {"vibration", "bearing", "spindle"}
    label = cluster_labels(top_terms(docs, n=10)).filter(pl.col("cluster_id") == 0)["label"].item()
    assert label.endswith(" / 고장, 진동") and label.count(", ") == 2


def test_mixed_labels_english_first_then_by_share_and_keywords_per_language():
    labels = {c: (label, keywords) for c, label, keywords in cluster_labels(top_terms(MIXED, n=10)).iter_rows()}
    assert labels[0] == ("vibration, bearing / 진동, 고장", ["vibration", "bearing", "진동", "고장"])
    # cluster 1: Korean and Japanese tie on share (1/4), then by language code: ja before ko.
    assert labels[1][0] == "image, defect / 欠陥 / 결함, 영상"


def test_a_language_below_the_share_is_left_out_of_the_label():
    english = [["robot", "arm"]] * 19
    docs = pl.DataFrame({"cluster_id": [0] * 20, "tokens": [*english, ["로봇", "팔"]]})
    label, keywords = cluster_labels(top_terms(docs, n=10)).select("label", "keywords").row(0)
    assert label == "arm, robot" and keywords == ["arm", "robot"]  # Korean: 1 of 20 documents
    assert cluster_labels(top_terms(docs, n=10), min_share=0.05)["label"].item() == "arm, robot / 로봇, 팔"
    korean_only = pl.DataFrame({"cluster_id": [0, 0], "tokens": [["로봇", "팔", "관절"], ["로봇", "제어"]]})
    assert cluster_labels(top_terms(korean_only, n=10))["label"].item().count(", ") == 3  # four Korean terms


def test_term_language_is_its_script_and_han_takes_the_document_language():
    docs = pl.DataFrame({
        "id": [1, 2, 3, 4],
        "language": ["ja", None, None, "ko"],
        "tokens": [["故障", "cnn", "センサー"], ["故障"], ["故障", "センサー"], ["고장", "ai"]],
    })
    rows = by_language(docs).rows()
    assert rows == [
        (1, "ja", ["故障", "センサー"]), (1, "en", ["cnn"]),
        (2, "zh", ["故障"]),  # no stated language, no kana: Chinese
        (3, "ja", ["故障", "センサー"]),  # kana among the document's tokens: Japanese
        (4, "ko", ["고장"]), (4, "en", ["ai"]),
    ]


@pytest.fixture(scope="module")
def koehrsen_by_period() -> pl.DataFrame:
    docs = pl.read_csv(KOEHRSEN, infer_schema=False)
    texts = (docs["patent_title"] + ". " + docs["patent_abstract"]).to_list()
    # A crude grouping is enough here: three periods of grant years.
    year = pl.col("patent_date").str.slice(0, 4).cast(pl.Int64)
    cluster = pl.when(year <= 2010).then(0).when(year <= 2013).then(1).otherwise(2)
    return docs.select(cluster.alias("cluster_id")).with_columns(tokens=pl.Series(tokenize_many(texts)))


def test_real_labels_hold_no_stop_word_or_boilerplate(koehrsen_by_period):
    terms = top_terms(koehrsen_by_period, n=30)
    assert terms["cluster_id"].n_unique() == 3
    words = {word for term in terms["term"] for word in term.split()}
    assert not words & ENGLISH_STOP_WORDS
    assert not {"method", "system", "wherein", "comprising", "plurality", "invention"} & words
    labels = cluster_labels(terms)
    assert all(len(label.split(", ")) == 4 for label in labels["label"])
