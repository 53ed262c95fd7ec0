"""How the graph refreshes itself in a running instance: a schedule for the raw month, automation
conditions for everything after it.

The schedule starts the raw assets for the last complete delivery month. Every asset downstream
carries an automation condition that the automation sensor evaluates: it updates once a dependency
has updated, and waits while any dependency is missing or still in progress; the report waits for
the indicators, which wait for every subclass. So a new month flows raw → core → every subclass
partition → indicators → report, each asset once, and the UI's Automation tab of each asset says
which dependency's update made it run. Every writer is in the pool `duckdb` (limit 1 in
dagster.yaml): runs started together queue for the warehouse instead of failing on its lock.

Why a schedule and not `AutomationCondition.on_cron` on the raw assets: the cron condition requests
the latest partition, and the monthly partitions end one month ahead (a delivery can land in the
month it is named after), so on the 5th it would pick the month just begun, not the month just ended.
"""

from datetime import timedelta

import dagster as dg

from roadmap_pipeline import settings

RAW_JOB = "raw_monthly"
AUTOMATION_SENSOR = "refresh_automation"
# A month with no delivery is a partition never materialized, not a dependency to wait for.
_MONTHS = dg.AssetSelection.groups("raw")
# Observed source files (the taxonomy, the analysts' verdicts) start nothing by themselves: their sensors
# run exactly the subclasses that changed, where a file's new version would update every partition.
_SOURCES = dg.AssetSelection.all(include_sources=True) - dg.AssetSelection.all()


def _waiting_for_dependencies() -> dg.AutomationCondition:
    return (
        ~dg.AutomationCondition.any_deps_missing().ignore(_MONTHS)
        & ~dg.AutomationCondition.any_deps_in_progress()
        & ~dg.AutomationCondition.in_progress()
    )


def after_dependencies() -> dg.AutomationCondition:
    """Update once a dependency has updated, none is missing and none is in progress (Dagster's `eager`
    without materializing new partitions by itself: a new subclass starts from the taxonomy sensor's row)."""
    return (
        (dg.AutomationCondition.any_deps_updated().since_last_handled() & _waiting_for_dependencies())
        .ignore(_SOURCES)
        .with_label("after its dependencies")
    )


def after(selection: dg.AssetSelection, label: str) -> dg.AutomationCondition:
    """Update once `selection` has updated, while no dependency at all is missing or in progress.

    For an asset that reads tables of both sides of a partitioned stage (the report reads search texts
    and every subclass's topics): an update of the upstream side alone must not run it before the
    subclass runs that follow from the same update.
    """
    return (
        (dg.AutomationCondition.any_deps_updated().allow(selection).since_last_handled() & _waiting_for_dependencies())
        .ignore(_SOURCES)
        .with_label(label)
    )


def previous_month(when) -> str:
    """The month before `when` as YYYY-MM: the last complete delivery month."""
    return (when.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")


@dg.schedule(
    job_name=RAW_JOB,
    cron_schedule=settings.refresh_cron(),
    execution_timezone="Asia/Seoul",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Ingest the previous month's dumps of all five offices (by default on the 5th at 03:00 KST); "
    "the automation conditions downstream then refresh core, every subclass, the indicators and the report.",
)
def monthly_refresh(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    month = previous_month(context.scheduled_execution_time)
    return dg.RunRequest(run_key=month, partition_key=month)


refresh_automation = dg.AutomationConditionSensorDefinition(
    AUTOMATION_SENSOR,
    target=dg.AssetSelection.all(),
    default_status=dg.DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=30,
    description="Evaluates the automation conditions of every asset: what updates after the raw month, "
    "after a subclass backfill, and why.",
)
