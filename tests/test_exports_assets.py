"""raw_exports in the graph: an export row and a bulk record of the same publication are one document."""

import shutil

import dagster as dg
import duckdb

from roadmap_pipeline.defs.core.assets import documents
from roadmap_pipeline.defs.raw.assets import raw_assets
from roadmap_pipeline.defs.resources import LandingZone, warehouse_resource

MONTH = "2013-04"
# A Google Patents export as the tool writes it (search URL line, then the header), naming one
# grant of the real USPTO sample (Television set, US D680087 S) and one publication not in it.
EXPORT = (
    "search URL:,https://patents.google.com/?q=television&language=ENGLISH\n"
    "id,title,assignee,inventor/author,priority date,filing/creation date,publication date,grant date,result link,representative figure link\n"
    "US-D680087-S1,Television set ,Example Corp,Jane Roe,2012-01-03,2012-01-03,2013-04-16,2013-04-16,https://patents.google.com/patent/USD680087S1/en,\n"
    "US-2015112182-A1,Method and System for Machine Learning Based Assessment of Fractional Flow Reserve ,Siemens Aktiengesellschaft,Puneet Sharma,2013-10-17,2014-10-16,2015-04-23,,https://patents.google.com/patent/US20150112182A1/en,\n"
)


def test_export_and_bulk_records_merge(tmp_path, fixtures):
    raw = tmp_path / "raw"
    (raw / "US" / MONTH).mkdir(parents=True)
    shutil.copy(fixtures / "uspto" / "PatentsView-DB__ipg130416.small.xml", raw / "US" / MONTH)
    (raw / "EXPORTS" / MONTH).mkdir(parents=True)
    (raw / "EXPORTS" / MONTH / "google.csv").write_text(EXPORT, encoding="utf-8")
    resources = {"warehouse": warehouse_resource(str(tmp_path / "wh.duckdb")),
                 "landing_zone": LandingZone(raw_dir=str(raw), artifacts_dir=str(tmp_path / "art"))}
    instance = dg.DagsterInstance.ephemeral()
    assert dg.materialize(raw_assets, partition_key=MONTH, resources=resources, instance=instance).success
    assert dg.materialize([documents, *raw_assets], selection=[documents], resources=resources, instance=instance).success
    with duckdb.connect(str(tmp_path / "wh.duckdb"), read_only=True) as conn:
        rows = conn.sql(
            "SELECT doc_id, sources, raw_sources, title FROM core.documents"
            " WHERE doc_id IN ('US-D680087-S1', 'US-2015112182-A1') ORDER BY doc_id"
        ).fetchall()
        exported = conn.sql("SELECT count(*) FROM raw.exports_documents").fetchone()[0]
    assert exported == 2
    assert rows[0][0] == "US-2015112182-A1" and rows[0][1] == ["export"]
    assert rows[1][0] == "US-D680087-S1" and rows[1][1] == ["export", "uspto"]
    assert sorted(rows[1][2]) == ["exports", "uspto"] and rows[1][3] == "Television set"
