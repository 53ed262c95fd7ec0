"""A live `dagster dev` (webserver + daemon) refreshes the graph by its schedule and automation conditions
alone: a tick of the monthly schedule → raw → core → every subclass → indicators → report, each asset
once, then a subclass added to the taxonomy file (scripts/check_operations.py). On the
shared-deployment instance, PostgreSQL (deploy/postgres/dagster.yaml), when the server binaries are
installed; else on the local SQLite one.
"""

import importlib.util
from contextlib import ExitStack
from pathlib import Path

from postgres_server import dagster_pg_url, postgres_binaries, running_postgres

ROOT = Path(__file__).parents[1]
_spec = importlib.util.spec_from_file_location("check_operations", ROOT / "scripts" / "check_operations.py")
check_operations = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(check_operations)


def test_a_schedule_tick_refreshes_everything_through_the_automation_alone(tmp_path, monkeypatch):
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))  # the check points it at its own home; restored after
    monkeypatch.setenv("ROADMAP_EMBEDDING_BACKEND", "hashing")
    with ExitStack() as stack:
        instance_yaml = ROOT / "dagster.yaml"
        if postgres_binaries() is not None:
            url = stack.enter_context(running_postgres(tmp_path / "pg"))
            monkeypatch.setenv("DAGSTER_PG_URL", dagster_pg_url(url))
            instance_yaml = ROOT / "deploy" / "postgres" / "dagster.yaml"
        (tmp_path / "work").mkdir()
        figures, problems = check_operations.check(tmp_path / "work", instance_yaml, 3352, 800, 600)
    assert problems == []  # each asset once, every run by the schedule or a sensor, reasons in the evaluations
    runs = figures["runs"]
    assert runs.pop("monthly_refresh: raw_monthly SUCCESS") == 1
    assert runs.pop("taxonomy_sensor: subclass_backfill SUCCESS") == 3  # two subclass rows, then the added subclass
    # The rest: core, three subclass runs and the indicators with the report twice, all by the automation.
    assert {by.split(":")[0] for by in runs} == {"refresh_automation"} and all(r.endswith("SUCCESS") for r in runs)
    # Why, as the UI's Automation tab says: the indicators ran twice, each time after the subclass facts.
    assert figures["reasons"]["indicators/subclass_indicators"] == ["indicators/subclass_facts"] * 2
    if postgres_binaries() is not None:
        assert figures["storage"] == "PostgresRunStorage"
