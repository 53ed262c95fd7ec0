"""The shared-deployment instance (deploy/postgres/dagster.yaml) on a real PostgreSQL server.

A server started for this module (tests/postgres_server.py) holds the instance's storage; each test
loads the shipped dagster.yaml from a temporary DAGSTER_HOME with DAGSTER_PG_URL pointing at a
database of its own, then reads Dagster's tables with psycopg2 to show where the records went.
The scheduler and the sensor daemon code are stepped at frozen times on workspace.yaml, as in
tests/test_schedule_tick.py and tests/test_sensor_tick.py; runs they request are only queued, and
the subclass run is executed in process on the instance (hashing embedder, PCA) to stay quick.
"""

import itertools
import logging
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path

import dagster as dg
import dagster._daemon  # noqa: F401  (import order: the daemon package first)
import pytest
from dagster._core.test_utils import create_test_daemon_workspace_context, freeze_time
from dagster._core.workspace.load_target import WorkspaceFileTarget
from dagster._daemon.sensor import execute_sensor_iteration
from dagster._scheduler.scheduler import launch_scheduled_runs

import postgres_server
from conftest import pipeline_definitions
from postgres_server import PostgresNotStarted, dagster_pg_url, postgres_binaries, running_postgres
from roadmap_pipeline.defs.partitions import subclass_partitions
from roadmap_pipeline.demo.synthetic import generate_corpus
from roadmap_pipeline.lib.taxonomy import write_subset
from roadmap_pipeline.defs.resources import connect
from roadmap_pipeline.run import RANGE_END_TAG, RANGE_START_TAG, landing_months, month_ranges
from roadmap_pipeline.settings import DEFAULT_TAXONOMY

pytest.importorskip("dagster_postgres", reason="dagster-postgres is not installed (pip install dagster-postgres==0.29.27)")
psycopg2 = pytest.importorskip("psycopg2", reason="psycopg2 comes with dagster-postgres")

ROOT = Path(__file__).parents[1]
TAXONOMY = DEFAULT_TAXONOMY
SHIPPED_INSTANCE = ROOT / "deploy" / "postgres" / "dagster.yaml"
WORKSPACE = WorkspaceFileTarget(paths=[str(ROOT / "workspace.yaml")])
FIRST, ADDED = "design.process_design", "health.diagnosis"
# PCA instead of UMAP: UMAP's numba compile alone takes ~30 s in a new process.
FAST_TOPICS = {"ops": {"topic_assets": {"config": {"reducer": "pca"}}}}
_DATABASES = itertools.count(1)


@pytest.fixture(scope="module")
def postgres(tmp_path_factory):
    """A libpq URL of the module's PostgreSQL server (database `dagster`)."""
    if postgres_binaries() is None:
        pytest.skip("no PostgreSQL binaries under /usr/lib/postgresql/*/bin (scripts/install_postgres.sh installs them)")
    with running_postgres(tmp_path_factory.mktemp("postgres")) as url:
        yield url


@pytest.fixture
def instance(postgres, tmp_path, monkeypatch):
    """The shipped dagster.yaml in a temporary DAGSTER_HOME, on a fresh database of this test.

    Yields (instance, libpq URL of its database).
    """
    database = f"test_{next(_DATABASES)}"
    conn = psycopg2.connect(postgres)
    conn.autocommit = True  # CREATE DATABASE cannot run in a transaction
    try:
        conn.cursor().execute(f"CREATE DATABASE {database}")
    finally:
        conn.close()
    url = postgres.replace("/dagster?", f"/{database}?")
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(SHIPPED_INSTANCE, home / "dagster.yaml")
    monkeypatch.setenv("DAGSTER_PG_URL", dagster_pg_url(url))
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    with dg.DagsterInstance.from_config(str(home)) as instance:
        yield instance, url


