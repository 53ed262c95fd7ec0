"""Families against planted truth: the demo generator's corpus, parsed, with every DOCDB id removed.

A small corpus keeps the test quick; bench/families_bench.py --planted 110000 runs the same
measurement at scale.
"""

import json

import dagster as dg
import duckdb
import pytest

from roadmap_pipeline.defs.core.assets import documents
from roadmap_pipeline.defs.core.families import build_family_members
from roadmap_pipeline.defs.raw.assets import raw_assets
from roadmap_pipeline.defs.resources import LandingZone, warehouse_resource
from roadmap_pipeline.run import RANGE_END_TAG, RANGE_START_TAG, landing_months, month_ranges

synthetic = pytest.importorskip("roadmap_pipeline.demo.synthetic")


def test_priority_grouping_recovers_planted_families(tmp_path):
    raw = tmp_path / "raw"
    synthetic.generate_corpus(raw, 3000, seed=7)
    resources = {"warehouse": warehouse_resource(str(tmp_path / "wh.duckdb")),
                 "landing_zone": LandingZone(raw_dir=str(raw), artifacts_dir=str(tmp_path / "art"))}
    instance = dg.DagsterInstance.ephemeral()
    for first, last in month_ranges(landing_months(raw)):
        tags = {RANGE_START_TAG: first, RANGE_END_TAG: last}
        assert dg.materialize(raw_assets, resources=resources, instance=instance, tags=tags).success
    assert dg.materialize([documents, *raw_assets], selection=[documents], resources=resources,
                          instance=instance).success
    truth = json.loads((raw / synthetic.GROUND_TRUTH).read_text(encoding="utf-8"))
    planted = {d["doc_id"]: f["family"] for f in truth["families"] for d in f["documents"]}
    with duckdb.connect(str(tmp_path / "wh.duckdb")) as conn:
        assert conn.sql("SELECT count(docdb_family_id) FROM core.documents").fetchone()[0] > 0
        conn.execute("UPDATE core.documents SET docdb_family_id = NULL")
        build_family_members(conn)
        found = dict(conn.sql("SELECT doc_id, family_id FROM core.family_members").fetchall())
    assert len(found) > 2000 and set(found) <= set(planted)
    docs = sorted(found)
    same_found = same_planted = both = 0
    by_found, by_planted, by_cell = {}, {}, {}
    for doc_id in docs:
        f, p = found[doc_id], planted[doc_id]
        same_found += by_found.get(f, 0)
        same_planted += by_planted.get(p, 0)
        both += by_cell.get((f, p), 0)
        by_found[f] = by_found.get(f, 0) + 1
        by_planted[p] = by_planted.get(p, 0) + 1
        by_cell[(f, p)] = by_cell.get((f, p), 0) + 1
    precision, recall = both / same_found, both / same_planted
    assert same_planted > 500  # enough multi-document families for the pairs to mean something
    assert precision >= 0.99 and recall >= 0.99, (precision, recall)
