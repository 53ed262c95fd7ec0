"""Compiled search expressions run on an in-memory DuckDB table whose matches are known.

Texts are loaded raw and normalized with polars exactly as the warehouse does, so a test also
fails if `normalize_text` and the warehouse ever disagree.
"""

from __future__ import annotations

import re

import duckdb
import polars as pl
import pytest

from roadmap_pipeline.lib.search import compile_expression, parse

# id: (titles, abstracts, applicants, cpc, ipc, priority year); several titles join with "\n".
ROWS = {
    1: (["Robotic arm for pick-and-place"], ["A gripper maintains its grip."], ["FANUC Corp"],
        ["B25J9/16", "B25J15/00"], ["B25J9/16"], 2018),
    2: (["Neural-Networks for process design", "신경망 공정 설계"],
        ["An AI model optimizes injection molding."], ["Samsung Electronics Co., Ltd."], ["G06N3/08", "G05B19/4183"], ["G06N3/08"], 2021),
    3: (["사출 공정설계 방법"], ["인공지능 기반 금형 설계"], ["현대자동차 주식회사"],
        ["B29C45/76"], ["B29C45/76"], 2016),
    4: (["AI-based scheduling"], ["Digital twin of a line"], ["Siemens AG"],
        ["G06N30/00", "G05B23/0283"], ["G06N30/00"], 2023),
    5: (None, None, None, None, None, None),
    6: (["ＣＮＣ　Ｍａｃｈｉｎｅ"], ["ﾛﾎﾞｯﾄ制御 of a spindle"], ["ＬＧ Electronics"],
        ["G06N3/04"], [], 2015),
    7: (["'; DROP TABLE families; --"], ["x'); DELETE FROM t; -- and C++ code"], None,
        [], None, 2019),
    8: (["A.B method"], ["The (?i) flag, back\\slash and [a-z]+ here"], None, None, None, 2020),
    9: (["AxB method"], ["C code, c+ code, backslash"], None, None, None, 2020),
}
ALL = set(ROWS)


def _joined(values):
    return None if values is None else "\n".join(values)


@pytest.fixture(scope="module")
def conn():
    raw = pl.DataFrame(
        {
            "id": list(ROWS),
            "ti": [_joined(row[0]) for row in ROWS.values()],
            "ab": [_joined(row[1]) for row in ROWS.values()],
            "ap": [_joined(row[2]) for row in ROWS.values()],
            "cpc": [row[3] for row in ROWS.values()],
            "ipc": [row[4] for row in ROWS.values()],
            "py": [row[5] for row in ROWS.values()],
        },
        schema={"id": pl.Int32, "ti": pl.String, "ab": pl.String, "ap": pl.String,
                "cpc": pl.List(pl.String), "ipc": pl.List(pl.String), "py": pl.Int32},
    )
    families = raw.with_columns(
        pl.col(name).str.normalize("NFKC").str.to_lowercase() for name in ("ti", "ab", "ap")
    )
    connection = duckdb.connect(config={"threads": 1})  # nine rows: threads only add overhead
    connection.execute("CREATE TABLE families AS SELECT * FROM families")
    connection.execute("CREATE TABLE t AS SELECT 1 AS x")
    yield connection
    connection.close()