def _rows(url: str, query: str, parameters=()) -> list[tuple]:
    with psycopg2.connect(url) as conn, conn.cursor() as cursor:
        cursor.execute(query, parameters)
        rows = cursor.fetchall()
    conn.close()
    return rows


def _step_scheduler(context, when: datetime) -> None:
    with freeze_time(when):
        list(launch_scheduled_runs(context, logging.getLogger("scheduler"), when, iteration_times={}))


def _tick_sensors(context, when: datetime) -> None:
    with freeze_time(when):
        list(execute_sensor_iteration(context, logging.getLogger("sensors"), None, None))


def test_the_shipped_instance_keeps_a_schedule_tick_in_postgres(instance):
    instance, url = instance
    assert type(instance.run_storage).__name__ == "PostgresRunStorage"
    concurrency = instance.get_concurrency_config()  # what the queue daemon applies
    assert concurrency.run_queue_config.max_concurrent_runs == 4
    assert concurrency.run_queue_config.tag_concurrency_limits == [{"key": "dagster/backfill", "limit": 2}]
    assert concurrency.pool_config.default_pool_limit == 1
    with create_test_daemon_workspace_context(WORKSPACE, instance) as context:
        _step_scheduler(context, datetime(2026, 1, 4, 12, 0, tzinfo=timezone.utc))  # before the 5th, 03:00 KST
        assert instance.get_runs() == []
        _step_scheduler(context, datetime(2026, 1, 4, 18, 5, tzinfo=timezone.utc))  # 5th, 03:05 KST
        _step_scheduler(context, datetime(2026, 1, 4, 18, 30, tzinfo=timezone.utc))  # no second run for the tick
    [run] = instance.get_runs()
    assert (run.job_name, run.status) == ("raw_monthly", dg.DagsterRunStatus.QUEUED)
    assert run.tags["dagster/partition"] == "2025-12"

    assert _rows(url, "SELECT run_id, pipeline_name, status, partition FROM runs") == [
        (run.run_id, "raw_monthly", "QUEUED", "2025-12")]
    [(ticks,)] = _rows(url, "SELECT count(*) FROM job_ticks WHERE status = 'SUCCESS'")
    assert ticks == 1


def test_a_server_that_does_not_come_up_is_reported_with_its_log(tmp_path, monkeypatch):
    if postgres_binaries() is None:
        pytest.skip("no PostgreSQL binaries under /usr/lib/postgresql/*/bin")
    monkeypatch.setattr(postgres_server, "PORT", "not-a-port")
    with pytest.raises(PostgresNotStarted) as error:
        with running_postgres(tmp_path / "broken"):
            pytest.fail("the server came up with an invalid port")
    message = str(error.value)
    assert message.startswith("pg_ctl start failed")
    assert 'invalid value for parameter "port": "not-a-port"' in message  # from the server's own log


def _load_raw_and_core(definitions: dg.Definitions, instance: dg.DagsterInstance, raw_dir: Path) -> None:
    for first, last in month_ranges(landing_months(raw_dir)):
        result = definitions.resolve_job_def("raw_monthly").execute_in_process(
            instance=instance, raise_on_error=False,
            tags={RANGE_START_TAG: first, RANGE_END_TAG: last},
        )
        assert result.success, f"raw {first}..{last}"
    assert definitions.resolve_job_def("core_refresh").execute_in_process(instance=instance, raise_on_error=False).success


def _subclass_runs(instance) -> dict[str, dg.DagsterRun]:
    return {r.tags["dagster/partition"]: r for r in instance.get_runs(dg.RunsFilter(job_name="subclass_backfill"))}


