"""A process SIGKILLed in the middle of writing a raw partition, then re-run: no duplicate, no missing row.

The child process materializes the raw assets of one month and kills itself with SIGKILL right
after the partition's rows were inserted and before the transaction commits — the worst moment.
DuckDB must come back at the state before the run, and a re-run must give the clean result.
"""

import os
import shutil
import signal
import subprocess
import sys
import textwrap

import dagster as dg
import duckdb

from roadmap_pipeline.defs.raw.assets import raw_assets
from roadmap_pipeline.defs.resources import LandingZone, warehouse_resource

MONTH = "2013-04"
FILES = {"US": "uspto/PatentsView-DB__ipg130416.small.xml", "EP": "epo-docdb/go-epo-bdds__DE-backfile.xml"}

# Run in a child process: kill this process once raw_insert has run inside the open transaction.
CHILD = textwrap.dedent("""
    import os, signal, sys
    import dagster as dg
    import roadmap_pipeline.defs.raw.assets as raw
    from roadmap_pipeline.defs.resources import LandingZone, warehouse_resource

    def run_sql_then_die(conn, name, *args, **kwargs):
        original(conn, name, *args, **kwargs)
        if name == "raw_insert":
            os.kill(os.getpid(), signal.SIGKILL)

    original = raw.run_sql
    raw.run_sql = run_sql_then_die
    root = sys.argv[1]
    dg.materialize(raw.raw_assets, partition_key=sys.argv[2], resources={
        "warehouse": warehouse_resource(root + "/wh.duckdb"),
        "landing_zone": LandingZone(raw_dir=root + "/raw", artifacts_dir=root + "/art"),
    })
""")


def _landing(root, fixtures):
    for office, name in FILES.items():
        folder = root / "raw" / office / MONTH
        folder.mkdir(parents=True)
        shutil.copy(fixtures / name, folder)


def _materialize(root):
    resources = {"warehouse": warehouse_resource(str(root / "wh.duckdb")),
                 "landing_zone": LandingZone(raw_dir=str(root / "raw"), artifacts_dir=str(root / "art"))}
    assert dg.materialize(raw_assets, partition_key=MONTH, resources=resources,
                          instance=dg.DagsterInstance.ephemeral()).success


def _rows(root):
    with duckdb.connect(str(root / "wh.duckdb"), read_only=True) as conn:
        return {
            table: conn.sql(f"SELECT count(*), count(DISTINCT (partition_month, rec)) FROM raw.{table}").fetchone()
            for table in ("uspto_documents", "epo_documents", "uspto_classifications")
        }


def _killed_run(root):
    env = {k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"}  # an ephemeral instance in the child
    child = subprocess.run([sys.executable, "-c", CHILD, str(root), MONTH], env=env, capture_output=True, timeout=300)
    assert child.returncode == -signal.SIGKILL, child.stderr.decode()[-2000:]


def test_a_kill_mid_write_leaves_the_previous_state_and_a_rerun_the_clean_one(tmp_path, fixtures):
    clean = tmp_path / "clean"
    _landing(clean, fixtures)
    _materialize(clean)
    expected = _rows(clean)
    assert expected["uspto_documents"][0] == 25

    killed = tmp_path / "killed"
    _landing(killed, fixtures)
    _materialize(killed)
    _killed_run(killed)  # re-delivery of the same month, killed before commit
    assert _rows(killed) == expected  # the committed state, nothing doubled or lost
    _materialize(killed)
    assert _rows(killed) == expected


def test_a_kill_during_the_first_load_leaves_nothing_half_written(tmp_path, fixtures):
    _landing(tmp_path, fixtures)
    _killed_run(tmp_path)
    with duckdb.connect(str(tmp_path / "wh.duckdb"), read_only=True) as conn:
        assert conn.sql("SELECT count(*) FROM raw.uspto_documents").fetchone()[0] == 0
    _materialize(tmp_path)
    assert _rows(tmp_path)["uspto_documents"][0] == 25
