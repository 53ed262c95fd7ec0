"""The monthly refresh in a running instance: a schedule for the raw month, a sensor for what follows.

A schedule starts one job, and the stages are four jobs (see defs/jobs.py), so the schedule ingests
the last complete month and `refresh_chain` starts each next job when the one before succeeded:
raw_monthly → core_refresh → subclass_backfill for every subclass partition → roadmap_report once
no subclass run is left. A subclass backfilled by the taxonomy sensor also ends in a report, and a
backfill of several raw months gets one core refresh, after its last month.
"""

from datetime import timedelta

import dagster as dg

from roadmap_pipeline.defs.jobs import (
    CORE_JOB,
    REPORT_JOB,
    SUBCLASS_JOB,
    core_refresh_job,
    raw_monthly_job,
    report_job,
    subclass_job,
)
from roadmap_pipeline.defs.partitions import monthly_partitions, subclass_partitions

CHAIN_TAG = "roadmap/refresh"
# Run tags Dagster sets on partitioned runs and backfills; it exports no public constant for them.
PARTITION_NAME_TAG = "dagster/partition"
ASSET_PARTITION_RANGE_START_TAG = "dagster/asset_partition_range_start"
ASSET_PARTITION_RANGE_END_TAG = "dagster/asset_partition_range_end"
BACKFILL_ID_TAG = "dagster/backfill"
_UNFINISHED = [dg.DagsterRunStatus.QUEUED, dg.DagsterRunStatus.NOT_STARTED, dg.DagsterRunStatus.STARTING,
               dg.DagsterRunStatus.STARTED]


def months_of(run: dg.DagsterRun) -> list[str]:
    """Months a raw_monthly run ingested: its partition, or the range of a single-run backfill."""
    if run.tags.get(PARTITION_NAME_TAG):
        return [run.tags[PARTITION_NAME_TAG]]
    first, last = run.tags.get(ASSET_PARTITION_RANGE_START_TAG), run.tags.get(ASSET_PARTITION_RANGE_END_TAG)
    if not (first and last):
        return []
    return monthly_partitions.get_partition_keys_in_range(dg.PartitionKeyRange(first, last))


def _backfill_waiting(instance: dg.DagsterInstance, backfill_id: str) -> str | None:
    """Why the core refresh must still wait for backfill `backfill_id`, or None when every month succeeded."""
    runs = instance.get_runs(dg.RunsFilter(tags={BACKFILL_ID_TAG: backfill_id}))
    if any(run.status in _UNFINISHED for run in runs):
        return f"backfill {backfill_id}: months still queued or running"
    backfill = instance.get_backfill(backfill_id)
    months = set(backfill.partition_names or []) if backfill else {m for run in runs for m in months_of(run)}
    done = {month for run in runs if run.status == dg.DagsterRunStatus.SUCCESS for month in months_of(run)}
    if months - done:
        return f"backfill {backfill_id}: no successful run yet for {', '.join(sorted(months - done))}"
    return None


def previous_month(when) -> str:
    """The month before `when` as YYYY-MM: the last complete delivery month."""
    return (when.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")


@dg.schedule(
    job=raw_monthly_job,
    cron_schedule="0 3 5 * *",
    execution_timezone="Asia/Seoul",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="On the 5th of each month at 03:00 (KST), ingest the previous month's dumps of all five "
    "offices; refresh_chain then rebuilds everything downstream.",
)
def monthly_refresh(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    month = previous_month(context.scheduled_execution_time)
    return dg.RunRequest(run_key=month, partition_key=month, tags={CHAIN_TAG: month})


@dg.run_status_sensor(
    run_status=dg.DagsterRunStatus.SUCCESS,
    monitored_jobs=[raw_monthly_job, core_refresh_job, subclass_job],
    request_jobs=[core_refresh_job, subclass_job, report_job],
    default_status=dg.DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=30,
    description="After raw ingestion: core refresh; after the core refresh: every subclass; after the last "
    "subclass run: indicators and the report.",
)
def refresh_chain(context: dg.RunStatusSensorContext):
    run = context.dagster_run
    chain = run.tags.get(CHAIN_TAG) or run.run_id
    tags = {CHAIN_TAG: chain}
    if run.job_name == raw_monthly_job.name:
        backfill_id = run.tags.get(BACKFILL_ID_TAG)
        if backfill_id:  # a backfill of months: one core refresh after the last of them
            waiting = _backfill_waiting(context.instance, backfill_id)
            if waiting:
                return dg.SkipReason(waiting)
            chain = run.tags.get(CHAIN_TAG) or f"backfill-{backfill_id}"
            tags = {CHAIN_TAG: chain}
        return dg.RunRequest(job_name=CORE_JOB, run_key=f"{chain}:core", tags=tags)
    if run.job_name == CORE_JOB:
        keys = context.instance.get_dynamic_partitions(subclass_partitions.name)
        if not keys:
            return dg.SkipReason("no taxonomy_subclass partition yet: the taxonomy sensor adds them")
        return [dg.RunRequest(job_name=SUBCLASS_JOB, partition_key=key, run_key=f"{chain}:{key}", tags=tags)
                for key in keys]
    unfinished = context.instance.get_run_records(
        dg.RunsFilter(job_name=SUBCLASS_JOB, statuses=_UNFINISHED), limit=1
    )
    if unfinished:
        return dg.SkipReason("subclass runs still queued or running; the last one to finish requests the report")
    return dg.RunRequest(job_name=REPORT_JOB, run_key=f"{chain}:report", tags=tags)