def matches(conn, expression: str) -> set[int]:
    compiled = compile_expression(parse(expression))
    rows = conn.execute(f"SELECT id FROM families WHERE {compiled.sql}", compiled.params).fetchall()
    return {row[0] for row in rows}


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        # whole words
        ("AI", {2, 4}),  # not "maintains" (1), "AI-based" is a word
        ("ai", {2, 4}),
        ("ＡＩ", {2, 4}),
        ("grip", {1}),
        ("robot", set()),  # "robotic" is another word
        ("robot*", {1}),
        ("optimi*", {2}),
        ("optimi", set()),
        ("network", set()),
        ("networks", {2}),
        # phrases: words separated by any non-letter/digit characters
        ('"pick and place"', {1}),
        ('"neural network*"', {2}),
        ('"neural network"', set()),
        ('"neural* network*"', {2}),
        ('"process design"', {2}),
        ('"design an"', set()),  # title and abstract are separate texts
        ('"for process"', {2}),
        # Hangul, CJK and kana: substrings
        ("공정설계", {3}),
        ("설계", {2, 3}),
        ('"금형 설계"', {3}),
        ('"금형설계"', set()),
        ("공정*", {2, 3}),
        ("신경망", {2}),
        ("ロボット", {6}),
        ("ﾛﾎﾞｯﾄ", {6}),
        ("制御", {6}),
        # full-width text in the data
        ("cnc", {6}),
        ('"cnc machine"', {6}),
        # fields
        ("TI:ai", {4}),
        ("AB:ai", {2}),
        ("TI:(robot* OR cnc)", {1, 6}),
        ("AP:samsung", {2}),
        ('AP:"samsung electronics"', {2}),
        ("AP:sam", set()),
        ("AP:현대", {3}),
        ("AP:lg", {6}),
        ("TI:grip", set()),
    ],
)
def test_text_matching(conn, expression, expected):
    assert matches(conn, expression) == expected


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("robot* OR ai AND 공정설계", {1}),
        ("(robot* OR ai) AND grip", {1}),
        ("robot* OR ai 공정설계", {1}),
        ("ai OR 공정설계 NOT TI:ai", {2, 3, 4}),
        ("(ai OR 공정설계) NOT TI:ai", {2, 3}),
        ("NOT robot*", ALL - {1}),
        ("NOT (ai OR 설계)", ALL - {2, 3, 4}),
        ("NOT NOT ai", {2, 4}),
        ("ai NOT AB:ai", {4}),
        ("TI:(neural* OR scheduling) AND NOT CPC:G06N3", {4}),
    ],
)
def test_boolean_structure(conn, expression, expected):
    assert matches(conn, expression) == expected


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("CPC:G06N", {2, 4, 6}),
        ("CPC:G06N3", {2, 6}),  # not G06N30/00
        ("CPC:G06N30", {4}),
        ("CPC:G06N3/08", {2}),
        ("CPC:G06N3/0*", {2, 6}),
        ("CPC:G06N3*", {2, 4, 6}),  # a plain prefix: G06N30/00 too
        ("CPC:G05B23/02*", {4}),
        ("CPC:G05B23/02", set()),  # exact symbol
        ("CPC:G05B19/418", set()),
        ("CPC:G05B19/418*", {2}),
        ('CPC:"g06n 3/08"', {2}),
        ("IPC:G06N", {2, 4}),
        ("IPC:B25J9/16", {1}),
        ("CPC:B25J", {1}),
        ("PY:2016..2018", {1, 3}),
        ("PY:2021", {2}),
        ("PY:2020..", {2, 4, 8, 9}),
        ("PY:..2016", {3, 6}),
        ("CPC:G06N PY:2016..2022", {2}),
    ],
)
def test_classes_and_years(conn, expression, expected):
    assert matches(conn, expression) == expected


@pytest.mark.parametrize(
    "expression",
    ["ai", "공정설계", "AP:samsung", "AP:현대", "CPC:G06N", "CPC:G06N3", "CPC:G06N3/08", "IPC:B25J",
     "CPC:G0*", "PY:2015..", "PY:..2030", "PY:2015..2030", "PY:2021", "TI:grip OR AB:grip"],
)
def test_null_columns_give_two_valued_results(conn, expression):
    # Row 5 has every column NULL: each expression is false on it and its negation true.
    assert 5 not in matches(conn, expression)
    assert 5 in matches(conn, f"NOT ({expression})")
    assert matches(conn, expression) | matches(conn, f"NOT ({expression})") == ALL
    assert not matches(conn, expression) & matches(conn, f"NOT ({expression})")


def evidence(conn, expression: str) -> dict[int, list[str]]:
    compiled = compile_expression(parse(expression))
    rows = conn.execute(
        f"SELECT id, {compiled.evidence_sql} FROM families WHERE {compiled.sql} ORDER BY id",
        compiled.all_params,
    ).fetchall()
    return dict(rows)


def test_evidence_lists_the_positive_leaves_true_on_each_row(conn):
    found = evidence(conn, "(ai OR robot* OR CPC:G06N3 OR 설계) AND NOT CPC:B29C")
    assert found == {
        1: ["TA:robot*"],
        2: ["TA:ai", "CPC:G06N3", "TA:설계"],
        4: ["TA:ai"],
        6: ["CPC:G06N3"],
    }


