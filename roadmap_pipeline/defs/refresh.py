"""The monthly refresh in a running instance: a schedule for the raw month, a sensor for what follows.

A schedule starts one job, and the stages are four jobs (see defs/jobs.py), so the schedule ingests
the last complete month and `refresh_chain` starts each next job when the one before succeeded:
raw_monthly → core_refresh → subclass_backfill for every subclass partition → roadmap_report once
no subclass run is left. A subclass backfilled by the taxonomy sensor also ends in a report.
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
from roadmap_pipeline.defs.partitions import subclass_partitions

CHAIN_TAG = "roadmap/refresh"
_UNFINISHED = [dg.DagsterRunStatus.QUEUED, dg.DagsterRunStatus.NOT_STARTED, dg.DagsterRunStatus.STARTING,
               dg.DagsterRunStatus.STARTED]


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
