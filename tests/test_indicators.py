"""Roadmap indicators on hand-made facts whose answers are worked out here, and the seed's marks."""

from __future__ import annotations

import math
import statistics

import polars as pl
import pytest

from roadmap_pipeline.lib.indicators import (
    STRONG,
    WEAK,
    IndicatorSettings,
    compute_indicators,
    mark,
    z_scores,
)

# id, priority year, first-filing country, forward citations, family size, subclasses
FAMILIES = [
    ("F1", 2002, "KR", 4, 2, ["design.a"]),
    ("F2", 2003, "US", 2, 3, ["design.a"]),
    ("F3", 2007, "KR", 0, 1, ["design.a", "design.b"]),
    ("F4", 2008, "JP", 6, 4, ["design.a"]),
    ("F5", 2009, "KR", 1, 2, ["design.b"]),
    ("F6", 2004, "CN", 3, 1, ["design.b"]),
    ("F7", 2006, "US", 5, 5, ["design.b", "health.c"]),
    ("F8", 2001, "KR", 2, 2, ["health.c"]),
    ("F9", 2005, "DE", 1, 3, ["health.c"]),
    ("F10", 2007, "US", 8, 4, ["health.c"]),
    ("F16", 2003, "KR", 3, 2, ["health.c"]),
    ("F11", 2008, "KR", 2, 3, ["health.d"]),
    ("F12", 2004, "JP", 4, 2, ["health.d"]),
    ("F13", 2010, "US", 0, 1, ["health.d"]),
    ("F14", 2000, "KR", 9, 5, ["health.d"]),  # before the window
    ("F15", 2011, "KR", 9, 5, ["design.a"]),  # after the window
]
# 2001..2010: base 2001-2005, recent 2006-2008, incomplete 2009-2010
WINDOW = IndicatorSettings(first_year=2001, last_year=2010)
KEYS = ["design.a", "design.b", "health.c", "health.d"]


def facts_of(families) -> pl.DataFrame:
    rows = [
        {"subclass_key": key, "category": key.split(".")[0], "family_id": fid, "priority_year": year,
         "first_filing_country": country, "forward_citations": cites, "family_size": size}
        for fid, year, country, cites, size, keys in families for key in keys
    ]
    return pl.DataFrame(rows, schema={"subclass_key": pl.String, "category": pl.String,
                                      "family_id": pl.String, "priority_year": pl.Int64,
                                      "first_filing_country": pl.String, "forward_citations": pl.Int64,
                                      "family_size": pl.Int64})


def by_key(table: pl.DataFrame) -> dict[str, dict]:
    return {row["subclass_key"]: row for row in table.iter_rows(named=True)}


def sym(x: float) -> float:
    return (x - 1) / (x + 1)


def pop_z(values: list[float]) -> list[float]:
    mean, std = statistics.fmean(values), statistics.pstdev(values)
    return [(v - mean) / std for v in values]


# Worked out by hand from FAMILIES, window 2001..2010 (F14, F15 outside):
# taxonomy: 14 distinct families, 6 KR (F1 F3 F5 F8 F11 F16), recent 5 (F3 F4 F7 F10 F11),
# base 7 (F1 F2 F6 F8 F9 F16 F12); citations 4+2+0+6+1+3+5+2+1+8+3+2+4+0 = 41,
# family sizes 2+3+1+4+2+1+5+2+3+4+2+3+2+1 = 35.
N, N_KR, N_R, N_B, CITES, SIZES = 14, 6, 5, 7, 41 / 14, 35 / 14
HAND = {  # n, kr, recent, base, category families, mean cites, mean size, KR mean cites, KR mean size
    "design.a": dict(n=4, kr=2, r=2, b=2, cat=7, cit=(4 + 2 + 0 + 6) / 4, size=(2 + 3 + 1 + 4) / 4,
                     kr_cit=(4 + 0) / 2, kr_size=(2 + 1) / 2),
    "design.b": dict(n=4, kr=2, r=2, b=1, cat=7, cit=(0 + 1 + 3 + 5) / 4, size=(1 + 2 + 1 + 5) / 4,
                     kr_cit=(0 + 1) / 2, kr_size=(1 + 2) / 2),
    "health.c": dict(n=5, kr=2, r=2, b=3, cat=8, cit=(5 + 2 + 1 + 8 + 3) / 5, size=(5 + 2 + 3 + 4 + 2) / 5,
                     kr_cit=(2 + 3) / 2, kr_size=(2 + 2) / 2),
    "health.d": dict(n=3, kr=1, r=1, b=1, cat=8, cit=(2 + 4 + 0) / 3, size=(3 + 2 + 1) / 3,
                     kr_cit=2 / 1, kr_size=3 / 1),
}