def test_evidence_counts_a_double_negation_as_positive_and_lists_a_leaf_once(conn):
    assert evidence(conn, "NOT NOT ai AND (ai OR grip)") == {2: ["TA:ai"], 4: ["TA:ai"]}


def test_evidence_of_a_purely_negative_expression_is_empty(conn):
    assert evidence(conn, "NOT (ai OR 설계 OR robot*) AND NOT PY:2019..") == {5: [], 6: []}


# Hostile expressions match their literal text only, and leave every table as it was.
HOSTILE = [
    ("\"'; DROP TABLE families; --\"", {7}),
    ("\"x'); DELETE FROM t; --\"", {7}),
    ("\"DELETE FROM t\"", {7}),
    ("c++", {7}),
    ("a.b", {8}),
    ("\"(?i)\"", {8}),
    ("\"(?i) flag\"", {8}),
    ("back\\slash", {8}),
    ("\"[a-z]+\"", {8}),
    ("\"a|b\"", set()),
    ("\".*\"", set()),
    ("\"$1\"", set()),
    ("AP:\"x' OR '1'='1\"", set()),
]


@pytest.mark.parametrize(("expression", "expected"), HOSTILE)
def test_hostile_expressions_match_literally(conn, expression, expected):
    compiled = compile_expression(parse(expression))
    for value in compiled.params.values():
        if isinstance(value, str) and len(value) > 2:
            assert value not in compiled.sql
    assert matches(conn, expression) == expected
    assert conn.execute("SELECT count(*) FROM families").fetchone()[0] == len(ROWS)
    assert conn.execute("SELECT count(*) FROM t").fetchone()[0] == 1


def test_an_unbalanced_hostile_expression_is_a_syntax_error():
    from roadmap_pipeline.lib.search import SearchSyntaxError

    with pytest.raises(SearchSyntaxError) as caught:
        parse("x'); DELETE FROM t; --")
    assert caught.value.position == 2


def test_sql_holds_only_fixed_fragments_and_parameter_names():
    compiled = compile_expression(
        parse('TI:(robot* OR "pick and place") AND 공정설계 NOT AP:samsung OR CPC:G06N3 PY:2015..2024')
    )
    without_parameters = re.sub(r"\$q\d+", "", compiled.sql)
    for word in ("robot", "pick", "place", "공정설계", "samsung", "G06N", "2015", "2024"):
        assert word not in without_parameters
    assert set(re.findall(r"\$(q\d+)", compiled.sql)) == set(compiled.params)
    assert set(re.findall(r"\$(q\d+)", compiled.evidence_sql)) == set(compiled.evidence_params)
    assert [term.label for term in compiled.terms] == [
        "TI:robot*", 'TI:"pick and place"', "TA:공정설계", "AP:samsung", "CPC:G06N3", "PY:2015..2024"
    ]
    assert [term.negated for term in compiled.terms] == [False, False, False, True, False, False]


def test_repeated_leaves_share_their_parameters():
    compiled = compile_expression(parse("(ai AND grip) OR (ai AND robot*)"))
    assert [term.label for term in compiled.terms] == ["TA:ai", "TA:grip", "TA:robot*"]
    assert list(compiled.params.values()).count("ai") == 1


def test_parameter_prefixes_let_two_expressions_share_a_statement(conn):
    first = compile_expression(parse("robot*"), param_prefix="s0_")
    second = compile_expression(parse("CPC:G06N3"), param_prefix="s1_")
    assert all(name.startswith("s0_") for name in first.params)
    sql = f"SELECT id FROM families WHERE ({first.sql}) OR ({second.sql})"
    rows = conn.execute(sql, {**first.params, **second.params}).fetchall()
    assert {row[0] for row in rows} == {1, 2, 6}


@pytest.mark.parametrize("prefix", ["", "1q", "q;", "q-1", "$q"])
def test_parameter_prefix_must_be_an_identifier(prefix):
    with pytest.raises(ValueError):
        compile_expression(parse("ai"), param_prefix=prefix)
