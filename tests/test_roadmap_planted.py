"""The whole graph on the demo corpus: indicators recover the planted dynamics; topics and report exist."""

import duckdb
import polars as pl
from scipy.stats import spearmanr

from roadmap_pipeline.demo.synthetic.evaluate import emerging_recovery, indicator_agreement


def test_korea_strength_and_growth_come_back(demo_pipeline):
    root, _, _ = demo_pipeline
    found = indicator_agreement(root / "raw", root / "wh.duckdb")
    print(found)
    assert found.height == 12
    assert found["strength_agrees"].all(), found.filter(~pl.col("strength_agrees"))
    # growth is relative to the taxonomy: fast subclasses above it, flat and shrinking ones below
    assert (found.filter(pl.col("growth_label") == "fast")["growth"] > 0).all()
    assert (found.filter(pl.col("growth_label").is_in(["flat", "shrinking"]))["growth"] < 0).all()
    assert spearmanr(found["planted_growth"], found["growth"]).statistic > 0.8


def test_topics_and_report_are_written(demo_pipeline):
    root, _, _ = demo_pipeline
    with duckdb.connect(str(root / "wh.duckdb"), read_only=True) as conn:
        clusters = dict(conn.sql("SELECT subclass_key, count(*) FILTER (WHERE cluster_id >= 0) FROM topics.clusters GROUP BY 1").fetchall())
        focus = [r[0] for r in conn.sql("SELECT subclass_key FROM indicators.subclass_indicators WHERE is_focus").fetchall()]
    assert len(clusters) == 12 and all(n >= 1 for n in clusters.values())
    assert focus
    html = (root / "artifacts" / "reports" / "roadmap_report.html").read_text(encoding="utf-8")
    assert "출원점유율" in html and "SYNTHETIC" in html
    assert (root / "artifacts" / "reports" / "roadmap_report.xlsx").is_file()
    assert (root / "artifacts" / "networks" / focus[0] / "network.graphml").is_file()


def test_planted_emerging_keywords_rank_among_the_top_emerging_terms(demo_pipeline):
    root, _, _ = demo_pipeline
    found = emerging_recovery(root / "raw", root / "wh.duckdb", top=15)
    print(found)
    # EScore's eligibility needs a term in complete years at least 3 years apart: the generator
    # plants emerging sub-topics from 2020 at the latest (2023 is the last complete year).
    assert found["subclass_key"].n_unique() == 5
    best = found.group_by("subclass_key").agg(pl.col("rank_eligible").min())
    assert (best["rank_eligible"] <= 15).all(), best
