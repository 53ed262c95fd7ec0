"""c-TF-IDF weights against a hand computation, labels, and stop words on a real corpus."""

from math import log
from pathlib import Path

import polars as pl
import pytest

from roadmap_pipeline.lib.keywords import (
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
