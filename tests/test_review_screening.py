"""Screening one subclass with analysts' verdicts in the labels folder: the verdicts win, and say so."""

import logging

import duckdb

from roadmap_pipeline.defs.resources import Embeddings, warehouse_resource
from roadmap_pipeline.defs.taxonomy.screening import screen_subclass
from roadmap_pipeline.lib.taxonomy import Subclass

SUBCLASS = Subclass(key="health.diagnosis", category="health", name_ko="진단", name_en="Diagnosis",
                    description="fault diagnosis of rolling bearings from vibration signals", query="TA:bearing")
TEXTS = {
    "F1": "bearing fault diagnosis from vibration signals",
    "F2": "rolling bearing fault diagnosis with a neural network",
    "F3": "vibration analysis of a bearing for fault diagnosis",
    "F4": "bearing wear diagnosis from acoustic emission",
    "F5": "credit default of a bearing company loan portfolio",
    "F6": "bearing stock price forecasting for investors",
    "F7": "bearing fault diagnosis in wind turbines",
    "F8": "bearing capacity of soil for a building foundation",
}


def _warehouse(path):
    with duckdb.connect(str(path)) as conn:
        conn.execute("CREATE SCHEMA taxonomy")
        conn.execute("CREATE TABLE taxonomy.search_texts (family_id VARCHAR, ti VARCHAR, ab VARCHAR, ap VARCHAR,"
                     " cpc VARCHAR[], ipc VARCHAR[], py INTEGER, embed_text VARCHAR, embed_lang VARCHAR, title_only BOOLEAN)")
        for family, text in TEXTS.items():
            conn.execute("INSERT INTO taxonomy.search_texts VALUES (?, ?, ?, '', [], [], 2020, ?, 'en', false)",
                         [family, text, text, text])
    return warehouse_resource(path)


def test_analyst_verdicts_decide_and_their_origin_is_recorded(tmp_path):
    warehouse = _warehouse(tmp_path / "wh.duckdb")
    embeddings = Embeddings(backend="hashing", cache_dir=str(tmp_path / "embeddings"))
    labels = tmp_path / "labels"
    labels.mkdir()
    (labels / "health.diagnosis.csv").write_text(
        "family_id,verdict\nF5,noise\nF6,노이즈\nF8,noise\nF4,valid\nF404,noise\nF7,perhaps\n", encoding="utf-8")
    outcome = screen_subclass(SUBCLASS, warehouse, embeddings, labels / "health.diagnosis.csv", logging.getLogger("t"))
    with duckdb.connect(str(tmp_path / "wh.duckdb")) as conn:
        rows = {r[0]: r[1:] for r in conn.sql(
            "SELECT family_id, is_valid, verdict_source, model_valid, description_valid, label, evidence, relevance_method"
            " FROM taxonomy.subclass_patents ORDER BY family_id").fetchall()}
    assert sorted(rows) == sorted(TEXTS)
    for family, valid in {"F4": True, "F5": False, "F6": False, "F8": False}.items():
        is_valid, source, model_valid, _, label, evidence, method = rows[family]
        assert (is_valid, source, label) == (valid, "analyst", "valid" if valid else "noise")
        assert f"analyst verdict: {label}, which decides" in evidence
        assert method == "classifier"  # three noise verdicts train the classifier
    for family in ("F1", "F2", "F3", "F7"):
        is_valid, source, model_valid, _, label, evidence, _ = rows[family]
        assert source == "model" and label is None and is_valid == model_valid and "analyst" not in evidence
    assert outcome.verdicts == 4
    assert outcome.overruled == sum(rows[f][0] != rows[f][2] for f in ("F4", "F5", "F6", "F8"))
    assert sorted(p.where for p in outcome.problems) == ["health.diagnosis.csv line 6", "health.diagnosis.csv line 7"]
    assert outcome.valid == sum(r[0] for r in rows.values())


def test_the_review_workbooks_asset_writes_a_workbook_per_subclass_and_one_for_all(tmp_path, monkeypatch):
    import dagster as dg
    from openpyxl import load_workbook

    from roadmap_pipeline.defs.resources import LandingZone, TaxonomyFile
    from roadmap_pipeline.defs.taxonomy.review import ALL_SUBCLASSES_WORKBOOK, review_workbooks
    from roadmap_pipeline.lib.taxonomy import write_subset
    from roadmap_pipeline.settings import DEFAULT_TAXONOMY

    path = tmp_path / "wh.duckdb"
    warehouse = _warehouse(path)
    labels = tmp_path / "labels"
    labels.mkdir()
    (labels / "health.diagnosis.csv").write_text("family_id,verdict\nF5,noise\nF6,noise\nF8,noise\nF9,valid\n",
                                                 encoding="utf-8")
    monkeypatch.setenv("ROADMAP_LABELS_DIR", str(labels))
    screen_subclass(SUBCLASS, warehouse, Embeddings(backend="hashing", cache_dir=str(tmp_path / "e")), labels,
                    logging.getLogger("t"))
    with duckdb.connect(str(path)) as conn:
        conn.execute("CREATE SCHEMA core")
        conn.execute("CREATE TABLE core.families AS SELECT family_id, DATE '2020-01-01' AS earliest_priority_date,"
                     " ['US'] AS offices, 'US-' || family_id || '-A1' AS representative_doc_id FROM taxonomy.search_texts")
        conn.execute("CREATE TABLE core.documents AS SELECT 'US-' || family_id || '-A1' AS doc_id, ti AS title,"
                     " 'en' AS title_lang, ab AS abstract, 'en' AS abstract_lang, NULL AS title_en, NULL AS abstract_en"
                     " FROM taxonomy.search_texts")
    taxonomy = tmp_path / "taxonomy.yaml"
    write_subset(DEFAULT_TAXONOMY, ["health.diagnosis"], taxonomy)
    result = dg.materialize([review_workbooks], resources={
        "warehouse": warehouse, "taxonomy_file": TaxonomyFile(path=str(taxonomy)),
        "landing_zone": LandingZone(raw_dir=str(tmp_path / "raw"), artifacts_dir=str(tmp_path / "artifacts"))})
    assert result.success
    [check] = result.get_asset_check_evaluations()
    assert not check.passed and check.metadata["rows not used"].value == 1  # F9: not a family of the warehouse
    review = tmp_path / "artifacts" / "review"
    assert sorted(p.name for p in review.iterdir()) == ["health.diagnosis.xlsx", ALL_SUBCLASSES_WORKBOOK]
    sheet = load_workbook(review / "health.diagnosis.xlsx").worksheets[0]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(TEXTS) and [r[0] for r in rows] == list(range(1, 9))
    judged = [r for r in rows if r[1] == "판정 완료 judged"]
    assert sorted(r[3] for r in judged) == ["F5", "F6", "F8"] and [r[-2] for r in judged] == ["noise"] * 3
    assert rows[-3:] == judged  # the judged candidates come last, their verdicts already filled in
    assert load_workbook(review / ALL_SUBCLASSES_WORKBOOK).sheetnames == ["진단", "안내 Guide"]
