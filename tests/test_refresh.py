"""The monthly refresh as the automation conditions decide it, evaluated tick by tick on an ephemeral instance.

Materializations are reported as the runs would record them; each evaluation must request exactly
the next stage: raw month → core → every subclass partition → indicators → report, each once.
"""

from datetime import datetime, timezone

import dagster as dg
import pytest

from roadmap_pipeline.definitions import assets, defs
from roadmap_pipeline.defs.jobs import stages
from roadmap_pipeline.defs.partitions import subclass_partitions
from roadmap_pipeline.defs.refresh import monthly_refresh, previous_month

SUBCLASSES = ["design.process_design", "health.diagnosis"]
STAGES = {stage.name: stage.keys for stage in stages(assets)}
SUBCLASS_ROWS = dg.AssetKey(["taxonomy", "subclasses"])


class Ticks:
    """Automation evaluations in sequence, each from the cursor of the one before."""

    def __init__(self, instance: dg.DagsterInstance):
        self.instance, self.cursor = instance, None

    def requested(self) -> dict[str, set[str | None]]:
        result = dg.evaluate_automation_conditions(defs=defs, instance=self.instance, cursor=self.cursor)
        self.cursor = result.cursor
        return {key.to_user_string(): set(result.get_requested_partitions(key))
                for key in {r.key for r in result.results} if result.get_num_requested(key)}

    def materialize(self, keys, partitions=(None,)) -> None:
        for key in keys:
            for partition in partitions:
                self.instance.report_runless_asset_event(dg.AssetMaterialization(key, partition=partition))


def _names(keys) -> set[str]:
    return {key.to_user_string() for key in keys}


@pytest.fixture
def ticks():
    instance = dg.DagsterInstance.ephemeral()
    instance.add_dynamic_partitions(subclass_partitions.name, SUBCLASSES)
    ticks = Ticks(instance)
    # What the taxonomy sensor runs on a fresh instance: the subclass rows only.
    ticks.materialize([SUBCLASS_ROWS], SUBCLASSES)
    return ticks


def test_the_schedule_ingests_the_previous_month():
    context = dg.build_schedule_context(scheduled_execution_time=datetime(2026, 1, 5, 3, tzinfo=timezone.utc))
    request = monthly_refresh(context)
    assert request.partition_key == "2025-12" and request.run_key == "2025-12"
    assert previous_month(datetime(2026, 3, 31)) == "2026-02"
    assert monthly_refresh.job_name == "raw_monthly" and monthly_refresh.cron_schedule == "0 3 5 * *"


def test_a_month_flows_to_the_report_each_asset_once(ticks):
    assert ticks.requested() == {}  # no families yet: the subclass assets wait

    ticks.materialize(STAGES["raw_monthly"], ["2025-12"])
    core = ticks.requested()
    assert set(core) == _names(STAGES["core_refresh"]) and all(partitions == {None} for partitions in core.values())

    ticks.materialize(STAGES["core_refresh"])
    per_subclass = ticks.requested()
    assert set(per_subclass) == _names(STAGES["subclass_backfill"]) - {"taxonomy/subclasses"}
    assert all(partitions == set(SUBCLASSES) for partitions in per_subclass.values())

    ticks.materialize([k for k in STAGES["subclass_backfill"] if k != SUBCLASS_ROWS], SUBCLASSES[:1])
    assert ticks.requested() == {}  # the indicators wait for the other subclass

    ticks.materialize([k for k in STAGES["subclass_backfill"] if k != SUBCLASS_ROWS], SUBCLASSES[1:])
    assert set(ticks.requested()) == _names(STAGES["roadmap_report"])  # indicators and report, one run

    ticks.materialize(STAGES["roadmap_report"])
    assert ticks.requested() == {}  # nothing twice


def _everything(ticks, month: str) -> None:
    for stage in ("raw_monthly", "core_refresh", "subclass_backfill", "roadmap_report"):
        partitions = {"raw_monthly": [month], "subclass_backfill": SUBCLASSES}.get(stage, [None])
        ticks.materialize(STAGES[stage], partitions)
    ticks.requested()


def test_a_backfilled_subclass_leads_to_the_indicators_and_report(ticks):
    _everything(ticks, "2025-12")
    ticks.instance.add_dynamic_partitions(subclass_partitions.name, ["health.prediction"])
    ticks.materialize([SUBCLASS_ROWS], ["health.prediction"])  # the taxonomy sensor's run
    per_subclass = ticks.requested()
    assert set(per_subclass) == _names(STAGES["subclass_backfill"]) - {"taxonomy/subclasses"}
    assert all(partitions == {"health.prediction"} for partitions in per_subclass.values())
    ticks.materialize([k for k in STAGES["subclass_backfill"] if k != SUBCLASS_ROWS], ["health.prediction"])
    assert set(ticks.requested()) == _names(STAGES["roadmap_report"])


def test_the_next_month_does_not_start_the_report_with_the_core_refresh(ticks):
    """The report reads search texts too; their update must not run it ahead of the subclass runs."""
    _everything(ticks, "2025-12")
    ticks.materialize(STAGES["raw_monthly"], ["2026-01"])
    assert set(ticks.requested()) == _names(STAGES["core_refresh"])
    ticks.materialize(STAGES["core_refresh"])
    assert set(ticks.requested()) == _names(STAGES["subclass_backfill"]) - {"taxonomy/subclasses"}
