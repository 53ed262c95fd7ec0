"""materialize() of the raw assets and core/documents on a small landing zone of real samples."""

import shutil

import dagster as dg
import duckdb
import pytest

from roadmap_pipeline.defs.core.assets import documents
from roadmap_pipeline.defs.raw.assets import raw_assets
from roadmap_pipeline.defs.resources import LandingZone, warehouse_resource

MONTH = "2013-04"


@pytest.fixture
def landing(tmp_path, fixtures):
    raw = tmp_path / "raw"
    files = {
        "US": ["uspto/PatentsView-DB__ipg130416.small.xml"],
        "EP": ["epo-docdb/go-epo-bdds__DE-backfile.xml",
               "epo-ops/patent_client__fam50474376__published-data_publication_docdb_US.9291047.B2_biblio.xml"],
        "KR": ["kipo-kipris/describug__real_kipris_biblio_KR1020200168607.xml"],
        "CN": ["cnipa/cnipa-patent-collector__sqxx_real_response_CN2026104796018.json"],
    }
    for office, names in files.items():
        folder = raw / office / MONTH
        folder.mkdir(parents=True)
        for name in names:
            shutil.copy(fixtures / name, folder)
    return tmp_path


def _resources(root):
    return {
        "warehouse": warehouse_resource(str(root / "wh.duckdb")),
        "landing_zone": LandingZone(raw_dir=str(root / "raw"), artifacts_dir=str(root / "artifacts")),
    }


def _materialize(root, instance):
    raw = dg.materialize(raw_assets, partition_key=MONTH, resources=_resources(root), instance=instance)
    core = dg.materialize([documents, *raw_assets], selection=[documents], resources=_resources(root),
                          instance=instance)
    return raw, core


def _counts(root):
    with duckdb.connect(str(root / "wh.duckdb"), read_only=True) as conn:
        return {
            "uspto": conn.sql("SELECT count(*) FROM raw.uspto_documents").fetchone()[0],
            "epo": conn.sql("SELECT count(*) FROM raw.epo_documents").fetchone()[0],
            "core": conn.sql("SELECT count(*) FROM core.documents").fetchone()[0],
            "core_offices": sorted(r[0] for r in conn.sql("SELECT DISTINCT office FROM core.documents").fetchall()),
            "rejects": conn.sql("SELECT source, severity, count(*) FROM core.rejected_records GROUP BY ALL ORDER BY ALL").fetchall(),
            "priorities": conn.sql("SELECT count(*) FROM core.document_priorities").fetchone()[0],
        }


def test_raw_and_core_on_real_samples(landing):
    instance = dg.DagsterInstance.ephemeral()
    raw, core = _materialize(landing, instance)
    assert raw.success and core.success
    counts = _counts(landing)
    assert counts["uspto"] == 25  # 25 grants; the 2 sequence listings are recorded as skipped
    assert counts["epo"] == 11  # 10 DE back-file documents + 1 OPS biblio
    assert counts["core_offices"] == ["KR", "US"]  # DE documents are out of scope
    assert ("uspto", "skipped", 2) in counts["rejects"]
    assert ("cnipa", "error", 1) in counts["rejects"]
    metadata = {m.asset_key.to_user_string(): m.metadata for m in
                (e.event_specific_data.materialization for e in raw.get_asset_materialization_events())}
    assert metadata["raw/epo_documents"]["out_of_scope"].value == 10
    checks = {(c.asset_key.to_user_string(), c.passed) for c in raw.get_asset_check_evaluations()}
    assert ("raw/cnipa_documents", False) in checks and ("raw/uspto_documents", True) in checks
    # Each table is its own asset, and its materialization counts the rows the table holds.
    raw_rows = {key: m["dagster/row_count"].value for key, m in metadata.items()}
    core_rows = {e.event_specific_data.materialization.asset_key.to_user_string():
                 e.event_specific_data.materialization.metadata["dagster/row_count"].value
                 for e in core.get_asset_materialization_events()}
    assert len(raw_rows) == 6 * 6 and raw_rows["raw/uspto_documents"] == 25 and raw_rows["raw/epo_priorities"] > 0
    assert sorted(core_rows) == [f"core/{t}" for t in (
        "document_changes", "document_citations", "document_classifications", "document_parties",
        "document_priorities", "documents", "merged_partitions", "rejected_records")]
    with duckdb.connect(str(landing / "wh.duckdb"), read_only=True) as conn:
        for key, rows in (raw_rows | core_rows).items():
            assert conn.sql(f"SELECT count(*) FROM {key.replace('/', '.')}").fetchone()[0] == rows, key
    assert core_rows["core/rejected_records"] == sum(n for _, _, n in counts["rejects"])


def test_rematerializing_replaces_the_partition(landing):
    instance = dg.DagsterInstance.ephemeral()
    _materialize(landing, instance)
    first = _counts(landing)
    _materialize(landing, instance)
    assert _counts(landing) == first
