"""materialize() of raw → core/documents → core/family_members → core/families with the family checks."""

import shutil

import dagster as dg
import duckdb

from roadmap_pipeline.defs.core.assets import documents
from roadmap_pipeline.defs.core.checks import family_checks
from roadmap_pipeline.defs.core.families import families, family_members
from roadmap_pipeline.defs.raw.assets import raw_assets
from roadmap_pipeline.defs.resources import LandingZone, warehouse_resource

MONTH = "2024-08"


def test_documents_to_families_with_checks(tmp_path, fixtures):
    for office, pattern in {"EP": "epo-ops/*.xml", "KR": "kipo-kipris/describug__real_kipris_*.xml",
                            "US": "uspto/PatentsView-DB__ipg130416.small.xml"}.items():
        folder = tmp_path / "raw" / office / MONTH
        folder.mkdir(parents=True)
        for path in sorted(fixtures.glob(pattern)):
            shutil.copy(path, folder)
    resources = {"warehouse": warehouse_resource(str(tmp_path / "wh.duckdb")),
                 "landing_zone": LandingZone(raw_dir=str(tmp_path / "raw"), artifacts_dir=str(tmp_path / "art"))}
    instance = dg.DagsterInstance.ephemeral()
    assert dg.materialize(raw_assets, partition_key=MONTH, resources=resources, instance=instance).success
    graph = [documents, family_members, families, *family_checks, *raw_assets]
    result = dg.materialize(graph, selection=[documents, family_members, families], resources=resources,
                            instance=instance)
    assert result.success
    checks = {c.check_name: c for c in result.get_asset_check_evaluations()}
    assert set(checks) == {"doc_id_unique", "every_document_in_one_family", "no_empty_families",
                           "family_size_between_1_and_5", "family_linkage_shares"}
    assert all(c.passed for c in checks.values())
    shares = checks["family_linkage_shares"].metadata["by_linkage"].value
    metadata = {m.asset_key.to_user_string(): m.metadata for m in
                (e.event_specific_data.materialization for e in result.get_asset_materialization_events())}
    with duckdb.connect(str(tmp_path / "wh.duckdb"), read_only=True) as conn:
        documents_count = conn.sql("SELECT count(*) FROM core.documents").fetchone()[0]
        families_count = conn.sql("SELECT count(*) FROM core.families").fetchone()[0]
        family_of = dict(conn.sql("SELECT doc_id, family_id FROM core.family_members").fetchall())
    assert metadata["core/family_members"]["dagster/row_count"].value == documents_count == len(family_of)
    assert metadata["core/families"]["dagster/row_count"].value == families_count == sum(shares.values())
    assert family_of["US-9291047-B2"] == "50474376" and shares["both"] == 3  # 50474376, 81854188, 81849288
    assert shares["priorities"] == families_count - 3  # the USPTO grants and KIPRIS search hits
