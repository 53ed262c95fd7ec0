"""Valid-patent screening against the demo corpus's planted truth (planted noise hits the queries).

The corpus plants native-only families (Korean through KIPRIS, Japanese and Chinese through DOCDB,
with no English abstract) and native-language noise; each is screened against the description and
exclusions in its own language. Figures on a synthetic corpus are optimistic (its native texts come
from a small vocabulary); bench/language_bench.py puts them beside all-MiniLM-L6-v2's.
"""

from roadmap_pipeline.demo.synthetic.evaluate import korea_share_agreement, screening_scores, screening_scores_by_language


def test_precision_and_recall_overall_and_per_subclass(demo_pipeline):
    # Overall both at least 0.95, per subclass both at least 0.9. English planted noise (video
    # streaming quality, X-ray baggage screening, passenger cars) sat a few hundredths above zero
    # while the exclusions named the field without the AI every candidate shares: quality control
    # and AGV routing fell to 0.885 and 0.895 precision with multilingual-e5-small (lib/screening.py).
    root, _, _ = demo_pipeline
    scores = screening_scores(root / "raw", root / "wh.duckdb")
    print(scores)
    assert scores.height == 13  # 12 subclasses + overall
    overall = scores.row(-1, named=True)
    assert overall["planted_noise_candidates"] > 100  # the queries do catch the planted noise
    assert overall["precision"] >= 0.95 and overall["recall"] >= 0.95, overall
    low = scores.filter((scores["precision"] < 0.9) | (scores["recall"] < 0.9))
    assert low.is_empty(), low


def test_english_families_screened_at_least_as_well_as_with_the_english_only_model(demo_pipeline):
    # all-MiniLM-L6-v2, the default before the multilingual one, screened the English families of
    # this corpus at 0.985 precision and 0.985 recall when it was the default (0.992 / 0.985 once two
    # broad Korean terms left the taxonomy, 1.000 / 0.967 with the exclusions as now written): reading
    # Korean must not cost English quality.
    root, _, _ = demo_pipeline
    english = screening_scores_by_language(root / "raw", root / "wh.duckdb").filter(text_lang="en").row(0, named=True)
    assert english["planted"] > 1000, english
    assert english["precision"] >= 0.985 and english["recall"] >= 0.985, english


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
