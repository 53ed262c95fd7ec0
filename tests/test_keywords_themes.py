"""Candidate task themes: clusters ranked by relative growth, with emerging keywords."""

from math import log

import polars as pl
import pytest

from roadmap_pipeline.lib.keywords import rank_task_themes

YEARS = [2013, 2014, 2015, 2016, 2017]
PER_YEAR = {
    0: [10, 10, 5, 10, 15],  # recent (2015-2017) 30, before 20
    1: [20, 20, 5, 5, 5],  # recent 15, before 40
    2: [0, 0, 2, 2, 2],  # recent 6, before 0
    -1: [100] * 5,  # outliers: left out, also of the totals
}
SIZES = pl.concat(
    [
        pl.DataFrame(
            [(c, y, y, n) for c, counts in PER_YEAR.items() for y, n in zip(YEARS, counts)],
            schema=["cluster_id", "window_start", "window_end", "n_documents"],
            orient="row",
        ),
        # a three-year window is not a year and must be ignored
        pl.DataFrame({"cluster_id": [1], "window_start": [2015], "window_end": [2017], "n_documents": [999]}),
    ]
)
EMERGENCE = pl.DataFrame(
    {
        "cluster_id": [0, 0, 0, 0, 2],
        "term": ["a", "b", "c", "d", "e"],
        "eligible": [True, True, False, True, True],
        "escore": [5.0, 3.0, 10.0, -1.0, 2.0],
    }
)
LABELS = pl.DataFrame({"cluster_id": [0, 1], "label": ["x, y", "z"]})


def growth(recent, before, all_recent=51, all_before=60):
    return log(((recent + 0.5) / (before + 0.5)) / ((all_recent + 0.5) / (all_before + 0.5)))


def test_growth_rank_keywords_and_labels():
    themes = rank_task_themes(SIZES, EMERGENCE, LABELS)
    assert themes["cluster_id"].to_list() == [2, 0, 1]
    assert themes["rank"].to_list() == [1, 2, 3]
    assert themes["growth"].to_list() == pytest.approx([growth(6, 0), growth(30, 20), growth(15, 40)])
    assert themes["n_recent"].to_list() == [6, 30, 15]
    assert themes["top_emerging"].to_list() == [["e"], ["a", "b"], []]
    assert themes["label"].to_list() == [None, "x, y", "z"]


def test_top_k_and_no_labels():
    themes = rank_task_themes(SIZES, EMERGENCE, top_k=1)
    assert themes.filter(pl.col("cluster_id") == 0)["top_emerging"].item().to_list() == ["a"]
    assert themes["label"].null_count() == 3


def test_last_year_and_recent_years_move_the_periods():
    themes = rank_task_themes(SIZES, EMERGENCE, recent_years=2, last_year=2016)
    # recent 2015-2016, before 2013-2014, 2017 ignored: c0 15/20, c1 10/40, c2 4/0; N 29/60
    got = dict(themes.select("cluster_id", "growth").iter_rows())
    assert got[0] == pytest.approx(growth(15, 20, 29, 60))
    assert got[1] == pytest.approx(growth(10, 40, 29, 60))
    assert got[2] == pytest.approx(growth(4, 0, 29, 60))


def test_sizes_without_yearly_windows_are_rejected():
    with pytest.raises(ValueError, match="one-year"):
        rank_task_themes(SIZES.filter(pl.col("window_start") != pl.col("window_end")), EMERGENCE)
