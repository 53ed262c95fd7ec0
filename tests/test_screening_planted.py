"""Valid-patent screening against the demo corpus's planted truth (planted noise hits the queries).

The corpus plants native-only families (Korean through KIPRIS, Japanese and Chinese through DOCDB,
with no English abstract) and native-language noise; each is screened against the description and
exclusions in its own language. Figures on a synthetic corpus are optimistic (its native texts come
from a small vocabulary); bench/language_bench.py puts them beside all-MiniLM-L6-v2's.
"""

from roadmap_pipeline.demo.synthetic.evaluate import korea_share_agreement, screening_scores, screening_scores_by_language


def test_precision_and_recall_overall_and_per_subclass(demo_pipeline):
    # Overall both at least 0.95; per subclass recall at least 0.9 and precision at least 0.88. With
    # multilingual-e5-small two subclasses sit just under 0.9 precision (logistics.agv_routing 0.895,
    # production.quality_control 0.885): English planted noise that the model puts nearer the
    # description than the exclusions. all-MiniLM-L6-v2 kept
    # English precision at 0.985 on this corpus but misses most Korean-only families (recall 0.43).
    root, _, _ = demo_pipeline
    scores = screening_scores(root / "raw", root / "wh.duckdb")
    print(scores)
    assert scores.height == 13  # 12 subclasses + overall
    overall = scores.row(-1, named=True)
    assert overall["planted_noise_candidates"] > 100  # the queries do catch the planted noise
    assert overall["precision"] >= 0.95 and overall["recall"] >= 0.95, overall
    low = scores.filter((scores["precision"] < 0.88) | (scores["recall"] < 0.9))
    assert low.is_empty(), low


def test_native_only_families_are_screened_as_well_as_english_ones(demo_pipeline):
    root, _, _ = demo_pipeline
    scores = {row["text_lang"]: row for row in screening_scores_by_language(root / "raw", root / "wh.duckdb").to_dicts()}
    print(scores)
    english = scores["en"]
    for lang in ("ko", "ja", "zh"):
        native = scores[lang]
        assert native["planted"] >= 30, lang  # enough native families for the figures to mean something
        assert native["precision"] >= 0.9 and native["recall"] >= 0.9, native
        assert native["precision"] >= english["precision"] - 0.03, (native, english)
        assert native["recall"] >= english["recall"] - 0.03, (native, english)


def test_korea_share_of_each_subclass_within_2_points_of_the_planted_families(demo_pipeline):
    # Most KR families are KR-only with Korean text alone: screening that missed them would bias
    # Korea's share (and its competitiveness) downwards.
    root, _, _ = demo_pipeline
    shares = korea_share_agreement(root / "raw", root / "wh.duckdb")
    print(shares)
    assert shares["native_share_of_kr"].min() > 0.3
    off = shares.filter(shares["error_pp"].abs() > 2.0)
    assert off.is_empty(), off
