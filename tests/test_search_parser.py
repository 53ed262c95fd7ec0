"""Parser of the search-expression language: trees, normalization of values, and the errors.

Expected trees are written out by hand from the grammar (NOT > AND > OR, adjacency = AND).
"""

from __future__ import annotations

import pickle

import pytest

from roadmap_pipeline.lib.search import (
    And,
    ClassTerm,
    Not,
    Or,
    SearchSyntaxError,
    TextTerm,
    Word,
    YearRange,
    normalize_text,
    parse,
)


def ta(*words: str, field: str = "TA") -> TextTerm:
    """A text term; a word written with a trailing * is truncated."""
    return TextTerm(field, tuple(Word(w.rstrip("*"), w.endswith("*")) for w in words))


a, b, c, d = ta("a"), ta("b"), ta("c"), ta("d")


@pytest.mark.parametrize(
    ("expression", "tree"),
    [
        ("a OR b AND c", Or((a, And((b, c))))),
        ("a AND b OR c", Or((And((a, b)), c))),
        ("NOT a AND b", And((Not(a), b))),
        ("NOT a OR b", Or((Not(a), b))),
        ("a OR NOT b c", Or((a, And((Not(b), c))))),
        # adjacency is an AND of the same precedence
        ("a b", And((a, b))),
        ("a b OR c", Or((And((a, b)), c))),
        ("a OR b c", Or((a, And((b, c))))),
        ("a b AND c", And((a, b, c))),
        ("a AND NOT b", And((a, Not(b)))),
        ("a NOT b", And((a, Not(b)))),
        ("NOT a", Not(a)),
        ("NOT NOT a", Not(Not(a))),
        ("(a OR b) AND c", And((Or((a, b)), c))),
        ("a OR (b AND (c OR d))", Or((a, And((b, Or((c, d))))))),
        ("((a))", a),
        ("(a OR b) (c OR d)", And((Or((a, b)), Or((c, d))))),
        # nested groups of the same operator flatten
        ("a AND (b AND c)", And((a, b, c))),
        ("(a OR b) OR (c OR d)", Or((a, b, c, d))),
        # lower-case words are terms, not operators
        ("a and b", And((a, ta("and"), b))),
        ("a or NOT b", And((a, ta("or"), Not(b)))),
    ],
)
def test_precedence_and_grouping(expression, tree):
    assert parse(expression) == tree


@pytest.mark.parametrize(
    ("expression", "tree"),
    [
        ("TI:(robot OR manipulator)", Or((ta("robot", field="TI"), ta("manipulator", field="TI")))),
        (
            "TI:(robot (arm OR hand))",
            And((ta("robot", field="TI"), Or((ta("arm", field="TI"), ta("hand", field="TI"))))),
        ),
        # a prefix inside the group wins over the group's
        ("TI:(robot OR AB:arm)", Or((ta("robot", field="TI"), ta("arm", field="AB")))),
        ("TI:(robot OR CPC:B25J)", Or((ta("robot", field="TI"), ClassTerm("CPC", "B25J")))),
        # the group's prefix does not leak out of it
        ("AB:(a) b", And((ta("a", field="AB"), b))),
        ('AP:"samsung electronics"', ta("samsung", "electronics", field="AP")),
        ("ti:robot", ta("robot", field="TI")),
        ("TI: robot", ta("robot", field="TI")),
        ("TA:robot", ta("robot")),
    ],
)
def test_field_prefixes(expression, tree):
    assert parse(expression) == tree


@pytest.mark.parametrize(
    ("expression", "tree"),
    [
        ("robot*", ta("robot*")),
        ('"neural network*"', ta("neural", "network*")),
        ('"neural* network"', ta("neural*", "network")),
        ('"pick  and\tplace"', ta("pick", "and", "place")),
        ("공정설계", ta("공정설계")),
        ('"공정 설계*"', ta("공정", "설계*")),
        # values are normalized like the warehouse texts
        ("ＲＯＢＯＴ", ta("robot")),
        ("Straße", ta("straße")),
        ("ﾛﾎﾞｯﾄ", ta("ロボット")),
        # full-width and typographic structural characters act as ASCII ones
        ("（a OR b）", Or((a, b))),
        ("“neural network”", ta("neural", "network")),
        ("robot＊", ta("robot*")),
        ("ＴＩ：robot", ta("robot", field="TI")),
        ("a ＡＮＤ b", And((a, b))),
        # regex and SQL metacharacters are plain characters of a word
        ("c++", ta("c++")),
        ("a.b", ta("a.b")),
        ("x';", ta("x';")),
        ("back\\slash", ta("back\\slash")),
    ],
)
def test_terms(expression, tree):
    assert parse(expression) == tree


