"""The verdicts sensor's ticks against an ephemeral instance: a returned verdict file rescreens exactly its subclass, once."""

import dagster as dg
from openpyxl import Workbook

from roadmap_pipeline.defs.partitions import subclass_partitions
from roadmap_pipeline.defs.resources import TaxonomyFile
from roadmap_pipeline.defs.taxonomy.review import ANALYST_VERDICTS, SUBCLASS_PATENTS, verdicts_sensor
from roadmap_pipeline.defs.taxonomy.sensors import DATA_VERSION_TAG, FAMILIES
from roadmap_pipeline.lib.taxonomy import write_subset
from roadmap_pipeline.settings import DEFAULT_TAXONOMY

TAXONOMY = DEFAULT_TAXONOMY
KEYS = ["design.process_design", "health.diagnosis", "health.prediction"]


def _tick(instance, taxonomy, cursor=None):
    context = dg.build_sensor_context(instance=instance, cursor=cursor,
                                      resources={"taxonomy_file": TaxonomyFile(path=str(taxonomy))})
    return verdicts_sensor(context)


def _workbook(path, rows):
    book = Workbook()
    book.active.append(["subclass_key", "family_id", "verdict"])
    for row in rows:
        book.active.append(row)
    book.save(path)


def test_a_returned_workbook_rescreens_exactly_its_subclass_once(tmp_path, monkeypatch):
    labels = tmp_path / "labels"
    labels.mkdir()
    monkeypatch.setenv("ROADMAP_LABELS_DIR", str(labels))
    taxonomy = tmp_path / "taxonomy.yaml"
    write_subset(TAXONOMY, KEYS, taxonomy)
    instance = dg.DagsterInstance.ephemeral()
    instance.add_dynamic_partitions(subclass_partitions.name, KEYS)
    instance.report_runless_asset_event(dg.AssetMaterialization(FAMILIES))

    first = _tick(instance, taxonomy)  # records what is there: no verdicts yet
    assert first.run_requests == []
    [observed] = first.asset_events
    assert observed.asset_key == ANALYST_VERDICTS

    _workbook(labels / "health.diagnosis.xlsx", [["health.diagnosis", "F1", "유효"], ["health.diagnosis", "F2", "noise"]])
    second = _tick(instance, taxonomy, first.cursor)
    [request] = second.run_requests
    assert request.partition_key == "health.diagnosis" and request.asset_selection == [SUBCLASS_PATENTS]
    assert verdicts_sensor.job_name == "subclass_backfill"
    [observed] = second.asset_events
    assert observed.tags[DATA_VERSION_TAG] != first.asset_events[0].tags[DATA_VERSION_TAG]

    third = _tick(instance, taxonomy, second.cursor)  # nothing changed: nothing read, nothing runs
    assert "no file" in third.skip_message
    # Saved again with the same verdicts: read, but no verdict changed, so nothing runs or is observed.
    _workbook(labels / "health.diagnosis.xlsx", [["health.diagnosis", "F2", "noise"], ["health.diagnosis", "F1", "유효"]])
    third = _tick(instance, taxonomy, second.cursor)
    assert third.run_requests == [] and third.asset_events == []

    # A file whose every row is malformed changes no verdict: reported, nothing rescreened.
    (labels / "design.process_design.csv").write_text("family_id,verdict\nF9,maybe\n", encoding="utf-8")
    fourth = _tick(instance, taxonomy, third.cursor)
    assert fourth.run_requests == [] and "1 row(s) not used" in fourth.skip_reason.skip_message

    # Changing one verdict of the workbook rescreens that subclass again, and only it.
    _workbook(labels / "health.diagnosis.xlsx", [["health.diagnosis", "F1", "유효"], ["health.diagnosis", "F2", "valid"]])
    [again] = _tick(instance, taxonomy, fourth.cursor).run_requests
    assert again.partition_key == "health.diagnosis" and again.run_key != request.run_key


def test_no_run_before_any_families_exist(tmp_path, monkeypatch):
    labels = tmp_path / "labels"
    labels.mkdir()
    monkeypatch.setenv("ROADMAP_LABELS_DIR", str(labels))
    taxonomy = tmp_path / "taxonomy.yaml"
    write_subset(TAXONOMY, KEYS, taxonomy)
    instance = dg.DagsterInstance.ephemeral()
    instance.add_dynamic_partitions(subclass_partitions.name, KEYS)
    cursor = _tick(instance, taxonomy).cursor
    (labels / "health.prediction.csv").write_text("family_id,verdict\nF1,valid\n", encoding="utf-8")
    result = _tick(instance, taxonomy, cursor)
    assert result.run_requests == [] and "no families are screened yet" in result.skip_reason.skip_message
