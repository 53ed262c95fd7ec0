"""A live `dagster dev` (webserver + daemon) runs what an operator runs: a backfill of every delivery
month with the multiprocess executor, the refresh chain after it, and a subclass added to the
taxonomy file (scripts/check_operations.py). On the shared-deployment instance, PostgreSQL
(deploy/postgres/dagster.yaml), when the server binaries are installed; else on the local SQLite one.
"""

import importlib.util
from contextlib import ExitStack
from pathlib import Path

from postgres_server import dagster_pg_url, postgres_binaries, running_postgres

ROOT = Path(__file__).parents[1]
_spec = importlib.util.spec_from_file_location("check_operations", ROOT / "scripts" / "check_operations.py")
check_operations = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(check_operations)


def test_backfill_chain_and_new_subclass_in_a_live_instance(tmp_path, monkeypatch):
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))  # the check points it at its own home; restored after
    monkeypatch.setenv("ROADMAP_EMBEDDING_BACKEND", "hashing")
    with ExitStack() as stack:
        instance_yaml = ROOT / "dagster.yaml"
        if postgres_binaries() is not None:
            url = stack.enter_context(running_postgres(tmp_path / "pg"))
            monkeypatch.setenv("DAGSTER_PG_URL", dagster_pg_url(url))
            instance_yaml = ROOT / "deploy" / "postgres" / "dagster.yaml"
        (tmp_path / "work").mkdir()
        figures, problems = check_operations.check(tmp_path / "work", instance_yaml, 3342, 2000, 900)
    assert problems == []
    assert figures["failures"] == 0 and figures["lock_errors"] == []
    assert len(figures["months_ingested"]) == 13  # the back file and twelve monthly front files
    assert figures["runs"] == {"raw_monthly SUCCESS": 1, "core_refresh SUCCESS": 1,
                               "subclass_backfill SUCCESS": 3, "roadmap_report SUCCESS": 2}
    assert figures["steps_that_waited_for_pool_duckdb"] > 0  # the pool serialized writers rather than DuckDB failing
    if postgres_binaries() is not None:
        assert figures["storage"] == "PostgresRunStorage"
