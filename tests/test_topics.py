"""One subclass's topic analysis (lib/topics.py) on texts with two planted topics."""

import random

import polars as pl

from roadmap_pipeline.lib.clustering import PCAReducer
from roadmap_pipeline.lib.embeddings import HashingEmbedder
from roadmap_pipeline.lib.topics import SUBCLASS_WIDE, TopicSettings, analyse_subclass

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