def hand_growth(h: dict) -> float:
    return math.log(((h["r"] + 0.5) / (h["b"] + 0.5)) / ((N_R + 0.5) / (N_B + 0.5)))


def test_every_column_matches_the_hand_computation():
    result = compute_indicators(facts_of(FAMILIES), WINDOW)
    rows = by_key(result.subclasses)
    assert list(result.subclasses["subclass_key"]) == KEYS
    log_n = [math.log(HAND[k]["n"]) for k in KEYS]
    growth = [hand_growth(HAND[k]) for k in KEYS]
    pii = [HAND[k]["cit"] / CITES for k in KEYS]
    pfs = [HAND[k]["size"] / SIZES for k in KEYS]
    z = {"z_log_n": pop_z(log_n), "z_growth": pop_z(growth), "z_pii": pop_z(pii), "z_pfs": pop_z(pfs)}
    for i, key in enumerate(KEYS):
        h, row = HAND[key], rows[key]
        assert (row["n_families"], row["kr_families"], row["n_recent"], row["n_base"]) == (
            h["n"], h["kr"], h["r"], h["b"])
        assert row["category_families"] == h["cat"]
        assert row["application_share"] == pytest.approx(h["n"] / h["cat"])
        assert row["korea_share"] == pytest.approx(h["kr"] / h["n"])
        assert row["growth"] == pytest.approx(growth[i])
        assert row["pii"] == pytest.approx(pii[i])
        assert row["pfs"] == pytest.approx(pfs[i])
        for column, values in z.items():
            assert row[column] == pytest.approx(values[i]), column
        importance = (z["z_log_n"][i] + z["z_growth"][i] + z["z_pii"][i] + z["z_pfs"][i]) / 4
        assert row["importance"] == pytest.approx(importance)
        rta = (h["kr"] / N_KR) / (h["n"] / N)
        assert row["rta_kr"] == pytest.approx(rta)
        assert row["rsca_kr"] == pytest.approx(sym(rta))
        assert row["pii_kr"] == pytest.approx(h["kr_cit"] / h["cit"])
        assert row["pfs_kr"] == pytest.approx(h["kr_size"] / h["size"])
        competitiveness = (sym(rta) + sym(h["kr_cit"] / h["cit"]) + sym(h["kr_size"] / h["size"])) / 3
        assert row["korea_competitiveness"] == pytest.approx(competitiveness)
        assert row["citations_available"] is True
        assert (row["window_first_year"], row["window_last_year"]) == (2001, 2010)
        assert (row["recent_first_year"], row["recent_last_year"]) == (2006, 2008)


def test_shares_of_a_category_exceed_one_by_its_overlap():
    # F3 is in both design subclasses: 4/7 + 4/7 = 1 + 1/7
    rows = by_key(compute_indicators(facts_of(FAMILIES), WINDOW).subclasses)
    assert rows["design.a"]["application_share"] + rows["design.b"]["application_share"] == pytest.approx(8 / 7)


def test_marks_follow_the_signs():
    # From the hand values (HAND): importance of design.a ≈ 0.08, design.b ≈ 0.09, health.c ≈ 0.78,
    # health.d ≈ -0.95; competitiveness: design.a ≈ -0.12, design.b ≈ -0.25, health.c ≈ -0.16,
    # health.d ≈ 0.03. Only health.d is strong, and it is not core: no focus subclass.
    rows = by_key(compute_indicators(facts_of(FAMILIES), WINDOW).subclasses)
    assert [(rows[k]["is_core"], rows[k]["korea_strength"], rows[k]["is_focus"]) for k in KEYS] == [
        (True, WEAK, False), (True, WEAK, False), (True, WEAK, False), (False, STRONG, False)]
    # a threshold of -0.2 makes design.a and health.c strong, and both are core
    settings = IndicatorSettings(first_year=2001, last_year=2010, strength_threshold=-0.2)
    rows = by_key(compute_indicators(facts_of(FAMILIES), settings).subclasses)
    assert [rows[k]["is_focus"] for k in KEYS] == [True, False, True, False]


@pytest.mark.parametrize(("importance", "competitiveness", "symbols"), [
    (1.78, -0.31, ("o", "弱", "")),   # 공정설계
    (0.38, 0.19, ("o", "强", "V")),   # 제품설계
    (-0.05, 0.07, ("", "强", "")),    # 공정 재설계
    (-0.04, 0.53, ("", "强", "")),    # 모니터링
    (1.54, 0.62, ("o", "强", "V")),   # 진단
    (1.90, 0.51, ("o", "强", "V")),   # 예측
])
def test_the_seed_table_marks(importance, competitiveness, symbols):
    assert mark(importance, competitiveness, IndicatorSettings()).symbols() == symbols


