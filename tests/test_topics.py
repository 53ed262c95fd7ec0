"""One subclass's topic analysis (lib/topics.py) on texts with two planted topics."""

import random

import numpy as np
import polars as pl
import pytest

from roadmap_pipeline.lib.clustering import Clustering, PCAReducer
from roadmap_pipeline.lib.embeddings import HashingEmbedder
from roadmap_pipeline.lib.topics import SUBCLASS_WIDE, TopicSettings, analyse_subclass, describe_membership

TOPICS = {
    "bearing": ["bearing vibration spectrum fault", "rolling bearing envelope kurtosis", "bearing outer race defect"],
    "welding": ["laser welding seam camera", "weld pool image porosity", "welding torch arc current"],
}


def _families(n_per_topic=60, seed=1):
    rng = random.Random(seed)
    rows = []
    for topic, phrases in TOPICS.items():
        for i in range(n_per_topic):
            # welding rises after 2016: its documents sit in the later years
            year = rng.randint(2017, 2023) if topic == "welding" else rng.randint(2010, 2023)
            text = f"machine learning for {rng.choice(phrases)} and {rng.choice(phrases)} monitoring"
            rows.append({"family_id": f"{topic}-{i:03d}", "year": year, "text": text, "topic": topic})
    return pl.DataFrame(rows)


def _run(families):
    vectors = HashingEmbedder().encode(families["text"].to_list())
    settings = TopicSettings(last_year=2023, reducer=PCAReducer(5, seed=0), min_cluster_size=10)
    return analyse_subclass(families.drop("topic"), vectors, '"machine learning" AND monitoring', settings)


def test_planted_topics_become_labelled_clusters():
    families = _families()
    result = _run(families)
    members = result.members.join(families.select("family_id", "topic"), on="family_id")
    purity = members.filter(pl.col("cluster_id") >= 0).group_by("cluster_id").agg(
        (pl.col("topic").mode().first() == pl.col("topic")).mean().alias("purity"))
    assert result.clustering.n_clusters >= 2
    assert (purity["purity"] >= 0.9).all()
    labels = " ".join(result.clusters["label"].to_list())
    assert "bearing" in labels and "weld" in labels
    assert "machine learning" not in labels and "monitoring" not in labels  # the query's own words


def test_same_input_same_output():
    first, second = _run(_families()), _run(_families())
    for name in ("members", "clusters", "trends", "sizes", "emergence", "themes"):
        assert getattr(first, name).equals(getattr(second, name)), name


def test_windows_sizes_and_subclass_wide_emergence():
    result = _run(_families())
    windows = result.sizes.select("window_start", "window_end").unique()
    assert windows.filter(pl.col("window_start") == pl.col("window_end")).height == 20  # 2004..2023 yearly
    assert windows.filter(pl.col("window_end") - pl.col("window_start") == 2).height > 0  # 3-year windows
    assert result.sizes["n_documents"].sum() > 0
    assert (result.emergence["cluster_id"] == SUBCLASS_WIDE).any()


def test_a_tiny_subclass_is_one_cluster_and_says_so():
    families = _families(n_per_topic=3)
    result = _run(families)
    assert result.clustering.n_clusters == 1 and "one cluster" in result.clustering.note
    assert result.members["cluster_id"].unique().to_list() == [0]


def test_native_keywords_emerge_against_the_documents_of_their_language():
    # 2008-2017, each year 16 English and 9 Korean families in one cluster; 예지보전 in 0, 0, 0 | 1, 1,
    # 1, 2, 3, 4, 5 of the Korean ones. Against the 9 Korean families a year (sqrt 3):
    # ActiveTrend (3+4+5)/9 - (1+1+1)/9 = 1, RecentTrend 10 ((4+5)/6 - (2+3)/6) = 6.67,
    # Slope 10 (5/3 - 2/3) / 3 = 3.33: EScore 2 + 6.67 + 3.33 = 12. Against all 25 families a year it
    # would be 7.2: the English families would damp a Korean keyword they cannot contain.
    counts = [0, 0, 0, 1, 1, 1, 2, 3, 4, 5]
    rows = []
    for year, n in zip(range(2008, 2018), counts, strict=True):
        rows += [{"year": year, "language": "en", "tokens": ["robot", "gripper"]}] * 16
        rows += [{"year": year, "language": "ko", "tokens": ["설비", "예지보전"] if i < n else ["설비"]} for i in range(9)]
    families = pl.DataFrame(rows).with_row_index("family_id").with_columns(pl.col("family_id").cast(pl.String))
    clustering = Clustering(np.zeros(families.height, dtype=np.int64), np.ones(families.height), "one cluster")
    result = describe_membership(families, clustering, settings=TopicSettings(last_year=2017))
    term = result.emergence.filter((pl.col("term") == "예지보전") & (pl.col("cluster_id") == 0)).row(0, named=True)
    assert term["language"] == "ko" and term["eligible"]
    assert term["escore"] == pytest.approx(12.0)
    wide = result.emergence.filter((pl.col("term") == "예지보전") & (pl.col("cluster_id") == SUBCLASS_WIDE))
    assert wide["escore"].item() == pytest.approx(12.0)
    assert result.themes["top_emerging"].item()[0] == "예지보전"
    assert result.trends.filter(pl.col("keyword") == "예지보전")["language"].unique().to_list() == ["ko"]
    assert result.clusters.filter(pl.col("cluster_id") == 0)["label"].item() == "gripper, robot / 설비, 예지보전"
