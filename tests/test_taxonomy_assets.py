"""The taxonomy stage in an ephemeral instance: subclass partitions, the sensor, the embedding cache.

A small synthetic corpus and the hashing embedder keep it fast; screening quality with the real
model is tested in test_screening_planted.py.
"""

import re

import dagster as dg
import duckdb
import pytest
import yaml

from roadmap_pipeline.defs.partitions import subclass_partitions
from roadmap_pipeline.defs.resources import TaxonomyFile
from roadmap_pipeline.defs.taxonomy.sensors import SUBCLASS_JOB, taxonomy_sensor
from roadmap_pipeline.run import materialize_landing_zone, materialize_subclasses

synthetic = pytest.importorskip("roadmap_pipeline.demo.synthetic")
DEFAULT = "roadmap_pipeline/taxonomies/manufacturing_ai.yaml"
PATENTS = dg.AssetKey(["taxonomy", "subclass_patents"])
FIRST_TWO = ["design.process_design", "health.diagnosis"]


def _write_taxonomy(path, keys, edit=None):
    """The default taxonomy restricted to `keys` (empty categories dropped); `edit` changes a subclass."""
    document = yaml.safe_load(open(DEFAULT, encoding="utf-8"))
    for category in document["categories"]:
        category["subclasses"] = [s for s in category["subclasses"] if s["key"] in keys]
        for subclass in category["subclasses"]:
            if edit and subclass["key"] == edit[0]:
                subclass.update(edit[1])
    document["categories"] = [c for c in document["categories"] if c["subclasses"]]
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")


@pytest.fixture(scope="module")
def small(tmp_path_factory, definitions_for):
    root = tmp_path_factory.mktemp("taxonomy")
    synthetic.generate_corpus(root / "raw", 800, seed=3)
    taxonomy = root / "taxonomy.yaml"
    _write_taxonomy(taxonomy, FIRST_TWO)
    definitions = definitions_for(root, taxonomy, backend="hashing")
    instance = dg.DagsterInstance.ephemeral()
    assert materialize_landing_zone(instance=instance, definitions=definitions) == 0
    return root, taxonomy, definitions, instance


def _materializations(instance, key):
    records = instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=PATENTS, asset_partitions=[key]), limit=10, ascending=True
    ).records
    return [r.asset_materialization for r in records]


def _rows(root, keys=None):
    with duckdb.connect(str(root / "wh.duckdb"), read_only=True) as conn:
        return conn.execute(
            "SELECT * FROM taxonomy.subclass_patents WHERE list_contains($keys, subclass_key) ORDER BY ALL",
            {"keys": keys},
        ).fetchall()


def test_every_subclass_screened_with_evidence(small):
    root, _, _, instance = small
    assert sorted(instance.get_dynamic_partitions(subclass_partitions.name)) == sorted(FIRST_TWO)
    with duckdb.connect(str(root / "wh.duckdb"), read_only=True) as conn:
        per_key = dict(conn.sql("SELECT subclass_key, count(*) FROM taxonomy.subclass_patents GROUP BY 1").fetchall())
        families = conn.sql("SELECT count(*) FROM core.families").fetchone()[0]
        texts = conn.sql("SELECT count(*), count(*) FILTER (WHERE regexp_matches(ti, '[가-힣]')) FROM taxonomy.search_texts").fetchone()
        unmatched = conn.sql("SELECT count(*) FROM taxonomy.subclass_patents WHERE len(matched_terms) = 0").fetchone()[0]
        evidence = conn.sql("SELECT evidence FROM taxonomy.subclass_patents LIMIT 1").fetchone()[0]
        names = conn.sql("SELECT name_ko FROM taxonomy.subclasses ORDER BY position").fetchall()
    assert set(per_key) == set(FIRST_TWO) and all(n > 5 for n in per_key.values())
    assert texts[0] == families and texts[1] > 0  # one row per family; Korean titles are searchable
    assert unmatched == 0  # every candidate names the terms that found it
    assert "similarity" in evidence and "threshold" in evidence
    assert re.search(r"\b(English|Korean|Japanese|Chinese) texts\b", evidence), evidence  # which description
    assert names == [("공정설계",), ("진단",)]


def test_rematerializing_with_unchanged_data_embeds_nothing(small):
    root, _, definitions, instance = small
    before = _rows(root, FIRST_TWO)
    assert materialize_subclasses(instance, definitions, keys=["health.diagnosis"]) == 0
    history = _materializations(instance, "health.diagnosis")
    assert history[0].metadata["texts embedded"].value > 0
    assert history[-1].metadata["texts embedded"].value == 0
    assert history[-1].metadata["texts reused from cache"].value == history[0].metadata["texts embedded"].value
    assert _rows(root, FIRST_TWO) == before  # delete-then-insert: the same rows, no duplicates


def test_sensor_backfills_a_new_subclass_alone(small):
    root, taxonomy, definitions, instance = small
    resources = {"taxonomy_file": TaxonomyFile(path=str(taxonomy))}

    first = taxonomy_sensor(dg.build_sensor_context(instance=instance, resources=resources))
    # No subclass to run; the file's first observation gives taxonomy/taxonomy_file its data version.
    assert not first.run_requests and "unchanged" in first.skip_reason.skip_message and first.asset_events
    context = dg.build_sensor_context(instance=instance, resources=resources)
    taxonomy_sensor(context)
    cursor = context.cursor

    others_before = {key: _materializations(instance, key)[-1] for key in FIRST_TWO}
    rows_before = _rows(root, FIRST_TWO)
    _write_taxonomy(taxonomy, [*FIRST_TWO, "health.prediction"])
    result = taxonomy_sensor(dg.build_sensor_context(instance=instance, resources=resources, cursor=cursor))
    assert isinstance(result, dg.SensorResult)
    [add] = result.dynamic_partitions_requests
    assert add.partition_keys == ["health.prediction"]
    assert [r.partition_key for r in result.run_requests] == ["health.prediction"]

    instance.add_dynamic_partitions(subclass_partitions.name, add.partition_keys)
    job = definitions.resolve_job_def(SUBCLASS_JOB)
    assert job.execute_in_process(partition_key="health.prediction", instance=instance).success
    assert len(_rows(root, ["health.prediction"])) > 0
    assert {key: _materializations(instance, key)[-1] for key in FIRST_TWO} == others_before
    assert _rows(root, FIRST_TWO) == rows_before

    again = taxonomy_sensor(dg.build_sensor_context(instance=instance, resources=resources, cursor=result.cursor))
    assert isinstance(again, dg.SkipReason)

    _write_taxonomy(taxonomy, [*FIRST_TWO, "health.prediction"], edit=("health.diagnosis", {"threshold": 0.1}))
    changed = taxonomy_sensor(dg.build_sensor_context(instance=instance, resources=resources, cursor=result.cursor))
    assert [r.partition_key for r in changed.run_requests] == ["health.diagnosis"]
    assert changed.dynamic_partitions_requests == []


def test_a_partition_whose_subclass_left_the_taxonomy_fails_clearly(small):
    _, _, definitions, instance = small
    instance.add_dynamic_partitions(subclass_partitions.name, ["design.gone"])
    result = definitions.resolve_job_def(SUBCLASS_JOB).execute_in_process(
        partition_key="design.gone", instance=instance, raise_on_error=False
    )
    assert not result.success
    failure = next(e for e in result.all_events if e.event_type_value == "STEP_FAILURE")
    assert "design.gone" in str(failure.event_specific_data.error) and "not in the taxonomy" in str(failure.event_specific_data.error)
