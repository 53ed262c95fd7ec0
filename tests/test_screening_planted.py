"""Valid-patent screening against the demo corpus's planted truth (planted noise hits the queries)."""

from roadmap_pipeline.demo.synthetic.evaluate import screening_scores


def test_precision_and_recall_at_least_0_9_per_subclass_and_overall(demo_pipeline):
    root, _, _ = demo_pipeline
    scores = screening_scores(root / "raw", root / "wh.duckdb")
    print(scores)
    assert scores.height == 13  # 12 subclasses + overall
    overall = scores.row(-1, named=True)
    assert overall["planted_noise_candidates"] > 100  # the queries do catch the planted noise
    low = scores.filter((scores["precision"] < 0.9) | (scores["recall"] < 0.9))
    assert low.is_empty(), low