@pytest.mark.parametrize(
    ("expression", "term"),
    [
        ("CPC:G06N", ClassTerm("CPC", "G06N")),
        ("CPC:G06N3", ClassTerm("CPC", "G06N3")),
        ("CPC:G06N3/08", ClassTerm("CPC", "G06N3/08")),
        ("cpc:g06n3/08", ClassTerm("CPC", "G06N3/08")),
        ('CPC:"G06N 3/08"', ClassTerm("CPC", "G06N3/08")),
        # as copied from a patent document, the detached group joins its subclass
        ("CPC:G06N 3/08", ClassTerm("CPC", "G06N3/08")),
        ("CPC:G06N003/08", ClassTerm("CPC", "G06N3/08")),
        ("CPC:G05B23/0283", ClassTerm("CPC", "G05B23/0283")),
        ("CPC:G05B23/02*", ClassTerm("CPC", "G05B23/02", truncated=True)),
        ("CPC:G05*", ClassTerm("CPC", "G05", truncated=True)),
        ("CPC:Y02P90/02", ClassTerm("CPC", "Y02P90/02")),
        ("IPC:B25J9/16", ClassTerm("IPC", "B25J9/16")),
        ("PY:2015..2024", YearRange(2015, 2024)),
        ("PY:2015", YearRange(2015, 2015)),
        ("PY:2015..", YearRange(2015, None)),
        ("PY:..2024", YearRange(None, 2024)),
        ("PY:２０１５", YearRange(2015, 2015)),
    ],
)
def test_class_and_year_values(expression, term):
    assert parse(expression) == term


def test_detached_group_joins_only_a_bare_subclass():
    assert parse("CPC:G06N3 3/08") == And((ClassTerm("CPC", "G06N3"), ta("3/08")))


@pytest.mark.parametrize(
    ("expression", "label"),
    [
        ('"neural network*"', 'TA:"neural network*"'),
        ("TI:Robot*", "TI:robot*"),
        ("AP:삼성", "AP:삼성"),
        ("cpc:g05b23/02*", "CPC:G05B23/02*"),
        ("IPC:G06N 3/08", "IPC:G06N3/08"),
        ("PY:2015..2024", "PY:2015..2024"),
        ("PY:2015", "PY:2015"),
        ("PY:..2024", "PY:..2024"),
        ("PY:2015..", "PY:2015.."),
    ],
)
def test_labels(expression, label):
    assert parse(expression).label == label


def test_leaves_carry_the_position_of_their_value():
    tree = parse('robot AND TI:"pick place" OR CPC:B25J')
    leaves = tree.operands[0].operands + (tree.operands[1],)
    # the word, the opening quote after TI:, the symbol after CPC:
    assert [leaf.position for leaf in leaves] == [0, 13, 33]


# Malformed expressions: (expression, position, words of the expectation, words of the finding).
MALFORMED = [
    ("(robot OR arm", 13, "')' to close the '(' at position 0", "the end of the expression"),
    ("TI:(robot (arm)", 15, "')' to close the '(' at position 3", "the end of the expression"),
    ("robot OR arm)", 12, "an operator or the end of the expression", "')'"),
    ("robot AND", 9, "a term, a phrase or '('", "the end of the expression"),
    ("OR robot", 0, "a term, a phrase or '('", "the operator 'OR'"),
    ("robot OR OR arm", 9, "a term, a phrase or '('", "the operator 'OR'"),
    ("robot NOT", 9, "a term, a phrase or '('", "the end of the expression"),
    ("()", 1, "a term, a phrase or '('", "')'"),
    ("", 0, "a term", "an empty expression"),
    ("   ", 0, "a term", "an empty expression"),
    ('robot "neural network', 6, "a closing '\"'", "the end of the expression"),
    ('""', 0, "words between the quotes", "an empty phrase"),
    ("PY:2024..2015", 3, "a range whose first year is not after its last", "'2024..2015'"),
    ("PY:15", 3, "a priority year or range", "'15'"),
    ("PY:..", 3, "a priority year or range", "'..'"),
    ("PY:20152024", 3, "a priority year or range", "'20152024'"),
    ("PY:(2015)", 3, "a priority year or range", "'('"),
    ("CPC:G6N3/08", 4, "a CPC symbol such as G06N, G06N3 or G06N3/08", "'G6N3/08'"),
    ("a OR IPC:G06N3/8", 9, "a IPC symbol such as", "'G06N3/8'"),
    ("CPC:G06", 4, "a CPC symbol", "'G06'"),
    ("CPC:G0*6N", 4, "a CPC symbol", "'G0*6N'"),
    ("CPC:(G06N OR G05B)", 4, "a CPC symbol", "'('"),
    ("XX:robot", 0, "a known field prefix (TA:, TI:, AB:, AP:, CPC:, IPC:, PY:)",
     "the field prefix 'XX:'"),
    ("TI:", 3, "a term, a phrase or '(' after TI:", "the end of the expression"),
    ("TI:NOT robot", 3, "a term, a phrase or '(' after TI:", "the operator 'NOT'"),
    ("TI:AB:robot", 3, "a term, a phrase or '(' after TI:", "the field prefix 'AB:'"),
    ("robot AND *", 10, "a word before '*'", "a lone '*'"),
    ("ro*bot", 2, "'*' only at the end of a word", "'*' in 'ro*bot'"),
    ("*robot", 0, "'*' only at the end of a word", "'*' in '*robot'"),
    ("robot**", 5, "'*' only at the end of a word", "'*' in 'robot**'"),
    ('"neural * network"', 8, "a word before '*'", "a lone '*'"),
    ('"neu*ral network"', 4, "'*' only at the end of a word", "'*' in 'neu*ral'"),
]


