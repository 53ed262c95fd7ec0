"""EScore (Carley/Porter, as in pyGrams): formula, eligibility rules, and signs on a real corpus."""

from math import sqrt
from pathlib import Path

import polars as pl
import pytest

from roadmap_pipeline.lib.keywords import (
    EmergenceCriteria,
    emergence_scores,
    term_emergence,
    term_year_counts,
    tokenize_many,
)

KOEHRSEN = Path(__file__).parent / "fixtures" / "corpora" / "koehrsen_nn_patents_2008_2017.csv"
YEARS = list(range(2008, 2018))  # base 2008-2010, active 2011-2017


def frames(series: dict[str, list[int]], totals: list[int]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Term and total document counts per year from ten-year series."""
    term_counts = pl.DataFrame(
        [(term, year, n) for term, counts in series.items() for year, n in zip(YEARS, counts) if n],
        schema={"term": pl.String, "year": pl.Int64, "n_documents": pl.Int64},
        orient="row",
    )
    return term_counts, pl.DataFrame({"year": YEARS, "n_documents": totals})


def score(series, totals, **kwargs) -> dict[str, dict]:
    result = emergence_scores(*frames(series, totals), last_year=2017, **kwargs)
    return {row["term"]: row for row in result.iter_rows(named=True)}


def test_pygrams_planted_declining_term():
    # pyGrams tests/algorithms/test_emergence.py, term 3 "non-emergent decreasing count": per
    # period 2, 3, 2 | 2, 2, 1, 1, 1, 0, 1 with 2, 3, 3 | 3 x 7 documents; pyGrams expects -4.04.
    row = score({"t": [2, 3, 2, 2, 2, 1, 1, 1, 0, 1]}, [2, 3, 3, 3, 3, 3, 3, 3, 3, 3])["t"]
    assert row["escore"] == pytest.approx(-4.04, abs=0.005)
    assert row["active_trend"] == pytest.approx((2 - 5) / (3 * sqrt(3)))
    assert row["recent_trend"] == pytest.approx(10 * (1 - 2) / (2 * sqrt(3)))
    assert row["slope"] == pytest.approx(0.0)


def test_scaled_variant_of_the_later_pygrams_revision():
    # Active counts 2, 2, 1, 1, 1, 0, 1 min-max scaled: 1, 1, .5, .5, .5, 0, .5.
    row = score({"t": [2, 3, 2, 2, 2, 1, 1, 1, 0, 1]}, [2, 3, 3, 3, 3, 3, 3, 3, 3, 3],
                scale_term_counts=True)["t"]
    expected = 2 * (1 - 2.5) / (3 * sqrt(3)) + 10 * (0.5 - 1) / (2 * sqrt(3))
    assert row["escore"] == pytest.approx(expected)


def test_escore_by_hand_with_round_numbers():
    # Totals 4 (sqrt 2) in every active year; active counts 1, 1, 1, 2, 3, 4, 5.
    # ActiveTrend = (3+4+5)/6 - (1+1+1)/6 = 1.5; RecentTrend = 10 ((4+5)/4 - (2+3)/4) = 10;
    # Slope = 10 (5/2 - 2/2) / 3 = 5; EScore = 2 * 1.5 + 10 + 5 = 18.
    row = score({"t": [0, 0, 0, 1, 1, 1, 2, 3, 4, 5]}, [4] * 10)["t"]
    assert (row["active_trend"], row["recent_trend"], row["slope"]) == pytest.approx((1.5, 10, 5))
    assert row["escore"] == pytest.approx(18)


def test_growth_of_the_corpus_itself_is_damped_by_the_square_roots():
    # The term keeps a constant 10 % share while the corpus quadruples: counts grow twice as
    # fast as the square roots, so the score is positive but far below the raw growth's.
    totals = [100] * 4 + [400] * 6
    share = score({"t": [10] * 4 + [40] * 6}, totals)["t"]["escore"]
    raw = score({"t": [10] * 4 + [40] * 6}, [100] * 10)["t"]["escore"]
    assert 0 < share < raw


ELIGIBILITY = {
    "emerging": [1, 0, 1, 1, 1, 2, 2, 3, 4, 5],
    "few_documents": [0, 0, 0, 0, 0, 1, 1, 1, 1, 2],  # 6 < 7
    "common_in_base": [15, 15, 15, 20, 20, 20, 20, 20, 20, 20],  # base share 45/300 = 0.15
    "ratio_two": [2, 2, 3, 2, 2, 2, 2, 2, 2, 2],  # active 14 / base 7 = 2, not > 2
    "flat": [3, 3, 3, 3, 3, 3, 3, 3, 3, 3],  # 21 / 9 = 2.33: passes, as in pyGrams
    "base_only": [3, 2, 2, 0, 0, 0, 0, 0, 0, 0],
    "new_short_span": [0, 0, 0, 0, 0, 0, 0, 2, 3, 4],  # 2015..2017: span 2 < 3
    "new": [0, 0, 0, 1, 0, 0, 0, 2, 3, 4],
}


def test_eligibility_rules_one_at_a_time():
    rows = score(ELIGIBILITY, [100] * 10)
    eligible = {term for term, row in rows.items() if row["eligible"]}
    assert eligible == {"emerging", "flat", "new"}
    assert rows["common_in_base"]["base_share"] == pytest.approx(0.15)
    assert rows["ratio_two"]["active_to_base"] == pytest.approx(2.0)
    assert rows["new"]["active_to_base"] == float("inf")


def test_pygrams_later_rule_rejects_terms_absent_from_the_base():
    rows = score(ELIGIBILITY, [100] * 10, criteria=EmergenceCriteria(require_base_presence=True))
    assert {term for term, row in rows.items() if row["eligible"]} == {"emerging", "flat"}


def test_years_outside_the_ten_periods_are_ignored():
    term_counts, totals = frames({"t": [0, 0, 0, 1, 1, 1, 2, 3, 4, 5]}, [4] * 10)
    extra = pl.DataFrame({"term": ["t", "t"], "year": [2007, 2018], "n_documents": [50, 50]})
    totals_extra = pl.DataFrame({"year": [2007, 2018], "n_documents": [900, 900]})
    row = emergence_scores(
        pl.concat([term_counts, extra]), pl.concat([totals, totals_extra]), last_year=2017
    ).row(0, named=True)
    assert row["n_documents"] == 17
    assert row["escore"] == pytest.approx(18)


def test_years_without_documents_give_zero_terms_not_nan():
    totals = [4, 4, 4, 0, 0, 0, 4, 4, 4, 4]
    row = score({"t": [0, 0, 0, 0, 0, 0, 1, 1, 1, 1]}, totals)["t"]
    # ActiveTrend = 3/6 - 0; RecentTrend = 10 (2/4 - 1/2); Slope = 10 (1/2 - 1/2) / 3
    assert (row["active_trend"], row["recent_trend"], row["slope"]) == pytest.approx((0.5, 0, 0))


def test_groups_use_their_own_totals():
    docs = pl.DataFrame(
        {
            "cluster_id": [0] * 4 + [1] * 16,
            "year": [2017] * 20,
            "tokens": [["deep"]] * 4 + [["deep"]] * 4 + [["other"]] * 12,
        }
    )
    result = term_emergence(docs, last_year=2017, keys=("cluster_id",))
    deep = dict(result.filter(pl.col("term") == "deep").select("cluster_id", "escore").iter_rows())
    # Only A7 (2017) has documents, so every other total is 0 and
    # EScore = 2 a7/√N7 + 10 a7/√N7 + 10 (a7/√N7) / 3, with N7 = 4 and 16.
    factor = 2 + 10 + 10 / 3
    assert deep[0] == pytest.approx(factor * 4 / sqrt(4))
    assert deep[1] == pytest.approx(factor * 4 / sqrt(16))


def test_term_year_counts_count_documents_not_occurrences():
    docs = pl.DataFrame({"year": [2017, 2017], "tokens": [["deep", "deep", "net"], ["net"]]})
    term_counts, totals = term_year_counts(docs)
    assert dict(term_counts.select("term", "n_documents").iter_rows()) == {"deep": 1, "net": 2}
    assert totals.rows() == [(2017, 2)]


@pytest.fixture(scope="module")
def koehrsen_escores() -> dict[str, dict]:
    docs = pl.read_csv(KOEHRSEN, infer_schema=False)
    texts = (docs["patent_title"] + ". " + docs["patent_abstract"]).to_list()
    corpus = pl.DataFrame(
        {
            "year": docs["patent_date"].str.slice(0, 4).cast(pl.Int64),
            "tokens": tokenize_many(texts),
        }
    )
    result = term_emergence(corpus, last_year=2017)
    return {row["term"]: row for row in result.iter_rows(named=True)}


def test_deep_learning_terms_emerge_in_the_koehrsen_corpus(koehrsen_escores):
    for term in ["convolutional", "deep"]:
        assert koehrsen_escores[term]["escore"] > 0, term
        assert koehrsen_escores[term]["eligible"], term
    # Grep of the source text: "deep" is in no 2008-2010 grant, "convolutional" in 3.
    assert koehrsen_escores["deep"]["base_documents"] == 0
    assert koehrsen_escores["convolutional"]["base_documents"] == 3


def test_declining_terms_in_the_koehrsen_corpus(koehrsen_escores):
    # "fuzzy" peaks in 2013 (7 of 118 grants) and falls to 1 of 227 in 2017; "control" falls
    # from about 20 % of grants in 2013-2014 to under 9 % in 2016-2017.
    for term in ["fuzzy", "control"]:
        assert koehrsen_escores[term]["escore"] <= 0, term
