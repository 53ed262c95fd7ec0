"""One real tick of the monthly schedule through Dagster's scheduler, on the project's workspace.

The scheduler (what `dagster-daemon` runs) loads workspace.yaml through a code server, as in a
deployment, and is stepped at two frozen times around the cron time (the 5th, 03:00 KST). Runs
are only queued: no queue daemon runs here, so nothing is read or written.
"""

import logging
from datetime import datetime, timezone
from pathlib import Path

import dagster._daemon  # noqa: F401  (import order: the scheduler module needs the daemon package first)
from dagster._core.test_utils import create_test_daemon_workspace_context, freeze_time, instance_for_test
from dagster._core.workspace.load_target import WorkspaceFileTarget
from dagster._scheduler.scheduler import launch_scheduled_runs

from roadmap_pipeline.defs.refresh import CHAIN_TAG

WORKSPACE = Path(__file__).parents[1] / "workspace.yaml"
QUEUE_ONLY = {"run_coordinator": {"module": "dagster._core.run_coordinator", "class": "QueuedRunCoordinator"}}


def _step(context, when: datetime) -> None:
    with freeze_time(when):
        list(launch_scheduled_runs(context, logging.getLogger("scheduler"), when, iteration_times={}))


def test_the_monthly_schedule_ticks_once_for_the_previous_month():
    with instance_for_test(overrides=QUEUE_ONLY) as instance:
        with create_test_daemon_workspace_context(WorkspaceFileTarget(paths=[str(WORKSPACE)]), instance) as context:
            _step(context, datetime(2026, 1, 4, 12, 0, tzinfo=timezone.utc))  # before the 5th, 03:00 KST
            assert instance.get_runs() == []
            _step(context, datetime(2026, 1, 4, 18, 5, tzinfo=timezone.utc))  # 5th, 03:05 KST
            runs = instance.get_runs()
            assert [run.job_name for run in runs] == ["raw_monthly"]
            assert runs[0].tags["dagster/partition"] == "2025-12" and runs[0].tags[CHAIN_TAG] == "2025-12"
            _step(context, datetime(2026, 1, 4, 18, 30, tzinfo=timezone.utc))  # no second run for the tick
            assert len(instance.get_runs()) == 1
