"""The taxonomy sensor ticked by Dagster's sensor daemon code on the project's workspace.

The code server gets ROADMAP_TAXONOMY pointing at a temporary taxonomy. On a fresh instance (no
families yet) the first tick only adds the partitions; once core/families exists, adding a subclass
to the file and ticking again adds exactly that partition and queues exactly one run for it. Runs
are only queued (no queue daemon), so nothing is read or written.
"""

import logging
from datetime import datetime, timedelta, timezone
from pathlib import Path

import dagster as dg
import dagster._daemon  # noqa: F401  (import order: the daemon package first)
from dagster._core.test_utils import create_test_daemon_workspace_context, freeze_time, instance_for_test
from dagster._core.workspace.load_target import WorkspaceFileTarget
from dagster._daemon.sensor import execute_sensor_iteration

from roadmap_pipeline.defs.partitions import subclass_partitions
from roadmap_pipeline.defs.taxonomy.sensors import FAMILIES
from roadmap_pipeline.lib.taxonomy import write_subset

ROOT = Path(__file__).parents[1]
TAXONOMY = ROOT / "data" / "taxonomy" / "manufacturing_ai.yaml"
QUEUE_ONLY = {"run_coordinator": {"module": "dagster._core.run_coordinator", "class": "QueuedRunCoordinator"}}


def _tick(context, when: datetime) -> None:
    with freeze_time(when):
        list(execute_sensor_iteration(context, logging.getLogger("sensors"), None, None))


def _subclass_runs(instance) -> list[str]:
    return sorted(r.tags.get("dagster/partition") for r in instance.get_runs() if r.job_name == "subclass_backfill")


def test_adding_a_subclass_backfills_it_alone(tmp_path, monkeypatch):
    taxonomy = tmp_path / "taxonomy.yaml"
    write_subset(TAXONOMY, ["design.process_design", "health.diagnosis"], taxonomy)
    monkeypatch.setenv("ROADMAP_TAXONOMY", str(taxonomy))
    start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    with instance_for_test(overrides=QUEUE_ONLY) as instance:
        target = WorkspaceFileTarget(paths=[str(ROOT / "workspace.yaml")])
        with create_test_daemon_workspace_context(target, instance) as context:
            _tick(context, start)  # no families yet: partitions only, refresh_chain runs them later
            assert sorted(instance.get_dynamic_partitions(subclass_partitions.name)) == ["design.process_design", "health.diagnosis"]
            assert _subclass_runs(instance) == []

            instance.report_runless_asset_event(dg.AssetMaterialization(FAMILIES))
            _tick(context, start + timedelta(minutes=2))  # nothing changed
            assert _subclass_runs(instance) == []

            write_subset(TAXONOMY, ["design.process_design", "health.diagnosis", "health.prediction"], taxonomy)
            _tick(context, start + timedelta(minutes=4))
            assert sorted(instance.get_dynamic_partitions(subclass_partitions.name)) == [
                "design.process_design", "health.diagnosis", "health.prediction"]
            assert _subclass_runs(instance) == ["health.prediction"]
