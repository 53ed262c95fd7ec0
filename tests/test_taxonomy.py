"""The taxonomy loader: the default 제조 AI file, and the errors an analyst's typo must produce.

Error cases are small documents built here, each breaking one rule of a document that is otherwise
valid, so that a test fails if the loader accepts it or blames the wrong subclass or field.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

import duckdb
import polars as pl
import pytest
import yaml

from roadmap_pipeline.lib.search import compile_expression, parse
from roadmap_pipeline.lib.taxonomy import Taxonomy, TaxonomyError, load_taxonomy, parse_taxonomy, write_subset
from roadmap_pipeline.settings import DEFAULT_TAXONOMY

# The seed's example (2026 KIPO/MSS press release): the five categories and the six subclasses it names.
SEED_CATEGORIES = {
    "design": "설계",
    "production": "생산관리",
    "inspection": "제품검사",
    "logistics": "이송/물류",
    "health": "설비건전성",
}
SEED_SUBCLASSES = {
    "공정설계": "design",
    "제품설계": "design",
    "공정 재설계": "design",
    "모니터링": "health",
    "진단": "health",
    "예측": "health",
}


def minimal_document() -> dict:
    """A valid taxonomy: one category with two subclasses, the second with every optional field."""
    return {
        "taxonomy": {"key": "tiny", "name_ko": "작은", "name_en": "Tiny", "version": "1"},
        "categories": [
            {
                "key": "design",
                "name_ko": "설계",
                "name_en": "Design",
                "subclasses": [
                    {
                        "key": "design.process_design",
                        "name_ko": "공정설계",
                        "name_en": "Process design",
                        "description": "AI that designs processes.",
                        "query": '"process design" AND (AI OR 인공지능)',
                    },
                    {
                        "key": "design.product_design",
                        "name_ko": "제품설계",
                        "name_en": "Product design",
                        "description": "AI that designs products.",
                        "query": "TI:product AND CPC:G06F30*",
                        "cpc_scope": ["G06F30"],
                        "exclude": ["drug design"],
                        "threshold": 0.25,
                    },
                ],
            }
        ],
    }


def first_subclass(document: dict) -> dict:
    return document["categories"][0]["subclasses"][0]


def write_yaml(path: Path, document: dict) -> Path:
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


# --- the default taxonomy -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def default_taxonomy() -> Taxonomy:
    return load_taxonomy(DEFAULT_TAXONOMY)


def test_default_taxonomy_has_the_seeds_five_categories(default_taxonomy):
    assert {c.key: c.name_ko for c in default_taxonomy.categories} == SEED_CATEGORIES
    assert default_taxonomy.path == str(DEFAULT_TAXONOMY)


def test_default_taxonomy_has_twelve_distinct_subclasses(default_taxonomy):
    keys = default_taxonomy.subclass_keys
    assert len(keys) == 12
    assert len(set(keys)) == 12
    assert all(category.subclasses for category in default_taxonomy.categories)


def test_default_taxonomy_holds_the_seeds_six_subclasses_in_their_categories(default_taxonomy):
    category_of = {s.name_ko: s.category for s in default_taxonomy.subclasses}
    for name_ko, category in SEED_SUBCLASSES.items():
        assert category_of.get(name_ko) == category, name_ko


def test_default_subclasses_are_complete_and_keyed_by_category_slugs(default_taxonomy):
    for category in default_taxonomy.categories:
        for subclass in category.subclasses:
            assert re.fullmatch(r"[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*", subclass.key), subclass.key
            assert subclass.key.startswith(category.key + "."), subclass.key
            assert subclass.category == category.key
            assert subclass.description.strip(), subclass.key
            assert subclass.query.strip(), subclass.key
            assert subclass.exclude and all(text.strip() for text in subclass.exclude), subclass.key


def test_default_subclasses_are_described_in_korean_japanese_and_chinese(default_taxonomy):
    for subclass in default_taxonomy.subclasses:
        assert subclass.languages == ("en", "ko", "ja", "zh"), subclass.key
        for lang in ("ko", "ja", "zh"):
            used, description, exclude = subclass.screening_texts(lang)
            assert used == lang
            assert description != subclass.description
            assert len(exclude) == len(subclass.exclude), (subclass.key, lang)


def test_every_default_expression_finds_its_own_description_in_each_native_language(default_taxonomy):
    # A family whose only text is the subclass description in Korean, Japanese or Chinese (what a
    # KR-, JP- or CN-only family about the subclass says) must be a candidate: the expression names
    # the subclass's concepts in that language too.
    native = ("ko", "ja", "zh")
    rows = [(subclass.key, lang, subclass.screening_texts(lang)[1])
            for subclass in default_taxonomy.subclasses for lang in native]
    texts = pl.DataFrame(rows, schema=["subclass_key", "lang", "ab"], orient="row").with_columns(
        pl.col("ab").str.normalize("NFKC").str.to_lowercase(),
        pl.lit("").alias("ti"), pl.lit("").alias("ap"), pl.lit(2020).alias("py"),
        pl.lit([], dtype=pl.List(pl.String)).alias("cpc"), pl.lit([], dtype=pl.List(pl.String)).alias("ipc"),
    )
    conn = duckdb.connect(config={"threads": 1})
    conn.register("search_texts", texts.to_arrow())
    missed = []
    for subclass in default_taxonomy.subclasses:
        compiled = compile_expression(parse(subclass.query))
        found = conn.execute(
            f"SELECT lang FROM search_texts WHERE subclass_key = $key AND {compiled.sql}",
            {"key": subclass.key, **compiled.params},
        ).fetchall()
        missed += [(subclass.key, lang) for lang in native if (lang,) not in found]
    assert not missed


def test_default_taxonomy_lookup_by_key(default_taxonomy):
    assert default_taxonomy.subclass("health.prediction").name_ko == "예측"
    assert default_taxonomy.category("logistics").name_ko == "이송/물류"
    with pytest.raises(KeyError, match="health.prognosis"):
        default_taxonomy.subclass("health.prognosis")


# --- parsing a valid document ---------------------------------------------------------------------


def test_minimal_document_parses_with_optional_fields_and_defaults():
    taxonomy = parse_taxonomy(minimal_document(), "tiny.yaml")
    plain, full = taxonomy.subclasses
    assert (plain.cpc_scope, plain.exclude, plain.threshold) == ((), (), None)
    assert full.cpc_scope == ("G06F30",)
    assert full.exclude == ("drug design",)
    assert full.threshold == 0.25
    assert taxonomy.version == "1"


def test_folded_whitespace_in_query_and_description_is_collapsed():
    document = minimal_document()
    first_subclass(document)["query"] = '"process design"\n   AND  (AI OR 인공지능)\n'
    first_subclass(document)["description"] = "  AI that\n designs   processes. "
    subclass = parse_taxonomy(document).subclasses[0]
    assert subclass.query == '"process design" AND (AI OR 인공지능)'
    assert subclass.description == "AI that designs processes."


def multilingual_document() -> dict:
    """The minimal document with the second subclass described in English and Korean."""
    document = minimal_document()
    second = document["categories"][0]["subclasses"][1]
    second["description"] = {"en": "AI that designs products.", "ko": "제품을 설계하는\n 인공지능."}
    second["exclude"] = [{"en": "drug design", "ko": "신약 설계"}]
    return document


def test_a_description_in_several_languages_gives_each_language_its_own_texts():
    plain, translated = parse_taxonomy(multilingual_document()).subclasses
    assert translated.description == "AI that designs products."
    assert translated.exclude == ("drug design",)
    assert translated.languages == ("en", "ko")
    assert translated.screening_texts("ko") == ("ko", "제품을 설계하는 인공지능.", ("신약 설계",))
    # A language the taxonomy does not give falls back to English, and says so.
    assert translated.screening_texts("ja") == ("en", "AI that designs products.", ("drug design",))
    assert plain.languages == ("en",)
    assert plain.screening_texts("ko") == ("en", "AI that designs processes.", ())


def test_a_translation_changes_the_fingerprint():
    before = parse_taxonomy(multilingual_document()).subclasses[1].fingerprint
    document = multilingual_document()
    document["categories"][0]["subclasses"][1]["exclude"][0]["ko"] = "약물 분자 설계"
    assert parse_taxonomy(document).subclasses[1].fingerprint != before


@pytest.mark.parametrize(
    ("exclude", "complaint"),
    [
        ([{"en": "drug design"}], "field 'exclude' item #1 lacks ko: every exclusion must be written in the "
                                  "description's languages (en, ko)"),
        (["drug design"], "field 'exclude' item #1 lacks ko"),
        ([{"en": "drug design", "ko": "신약 설계", "ja": "創薬"}], "field 'exclude' item #1 has ja"),
    ],
)
def test_an_exclusion_not_in_the_descriptions_languages_is_rejected(exclude, complaint):
    document = multilingual_document()
    document["categories"][0]["subclasses"][1]["exclude"] = exclude
    with pytest.raises(TaxonomyError) as caught:
        parse_taxonomy(document, "tiny.yaml")
    assert str(caught.value).startswith("tiny.yaml: subclass 'design.product_design': ")
    assert complaint in str(caught.value)


# --- errors ---------------------------------------------------------------------------------------


def test_missing_file_is_named(tmp_path):
    path = tmp_path / "nowhere.yaml"
    with pytest.raises(TaxonomyError, match="not found") as caught:
        load_taxonomy(path)
    assert str(path) in str(caught.value)


def test_invalid_yaml_is_named(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("taxonomy: {key: tiny\ncategories: [\n", encoding="utf-8")
    with pytest.raises(TaxonomyError, match="not valid YAML") as caught:
        load_taxonomy(path)
    assert str(path) in str(caught.value)


def test_a_document_that_is_not_a_mapping_is_rejected():
    with pytest.raises(TaxonomyError, match="expected a mapping"):
        parse_taxonomy(["design"], "list.yaml")


def test_a_valid_file_loads_from_disk(tmp_path):
    path = write_yaml(tmp_path / "tiny.yaml", minimal_document())
    taxonomy = load_taxonomy(path)
    assert taxonomy.subclass_keys == ["design.process_design", "design.product_design"]
    assert taxonomy.path == str(path)


def break_subclass(field: str, value) -> dict:
    document = minimal_document()
    if value is _DELETE:
        del first_subclass(document)[field]
    else:
        first_subclass(document)[field] = value
    return document


_DELETE = object()


@pytest.mark.parametrize(
    ("field", "value", "complaint"),
    [
        ("description", _DELETE, "field 'description' is missing or empty"),
        ("query", _DELETE, "field 'query' is missing or empty"),
        ("name_ko", "   ", "field 'name_ko' is missing or empty"),
        ("description", "", "field 'description' is missing or empty"),
        ("querry", "robot", "unknown field 'querry'"),
        ("name_en", 42, "field 'name_en' must be a string, got int"),
        ("cpc_scope", "G06F30", "field 'cpc_scope' must be a list, got str"),
        ("exclude", ["drug design", ""], "field 'exclude' item #2 is empty"),
        ("exclude", [3], "field 'exclude' item #1 must be a text or a mapping of language to text, got int"),
        ("description", {"ko": "공정을 설계하는 AI"}, "field 'description': the English ('en') text is required"),
        ("description", {"en": "AI", "de": "KI"}, "field 'description': unknown language 'de' (allowed: en, ko, ja, zh)"),
        ("description", {"en": "AI", "ko": " "}, "field 'description': the 'ko' text is missing or empty"),
        ("description", 3, "field 'description' must be a string or mapping, got int"),
        ("threshold", "high", "field 'threshold' must be a number, got str"),
        ("threshold", True, "field 'threshold' must be a number, got bool"),
        ("threshold", 1.5, "field 'threshold' must be between -1 and 1, got 1.5"),
        ("threshold", -2, "field 'threshold' must be between -1 and 1, got -2"),
    ],
)
def test_a_broken_subclass_field_names_file_subclass_and_field(tmp_path, field, value, complaint):
    path = write_yaml(tmp_path / "tiny.yaml", break_subclass(field, value))
    with pytest.raises(TaxonomyError) as caught:
        load_taxonomy(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: subclass 'design.process_design': ")
    assert complaint in message


def test_thresholds_at_the_bounds_are_accepted():
    for bound in (-1, 1.0):
        assert parse_taxonomy(break_subclass("threshold", bound)).subclasses[0].threshold == float(bound)


@pytest.mark.parametrize("key", ["Design.Process", "design.process-design", "design.", "design", "설계.공정"])
def test_a_subclass_key_that_is_not_a_slug_is_rejected(key):
    with pytest.raises(TaxonomyError, match="field 'key' must be an ASCII slug 'design.<name>'"):
        parse_taxonomy(break_subclass("key", key), "tiny.yaml")


def test_a_subclass_key_outside_its_category_is_rejected():
    with pytest.raises(TaxonomyError) as caught:
        parse_taxonomy(break_subclass("key", "health.process_design"), "tiny.yaml")
    message = str(caught.value)
    assert "subclass 'health.process_design'" in message
    assert "'design.<name>'" in message


def test_duplicate_subclass_key_is_rejected():
    document = minimal_document()
    document["categories"][0]["subclasses"][1]["key"] = "design.process_design"
    with pytest.raises(TaxonomyError, match=r"tiny.yaml: subclass 'design.process_design': duplicate key"):
        parse_taxonomy(document, "tiny.yaml")


def test_duplicate_category_key_is_rejected():
    document = minimal_document()
    second = copy.deepcopy(document["categories"][0])
    for subclass in second["subclasses"]:
        subclass["key"] = subclass["key"] + "_bis"
    document["categories"].append(second)
    with pytest.raises(TaxonomyError, match=r"tiny.yaml: category 'design': duplicate category key"):
        parse_taxonomy(document, "tiny.yaml")


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        (lambda d: d["categories"][0].update(key="Design"), "category 'Design': field 'key' must be a lower-case"),
        (lambda d: d["categories"][0].update(subclasses=[]), "category 'design': field 'subclasses' is empty"),
        (lambda d: d["categories"][0].update(subclasses="x"), "field 'subclasses' must be a list, got str"),
        (lambda d: d["categories"][0].pop("name_ko"), "category 'design': field 'name_ko' is missing or empty"),
        (lambda d: d["categories"][0].update(colour="red"), "category 'design': unknown field 'colour'"),
        (lambda d: d.update(categories=[]), "'categories' must be a non-empty list"),
        (lambda d: d.update(categories={"design": {}}), "'categories' must be a non-empty list"),
        (lambda d: d.update(categories=["design"]), "category #1: expected a mapping"),
        (lambda d: d["taxonomy"].update(version=2026.1), "taxonomy: field 'version' must be a string, got float"),
        (lambda d: d["taxonomy"].pop("key"), "taxonomy: field 'key' is missing or empty"),
        (lambda d: d.pop("taxonomy"), "taxonomy: expected a mapping"),
        (lambda d: d.update(taxonomies={}), "unknown field 'taxonomies'"),
    ],
)
def test_a_broken_category_or_head_is_named(change, complaint):
    document = minimal_document()
    change(document)
    with pytest.raises(TaxonomyError) as caught:
        parse_taxonomy(document, "tiny.yaml")
    message = str(caught.value)
    assert message.startswith("tiny.yaml: ")
    assert complaint in message


def test_a_subclass_that_is_not_a_mapping_names_its_category():
    document = minimal_document()
    document["categories"][0]["subclasses"][0] = "design.process_design"
    with pytest.raises(TaxonomyError, match="subclass of category 'design': expected a mapping"):
        parse_taxonomy(document, "tiny.yaml")


def test_a_malformed_query_names_file_subclass_field_position_and_expectation(tmp_path):
    # The closing parenthesis is missing: the parser expects ")" at its end.
    query = '"process design" AND (AI OR 인공지능'
    path = write_yaml(tmp_path / "tiny.yaml", break_subclass("query", query))
    with pytest.raises(TaxonomyError) as caught:
        load_taxonomy(path)
    message = str(caught.value)
    head, line, caret = message.split("\n")
    assert head.startswith(f"{path}: subclass 'design.process_design': field 'query': ")
    assert f"expected ')' to close the '(' at position {query.index('(')}" in head
    assert f"found the end of the expression (position {len(query)})" in head
    assert line == f"  {query}"
    # The caret sits under the end of the expression; each Korean syllable is two columns wide.
    assert caret == "  " + " " * (len(query) + len("인공지능")) + "^"


def test_a_malformed_query_on_a_later_line_shows_that_line(tmp_path):
    # A literal block keeps the line breaks; the fault (a year that is not a number) is on the second line.
    text = (
        "taxonomy: {key: tiny, name_ko: 작은, name_en: Tiny, version: '1'}\n"
        "categories:\n"
        "  - key: health\n"
        "    name_ko: 설비건전성\n"
        "    name_en: Equipment health\n"
        "    subclasses:\n"
        "      - key: health.monitoring\n"
        "        name_ko: 모니터링\n"
        "        name_en: Condition monitoring\n"
        "        description: Monitoring of equipment.\n"
        "        query: |\n"
        "          \"condition monitoring\"\n"
        "          AND PY:20x\n"
    )
    path = tmp_path / "literal.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(TaxonomyError) as caught:
        load_taxonomy(path)
    message = str(caught.value)
    assert f"{path}: subclass 'health.monitoring': field 'query': expected a priority year" in message
    expression = '"condition monitoring"\nAND PY:20x\n'  # the block's text, indentation removed
    assert f"found '20x' (position {expression.index('20x')})" in message
    assert message.endswith("\n  AND PY:20x\n  " + " " * len("AND PY:") + "^")


def test_a_valid_query_with_every_field_prefix_is_accepted():
    query = 'TA:robot* AND TI:"pick and place" AND AB:grasp AND CPC:B25J9/16* AND IPC:G06N AND AP:삼성 AND PY:2015..2024'
    assert parse_taxonomy(break_subclass("query", query)).subclasses[0].query == query


# --- fingerprint ----------------------------------------------------------------------------------


def fingerprints(document: dict) -> dict[str, str]:
    return {s.key: s.fingerprint for s in parse_taxonomy(document).subclasses}


def test_fingerprint_is_stable_for_the_same_definition():
    before = fingerprints(minimal_document())
    assert before == fingerprints(minimal_document())
    assert len(set(before.values())) == 2
    assert all(re.fullmatch(r"[0-9a-f]{16}", value) for value in before.values())


def test_fingerprint_ignores_reflowed_whitespace_and_other_subclasses():
    before = fingerprints(minimal_document())
    document = minimal_document()
    first_subclass(document)["query"] = '  "process design"\n AND   (AI OR 인공지능) '
    first_subclass(document)["description"] = "AI that designs\n processes."
    document["taxonomy"]["version"] = "2"
    document["categories"][0]["subclasses"][1]["query"] = "TI:product"
    after = fingerprints(document)
    assert after["design.process_design"] == before["design.process_design"]
    assert after["design.product_design"] != before["design.product_design"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("query", '"process design" AND (AI OR 인공지능 OR 머신러닝)'),
        ("description", "AI that designs and optimizes processes."),
        ("exclude", ["hyper-parameter tuning"]),
        ("threshold", 0.3),
    ],
)
def test_fingerprint_changes_with_the_definition(field, value):
    before = fingerprints(minimal_document())["design.process_design"]
    after = fingerprints(break_subclass(field, value))["design.process_design"]
    assert after != before


def test_a_subset_keeps_only_the_named_subclasses_and_their_categories(tmp_path):
    target = tmp_path / "subset.yaml"
    write_subset(DEFAULT_TAXONOMY, ["health.diagnosis", "design.process_design", "health.prediction"], target)
    subset, full = load_taxonomy(target), load_taxonomy(DEFAULT_TAXONOMY)
    assert [s.key for s in subset.subclasses] == ["design.process_design", "health.diagnosis", "health.prediction"]
    assert [c.key for c in subset.categories] == ["design", "health"]
    kept = {s.key: s for s in full.subclasses}
    assert all(s == kept[s.key] for s in subset.subclasses)  # queries, descriptions, exclusions unchanged


def test_a_subset_naming_an_unknown_subclass_is_refused(tmp_path):
    target = tmp_path / "subset.yaml"
    with pytest.raises(TaxonomyError, match="no subclass health.unknown to keep"):
        write_subset(DEFAULT_TAXONOMY, ["health.diagnosis", "health.unknown"], target)
    assert not target.exists()
