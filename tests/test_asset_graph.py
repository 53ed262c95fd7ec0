"""Snapshot of the asset graph, so that a lineage change shows up in review.

After an intended change, regenerate with: ROADMAP_UPDATE_SNAPSHOT=1 pytest tests/test_asset_graph.py
"""

import json
import os
from pathlib import Path

import dagster as dg

from roadmap_pipeline.definitions import defs

SNAPSHOT = Path(__file__).parent / "snapshots" / "asset_graph.json"
# Files observed by their sensors, never materialized: the taxonomy and the analysts' verdicts.
OBSERVED = {"taxonomy/taxonomy_file", "taxonomy/analyst_verdicts"}


def graph_snapshot() -> dict:
    graph = defs.resolve_asset_graph()
    assets = {}
    for key in sorted(graph.get_all_asset_keys(), key=lambda k: k.to_user_string()):
        node = graph.get(key)
        partitions = node.partitions_def
        assets[key.to_user_string()] = {
            "group": node.group_name,
            "deps": sorted(k.to_user_string() for k in node.parent_keys),
            "partitions": type(partitions).__name__ if partitions else None,
            "kinds": sorted(node.kinds),
            "checks": sorted(c.name for c in node.check_keys),
            "pool": sorted(node.pools) if node.pools else None,
            "automation": node.automation_condition.get_label() if node.automation_condition else None,
        }
    jobs = {job.name: sorted(k.to_user_string() for k in defs.resolve_job_def(job.name).asset_layer.selected_asset_keys)
            for job in sorted(defs.jobs or [], key=lambda job: job.name)}
    return {"assets": assets, "jobs": jobs,
            "schedules": sorted(s.name for s in defs.schedules or []),
            "sensors": sorted(s.name for s in defs.sensors or [])}


def test_asset_graph_matches_snapshot():
    current = graph_snapshot()
    if os.environ.get("ROADMAP_UPDATE_SNAPSHOT"):
        SNAPSHOT.write_text(json.dumps(current, indent=2, ensure_ascii=False) + "\n")
    assert current == json.loads(SNAPSHOT.read_text()), "the asset graph changed: review, then regenerate"


def test_lineage_reaches_every_raw_source():
    snapshot = graph_snapshot()["assets"]
    sources = ["cnipa", "epo", "exports", "jpo", "kipo", "uspto"]
    assert snapshot["core/documents"]["deps"] == [f"raw/{source}_documents" for source in sources]
    assert snapshot["core/document_priorities"]["deps"] == sorted(
        f"raw/{source}_{kind}" for source in sources for kind in ("documents", "priorities"))
    assert snapshot["core/rejected_records"]["deps"] == [f"raw/{source}_rejects" for source in sources]
    assert "core/family_members" in snapshot["core/families"]["deps"]


def test_every_asset_is_in_exactly_one_job():
    """`roadmap materialize` runs the stage jobs in turn: together they materialize the whole graph, each asset once."""
    snapshot = graph_snapshot()
    selected = [key for keys in snapshot["jobs"].values() for key in keys]
    assert sorted(selected) == sorted(k for k in snapshot["assets"] if k not in OBSERVED)


def test_every_asset_but_the_raw_months_is_automated():
    """The schedule starts the raw months; every other asset has an automation condition, none left to a chain."""
    snapshot = graph_snapshot()
    for key, node in snapshot["assets"].items():
        expected = None if key.startswith("raw/") or key in OBSERVED else (
            "after the indicator tables" if key.startswith("reports/") else "after its dependencies")
        assert node["automation"] == expected, key
    assert snapshot["schedules"] == ["monthly_refresh"]
    assert snapshot["sensors"] == ["refresh_automation", "taxonomy_sensor", "verdicts_sensor"]


def test_definitions_load_as_a_code_location():
    """What `dagster dev` checks on load (names of ops and jobs share one namespace, for one)."""
    dg.Definitions.validate_loadable(defs)