def test_mark_thresholds_and_unknowns():
    strict = IndicatorSettings(core_threshold=0.5, strength_threshold=0.1)
    assert mark(0.38, 0.19, strict).symbols() == ("", "强", "")
    assert mark(0.0, 0.0, IndicatorSettings()).symbols() == ("", "弱", "")
    assert mark(None, None).symbols() == ("", "", "")
    assert mark(float("nan"), 0.5).is_core is False


def test_yearly_counts_fill_the_window_with_zeros():
    yearly = compute_indicators(facts_of(FAMILIES), WINDOW).yearly_counts
    assert yearly.height == 4 * 10
    design_a = yearly.filter(pl.col("subclass_key") == "design.a").sort("priority_year")
    assert list(design_a["priority_year"]) == list(range(2001, 2011))
    assert list(design_a["families"]) == [0, 1, 1, 0, 0, 0, 1, 1, 0, 0]
    assert list(design_a["kr_families"]) == [0, 1, 0, 0, 0, 0, 1, 0, 0, 0]
    assert list(design_a["period"]) == ["base"] * 5 + ["recent"] * 3 + ["incomplete"] * 2


def test_subclass_without_home_country_families():
    families = [("A1", 2001, "KR", 3, 2, ["x.kr"]), ("A2", 2002, "US", 1, 1, ["x.kr"]),
                ("B1", 2001, "US", 2, 3, ["x.none"]), ("B2", 2006, "JP", 4, 1, ["x.none"])]
    rows = by_key(compute_indicators(facts_of(families), WINDOW).subclasses)
    none = rows["x.none"]
    assert (none["rta_kr"], none["rsca_kr"]) == (0.0, -1.0)
    assert none["pii_kr"] is None and none["pfs_kr"] is None
    assert none["korea_competitiveness"] == -1.0 and none["korea_strength"] == WEAK
    # the other holds every KR family: RTA = (1/1) / (2/4) = 2
    assert rows["x.kr"]["rta_kr"] == pytest.approx(2.0)
    assert rows["x.kr"]["korea_competitiveness"] == pytest.approx((sym(2) + sym(3 / 2) + sym(2 / 1.5)) / 3)


def test_no_home_country_family_anywhere_gives_minus_one():
    families = [(fid, y, "US", 1, 1, [k]) for fid, y, _, _, _, ks in FAMILIES for k in ks]
    rows = compute_indicators(facts_of(families), WINDOW).subclasses
    assert rows["korea_competitiveness"].to_list() == [-1.0] * 4
    assert rows["korea_share"].to_list() == [0.0] * 4


@pytest.mark.parametrize("citation", [None, 0])
def test_missing_citations_leave_pii_out(citation):
    families = [(fid, y, c, citation, s, ks) for fid, y, c, _, s, ks in FAMILIES]
    rows = by_key(compute_indicators(facts_of(families), WINDOW).subclasses)
    z = {"log_n": pop_z([math.log(HAND[k]["n"]) for k in KEYS]),
         "growth": pop_z([hand_growth(HAND[k]) for k in KEYS]),
         "pfs": pop_z([HAND[k]["size"] / SIZES for k in KEYS])}
    for i, key in enumerate(KEYS):
        row, h = rows[key], HAND[key]
        assert row["citations_available"] is False
        assert row["pii"] is None and row["z_pii"] is None and row["pii_kr"] is None
        assert row["importance"] == pytest.approx((z["log_n"][i] + z["growth"][i] + z["pfs"][i]) / 3)
        rta = (h["kr"] / N_KR) / (h["n"] / N)
        assert row["korea_competitiveness"] == pytest.approx((sym(rta) + sym(h["kr_size"] / h["size"])) / 2)


def test_subclass_with_no_recent_family():
    # "old": base 3, recent 0; "new": base 1, recent 2; taxonomy: base 4, recent 2
    families = [("O1", 2001, "KR", 1, 1, ["x.old"]), ("O2", 2002, "US", 1, 1, ["x.old"]),
                ("O3", 2003, "US", 1, 1, ["x.old"]), ("N1", 2004, "US", 1, 1, ["x.new"]),
                ("N2", 2006, "US", 1, 1, ["x.new"]), ("N3", 2008, "KR", 1, 1, ["x.new"])]
    rows = by_key(compute_indicators(facts_of(families), WINDOW).subclasses)
    assert rows["x.old"]["n_recent"] == 0
    assert rows["x.old"]["growth"] == pytest.approx(math.log((0.5 / 3.5) / (2.5 / 4.5)))
    assert rows["x.new"]["growth"] == pytest.approx(math.log((2.5 / 1.5) / (2.5 / 4.5)))