def test_a_subclass_added_to_the_taxonomy_is_backfilled_on_the_postgres_instance(instance, tmp_path, monkeypatch):
    instance, url = instance
    generate_corpus(tmp_path / "raw", n_documents=800, seed=11)
    taxonomy = tmp_path / "taxonomy.yaml"
    write_subset(TAXONOMY, [FIRST], taxonomy)
    # The code server the daemon code talks to reads the same files as the in-process definitions.
    for variable, value in {"ROADMAP_RAW_DIR": tmp_path / "raw", "ROADMAP_WAREHOUSE": tmp_path / "wh.duckdb",
                            "ROADMAP_ARTIFACTS": tmp_path / "artifacts", "ROADMAP_TAXONOMY": taxonomy,
                            "ROADMAP_EMBEDDING_BACKEND": "hashing"}.items():
        monkeypatch.setenv(variable, str(value))
    definitions = pipeline_definitions(tmp_path, taxonomy=taxonomy, backend="hashing")
    _load_raw_and_core(definitions, instance, tmp_path / "raw")

    start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    with create_test_daemon_workspace_context(WORKSPACE, instance) as context:
        _tick_sensors(context, start)
        assert sorted(_subclass_runs(instance)) == [FIRST]
        write_subset(TAXONOMY, [FIRST, ADDED], taxonomy)
        _tick_sensors(context, start + timedelta(minutes=2))
    queued = _subclass_runs(instance)
    assert sorted(queued) == [FIRST, ADDED]
    assert {run.status for run in queued.values()} == {dg.DagsterRunStatus.QUEUED}

    # The queued run as the queue daemon would launch it, but in process with the fast settings.
    result = definitions.resolve_job_def("subclass_backfill").execute_in_process(
        instance=instance, partition_key=ADDED, run_config=FAST_TOPICS, raise_on_error=False,
        tags={"roadmap/taxonomy": queued[ADDED].tags["roadmap/taxonomy"]},
    )
    assert result.success

    assert _rows(url, "SELECT partition FROM dynamic_partitions WHERE partitions_def_name = %s ORDER BY partition",
                 (subclass_partitions.name,)) == [(FIRST,), (ADDED,)]
    assert _rows(url, "SELECT status, partition FROM runs WHERE run_id = %s", (result.run_id,)) == [("SUCCESS", ADDED)]
    materialized = _rows(url, "SELECT DISTINCT asset_key, partition FROM event_logs"
                              " WHERE run_id = %s AND dagster_event_type = 'ASSET_MATERIALIZATION'", (result.run_id,))
    job = definitions.resolve_job_def("subclass_backfill")
    expected = {(key.to_string(), ADDED) for key in job.asset_layer.executable_asset_keys}
    assert set(materialized) == expected and len(expected) == 12
    checks = _rows(url, "SELECT asset_key, check_name, execution_status FROM asset_check_executions WHERE run_id = %s",
                   (result.run_id,))
    # Evaluated, not merely planned; whether each passes on this small corpus is the screening tests' business.
    assert {(key, name) for key, name, status in checks if status in ("SUCCEEDED", "FAILED")} == {
        (check.asset_key.to_string(), check.name) for check in job.asset_layer.asset_graph.asset_check_keys}

    # The one-writer pool is held in PostgreSQL, where run workers on any machine claim its slot.
    assert _rows(url, 'SELECT concurrency_key, "limit" FROM concurrency_limits') == [("duckdb", 1)]
    assert _rows(url, "SELECT count(*) FROM concurrency_slots WHERE concurrency_key = 'duckdb' AND NOT deleted") == [(1,)]

    with connect(tmp_path / "wh.duckdb") as conn:
        per_subclass = dict(conn.sql(
            "SELECT subclass_key, count(*) FILTER (WHERE is_valid) FROM taxonomy.subclass_patents GROUP BY 1").fetchall())
        [(members,)] = conn.execute(
            "SELECT count(*) FROM topics.cluster_members WHERE subclass_key = ?", [ADDED]).fetchall()
    # Only the added subclass ran: the first one's run is still queued, so it has no rows.
    assert list(per_subclass) == [ADDED] and per_subclass[ADDED] > 0
    assert members == per_subclass[ADDED]
