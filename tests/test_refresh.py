"""The monthly schedule and the chain of jobs after it, evaluated against an ephemeral instance."""

from datetime import datetime, timezone

import dagster as dg

from roadmap_pipeline.defs.partitions import subclass_partitions
from roadmap_pipeline.defs.refresh import CHAIN_TAG, monthly_refresh, previous_month, refresh_chain
from roadmap_pipeline.definitions import defs


def test_the_schedule_ingests_the_previous_month():
    context = dg.build_schedule_context(scheduled_execution_time=datetime(2026, 1, 5, 3, tzinfo=timezone.utc))
    request = monthly_refresh(context)
    assert request.partition_key == "2025-12" and request.tags[CHAIN_TAG] == "2025-12"
    assert previous_month(datetime(2026, 3, 31)) == "2026-02"
    assert "2025-12" in defs.resolve_job_def("raw_monthly").partitions_def.get_partition_keys(
        current_time=datetime(2026, 1, 5, tzinfo=timezone.utc))


def _finished(instance, job_name, status=dg.DagsterRunStatus.SUCCESS, tags=None, partition=None):
    job = defs.resolve_job_def(job_name)
    tags = dict(tags or {})
    if partition:
        tags["dagster/partition"] = partition
    run = instance.create_run_for_job(job_def=job, status=status, tags=tags)
    return run


def _evaluate(instance, run):
    context = dg.build_run_status_sensor_context(
        sensor_name=refresh_chain.name, dagster_instance=instance, dagster_run=run,
        dagster_event=dg.DagsterEvent(event_type_value="PIPELINE_SUCCESS", job_name=run.job_name),
    )
    result = refresh_chain(context)
    return result if isinstance(result, list) else [result]


def test_each_job_starts_the_next():
    instance = dg.DagsterInstance.ephemeral()
    instance.add_dynamic_partitions(subclass_partitions.name, ["design.process_design", "health.diagnosis"])
    chain = {CHAIN_TAG: "2025-12"}

    [core] = _evaluate(instance, _finished(instance, "raw_monthly", tags=chain, partition="2025-12"))
    assert core.job_name == "core_refresh" and core.tags == chain

    subclass_runs = _evaluate(instance, _finished(instance, "core_refresh", tags=chain))
    assert sorted(r.partition_key for r in subclass_runs) == ["design.process_design", "health.diagnosis"]
    assert {r.job_name for r in subclass_runs} == {"subclass_backfill"}

    still_running = _finished(instance, "subclass_backfill", dg.DagsterRunStatus.STARTED, chain, "health.diagnosis")
    [skip] = _evaluate(instance, _finished(instance, "subclass_backfill", tags=chain, partition="design.process_design"))
    assert isinstance(skip, dg.SkipReason)

    instance.report_run_canceled(still_running)
    [report] = _evaluate(instance, _finished(instance, "subclass_backfill", tags=chain, partition="health.diagnosis"))
    assert report.job_name == "roadmap_report" and report.run_key == "2025-12:report"


def test_no_subclass_partition_yet_means_nothing_to_run():
    instance = dg.DagsterInstance.ephemeral()
    [skip] = _evaluate(instance, _finished(instance, "core_refresh"))
    assert isinstance(skip, dg.SkipReason) and "taxonomy sensor" in skip.skip_message


def test_a_backfill_of_months_gets_one_core_refresh_after_its_last_month():
    instance = dg.DagsterInstance.ephemeral()
    backfill = {"dagster/backfill": "bf01"}
    running = _finished(instance, "raw_monthly", dg.DagsterRunStatus.STARTED, backfill, "2025-05")
    [wait] = _evaluate(instance, _finished(instance, "raw_monthly", tags=backfill, partition="2025-04"))
    assert isinstance(wait, dg.SkipReason) and "still queued or running" in wait.skip_message

    instance.report_run_failed(running)
    [failed] = _evaluate(instance, _finished(instance, "raw_monthly", tags=backfill, partition="2025-06"))
    assert isinstance(failed, dg.SkipReason) and "2025-05" in failed.skip_message

    # The failed month re-executed within the backfill: now every month has succeeded.
    [core] = _evaluate(instance, _finished(instance, "raw_monthly", tags=backfill, partition="2025-05"))
    assert core.job_name == "core_refresh" and core.run_key == "backfill-bf01:core"
    assert core.tags == {CHAIN_TAG: "backfill-bf01"}


def test_a_single_run_backfill_of_a_month_range_starts_the_core_refresh():
    instance = dg.DagsterInstance.ephemeral()
    tags = {"dagster/backfill": "bf02", "dagster/asset_partition_range_start": "2025-03",
            "dagster/asset_partition_range_end": "2026-03"}
    [core] = _evaluate(instance, _finished(instance, "raw_monthly", tags=tags))
    assert core.job_name == "core_refresh" and core.run_key == "backfill-bf02:core"