def test_single_subclass_has_zero_z_scores():
    families = [("S1", 2001, "KR", 3, 2, ["only.one"]), ("S2", 2007, "US", 1, 4, ["only.one"])]
    row = compute_indicators(facts_of(families), WINDOW).subclasses.row(0, named=True)
    assert row["growth"] == pytest.approx(0.0)  # the subclass is the taxonomy
    assert [row[c] for c in ("z_log_n", "z_growth", "z_pii", "z_pfs")] == [0.0] * 4
    assert row["importance"] == 0.0 and row["is_core"] is False
    assert (row["application_share"], row["rta_kr"], row["pii"], row["pfs"]) == (1.0, 1.0, 1.0, 1.0)


def test_default_window_is_twenty_years_up_to_the_last_priority_year():
    families = [("W0", 2010, "KR", 1, 1, ["a.x"]), ("W1", 2011, "KR", 1, 1, ["a.x"]),
                ("W2", 2030, "US", 1, 1, ["a.x"]), ("W3", 2015, "US", 1, 1, ["a.y"])]
    result = compute_indicators(facts_of(families))
    assert (result.window.first_year, result.window.last_year) == (2011, 2030)
    rows = by_key(result.subclasses)
    assert (rows["a.x"]["n_families"], rows["a.x"]["kr_families"]) == (2, 1)
    assert (rows["a.x"]["recent_first_year"], rows["a.x"]["recent_last_year"]) == (2026, 2028)
    assert result.yearly_counts["priority_year"].min() == 2011


def test_subclass_without_families_in_the_window_keeps_an_empty_row():
    families = [("A1", 2001, "KR", 3, 2, ["a.in"]), ("A2", 2007, "US", 1, 4, ["a.in"]),
                ("B1", 1999, "KR", 5, 5, ["a.out"])]
    subclasses = pl.DataFrame({"subclass_key": ["b.listed", "a.in"], "category": ["b", "a"]})
    result = compute_indicators(facts_of(families), WINDOW, subclasses=subclasses)
    assert list(result.subclasses["subclass_key"]) == ["b.listed", "a.in", "a.out"]
    rows = by_key(result.subclasses)
    for key in ("b.listed", "a.out"):
        row = rows[key]
        assert row["n_families"] == 0 and row["importance"] is None
        assert row["korea_competitiveness"] is None and row["korea_strength"] is None
        assert row["is_core"] is False and row["is_focus"] is False
    assert rows["a.out"]["application_share"] == 0.0 and rows["b.listed"]["application_share"] is None
    assert rows["a.in"]["importance"] == 0.0  # alone in the z-score population
    assert result.yearly_counts.filter(pl.col("subclass_key") == "b.listed")["families"].sum() == 0


def test_repeated_rows_count_once():
    facts = facts_of(FAMILIES)
    doubled = compute_indicators(pl.concat([facts, facts]), WINDOW).subclasses
    assert doubled.equals(compute_indicators(facts, WINDOW).subclasses)


def test_no_facts_and_no_window():
    subclasses = pl.DataFrame({"subclass_key": ["a.x"], "category": ["a"]})
    result = compute_indicators(facts_of([]), subclasses=subclasses)
    assert result.window is None and result.yearly_counts.is_empty()
    assert result.subclasses.row(0, named=True)["n_families"] == 0


@pytest.mark.parametrize(("facts", "settings", "message"), [
    (facts_of(FAMILIES), IndicatorSettings(first_year=2006, last_year=2010), "no base year"),
    (facts_of(FAMILIES).drop("family_size"), WINDOW, "lack columns: family_size"),
    (facts_of([("F1", 2001, "KR", 1, 1, ["a.x"]), ("F1", 2002, "KR", 1, 1, ["a.y"])]), WINDOW,
     "differing attributes"),
    (facts_of(FAMILIES).with_columns(
        category=pl.when(pl.col("family_id") == "F1").then(pl.lit("other")).otherwise("category")),
     WINDOW, "two categories"),
])
def test_bad_input_is_refused_with_a_reason(facts, settings, message):
    with pytest.raises(ValueError, match=message):
        compute_indicators(facts, settings)


def test_z_scores_population_and_rounding_noise():
    assert z_scores([1.0, 3.0, None]) == [-1.0, 1.0, None]
    assert z_scores([0.1 + 0.2, 0.3, 0.3]) == [0.0, 0.0, 0.0]