@pytest.mark.parametrize(("expression", "position", "expected", "found"), MALFORMED)
def test_malformed_expressions(expression, position, expected, found):
    with pytest.raises(SearchSyntaxError) as caught:
        parse(expression)
    error = caught.value
    assert error.position == position
    assert error.expected.startswith(expected)
    assert error.found == found
    assert isinstance(error, ValueError)


def test_deep_nesting_is_a_syntax_error_not_a_crash():
    assert parse("(" * 100 + "a" + ")" * 100) == a
    with pytest.raises(SearchSyntaxError) as caught:
        parse("(" * 101 + "a" + ")" * 101)
    assert (caught.value.position, caught.value.found) == (100, "'('")
    with pytest.raises(SearchSyntaxError) as caught:
        parse("NOT " * 5000 + "a")
    assert caught.value.position == 400
    assert caught.value.expected == "at most 100 nested parentheses and NOTs"


def test_message_points_a_caret_at_the_position():
    with pytest.raises(SearchSyntaxError) as caught:
        parse("TI:(robot OR arm")
    lines = str(caught.value).splitlines()
    assert lines[0] == (
        "expected ')' to close the '(' at position 3, found the end of the expression (position 16)"
    )
    assert lines[1] == "  TI:(robot OR arm"
    assert lines[2] == "  " + " " * 16 + "^"


def test_caret_counts_korean_characters_as_two_columns():
    with pytest.raises(SearchSyntaxError) as caught:
        parse("공정설계 OR )")
    # four wide syllables (8 columns), a space, "OR" and a space: the ')' is at column 12
    assert str(caught.value).splitlines()[2] == "  " + " " * 12 + "^"
    assert caught.value.position == 8


def test_context_prefixes_the_message_and_survives_pickling():
    with pytest.raises(SearchSyntaxError) as caught:
        parse("robot AND")
    located = caught.value.with_context("data/taxonomy/x.yaml, subclass design.process_design")
    assert str(located).startswith(
        "data/taxonomy/x.yaml, subclass design.process_design: expected a term, a phrase or '('"
    )
    assert located.position == 9
    assert (located.expected, located.found) == ("a term, a phrase or '('", "the end of the expression")
    restored = pickle.loads(pickle.dumps(located))
    assert str(restored) == str(located)
    assert restored.position == 9


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("ＡＩ", "ai"),
        ("Straße", "straße"),
        ("ẞ", "ß"),
        ("İ", "i\u0307"),
        ("공정설계", "공정설계"),
        ("\u1100\u1161", "가"),  # decomposed jamo compose under NFKC
        ("ﾛﾎﾞｯﾄ", "ロボット"),
        ("㈜삼성", "(주)삼성"),
        ("ﬁle", "file"),
    ],
)
def test_normalize_text_agrees_with_the_warehouse(raw, normalized):
    import polars as pl

    assert normalize_text(raw) == normalized
    warehouse = pl.Series([raw]).str.normalize("NFKC").str.to_lowercase().item()
    assert warehouse == normalized
