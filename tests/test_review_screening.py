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
