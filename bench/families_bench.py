"""Families at scale: core.family_members + core.families from 1 million documents, against a bare grouping.

Synthesizes, in DuckDB SQL, a warehouse of core.documents and its child tables with the shapes the
sources give (about 3 publications per family over the five offices, 1-2 Paris priorities, the
inactive own application, national-phase PCT and continuation links DOCDB lists, a fifth of the
documents without active flags as in OPS biblio records, first filings without claims as in KIPRIS,
DOCDB family ids on 30%, 4 CPC + 2 IPC mostly shared within the family, 1-2 applicants, 6 citations per document). Then, each in a
fresh process:
- ours: the two assets' SQL (`build_family_members`, `build_families`), everything included;
- bare: a DuckDB grouping of the documents by their active priority-set signature, nothing else.
Prints the median wall time of RUNS runs, peak RSS (VmHWM), the ratio ours/bare, and, as a sanity
check of the synthesizer, pairwise precision/recall of the families against the synthesized ones
with every DOCDB id removed. Writes bench/results/families.json.

With --planted N, instead: generates the demo corpus of roadmap_pipeline.demo (N documents, planted
ground truth), ingests it through the pipeline's parsers (raw assets, then core/documents), removes
every DOCDB family id, builds core.family_members and reports the pairwise precision and recall of
family membership against the ground truth's families. Writes bench/results/families_planted.json.

With --exports FILE..., instead: parses analysts' exports, counts their families by priorities
alone and with the fallback for families without priority or DOCDB evidence
(sql/families_fallback_edges.sql), next to their distinct (title, applicants) pairs, and, where the
files carry priority numbers, the fallback's pairwise precision and recall against the families they
give. Writes bench/results/families_exports.json.

Usage: python bench/families_bench.py [--docs 1000000] [--runs 3] [--rebuild]
       python bench/families_bench.py --planted 100000
       python bench/families_bench.py --exports ../shared/corpora/physical_ai_lens/pai.csv
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / "work"
RESULTS = ROOT / "bench" / "results"

SYNTH_SQL = r"""
CREATE SCHEMA IF NOT EXISTS core;
CREATE OR REPLACE TEMP TABLE fam AS
SELECT f,
    CASE WHEN r < 15 THEN 1 WHEN r < 35 THEN 2 WHEN r < 65 THEN 3 WHEN r < 85 THEN 4 ELSE 5 END AS size,
    ['KR', 'US', 'JP', 'CN', 'EP'][1 + (hash(f, 'o') % 5)::INT] AS first_office,
    hash(f, 'p2') % 100 < 30 AS two_priorities,
    hash(f, 'pct') % 100 < 40 AS via_pct,
    DATE '2005-01-01' + (hash(f, 'd') % 6500)::INT AS p1_date
FROM (SELECT range AS f, (hash(range, 's') % 100)::INT AS r FROM range(?)) AS t;

CREATE OR REPLACE TEMP TABLE mem AS
SELECT fam.*, m,
    CASE WHEN m = 0 THEN first_office
         ELSE ['KR', 'US', 'JP', 'CN', 'EP'][1 + ((hash(f, 'o') + m) % 5)::INT] END AS office,
    row_number() OVER (ORDER BY f, m) AS seq_no,
    hash(f, m, 'flags') % 100 < 20 AS unflagged,
    hash(f, m, 'dd') % 100 < 30 AS has_docdb,
    hash(f, m, 'cont') % 100 < 10 AS continuation
FROM fam, LATERAL (SELECT unnest(range(size))::INT AS m);

CREATE OR REPLACE TABLE core.documents AS
SELECT
    office || '-' || (10000000 + seq_no) || '-' || CASE WHEN office IN ('KR', 'JP', 'CN') THEN 'A' ELSE 'A1' END AS doc_id,
    office, (10000000 + seq_no)::VARCHAR AS publication_number,
    CASE WHEN office IN ('KR', 'JP', 'CN') THEN 'A' ELSE 'A1' END AS kind,
    p1_date + (540 + m * 30)::INT AS publication_date,
    CASE WHEN m = 0 AND NOT two_priorities THEN first_office || '-' || year(p1_date) || lpad(f::VARCHAR, 8, '0')
         ELSE office || '-' || year(p1_date) || lpad((50000000 + seq_no)::VARCHAR, 8, '0') END AS application_id,
    CASE WHEN m = 0 THEN p1_date ELSE p1_date + 360 END AS filing_date,
    CASE WHEN has_docdb THEN (100000000 + f)::VARCHAR END AS docdb_family_id,
    'Synthetic invention ' || f || ' ' || md5(f::VARCHAR) AS title,
    CASE office WHEN 'KR' THEN 'ko' WHEN 'JP' THEN 'ja' WHEN 'CN' THEN 'zh' ELSE 'en' END AS title_lang,
    md5(seq_no || 'a') || ' ' || md5(seq_no || 'b') || ' ' || md5(seq_no || 'c') || ' ' || md5(seq_no || 'd') || ' '
        || md5(seq_no || 'e') || ' ' || md5(seq_no || 'f') || ' ' || md5(seq_no || 'g') || ' ' || md5(seq_no || 'h') || ' '
        || md5(seq_no || 'i') || ' ' || md5(seq_no || 'j') || ' ' || md5(seq_no || 'k') || ' ' || md5(seq_no || 'l') AS abstract,
    CASE office WHEN 'KR' THEN 'ko' WHEN 'JP' THEN 'ja' WHEN 'CN' THEN 'zh' ELSE 'en' END AS abstract_lang,
    CASE WHEN office IN ('KR', 'JP', 'CN') AND hash(seq_no, 'en') % 100 < 40 THEN 'English title ' || f END AS title_en,
    CASE WHEN office IN ('KR', 'JP', 'CN') AND hash(seq_no, 'en') % 100 < 40
         THEN md5(seq_no || 'x') || ' ' || md5(seq_no || 'y') || ' ' || md5(seq_no || 'z') || ' ' || md5(seq_no || 'w') END AS abstract_en,
    ['epo'] AS sources,
    f AS true_family,
    m, unflagged, continuation, via_pct, two_priorities, first_office, p1_date, seq_no
FROM mem;

-- Priorities: the Paris priorities (active), a first filing without claims (m = 0, one priority,
-- half of them listing nothing as KIPRIS does), the national-phase PCT (inactive, W), the own
-- application of US documents and continuation parents (inactive); flags removed for 20%.
CREATE OR REPLACE TABLE core.document_priorities AS
WITH claims AS (
    SELECT doc_id, 1 AS seq, first_office || '-' || year(p1_date) || lpad(true_family::VARCHAR, 8, '0') AS priority_id,
        p1_date AS priority_date, true AS active, NULL AS linkage_type, unflagged
    FROM core.documents WHERE NOT (m = 0 AND NOT two_priorities AND hash(doc_id) % 2 = 0)
    UNION ALL
    SELECT doc_id, 2, ['JP', 'US', 'KR', 'CN', 'EP'][1 + (hash(true_family, 'q') % 5)::INT] || '-' || year(p1_date)
        || lpad((90000000 + true_family)::VARCHAR, 8, '0'), p1_date + 60, true, NULL, unflagged
    FROM core.documents WHERE two_priorities
    UNION ALL
    SELECT doc_id, 3, first_office || '-' || year(p1_date) || lpad(true_family::VARCHAR, 6, '0') || '-W',
        p1_date + 360, false, 'W', unflagged
    FROM core.documents WHERE via_pct AND m > 0 AND office <> 'US'
    UNION ALL
    SELECT doc_id, 4, application_id, filing_date, false, NULL, unflagged
    FROM core.documents WHERE office = 'US' AND m > 0
    UNION ALL
    SELECT d.doc_id, 5, p.application_id, p.filing_date, false, '1', d.unflagged
    FROM core.documents AS d JOIN core.documents AS p ON p.true_family = d.true_family AND p.m = d.m - 1
    WHERE d.continuation AND d.office = 'US' AND d.m > 0
)
SELECT doc_id, priority_id, priority_date, CASE WHEN unflagged THEN NULL ELSE active END AS active,
    CASE WHEN unflagged THEN NULL ELSE linkage_type END AS linkage_type, seq, 'epo' AS source
FROM claims;

-- Members of a family share most classes: 5 symbols drawn from the family's, 1 of their own.
CREATE OR REPLACE TABLE core.document_classifications AS
SELECT doc_id, scheme, symbol, ['epo'] AS sources FROM (
    SELECT DISTINCT doc_id, CASE WHEN k < 4 THEN 'CPC' ELSE 'IPC' END AS scheme,
        ['G06N', 'G05B', 'H01M', 'B25J', 'G06T', 'H04L'][1 + (hash(true_family, k % 2) % 6)::INT]
            || (hash(true_family, k, 'g') % 99 + 1) || '/'
            || lpad((hash(CASE WHEN k = 3 THEN seq_no ELSE true_family END, k, 's') % 300)::VARCHAR, 2, '0') AS symbol
    FROM core.documents, range(6) AS t(k)
);

CREATE OR REPLACE TABLE core.document_parties AS
SELECT doc_id, 'applicant' AS role, k + 1 AS seq, 'APPLICANT ' || (hash(true_family, k) % 50000) AS name,
    ['KR', 'US', 'JP', 'CN', 'DE', NULL][1 + (hash(true_family, k, 'c') % 6)::INT] AS country, 'epo' AS source
FROM core.documents, range(2) AS t(k) WHERE k = 0 OR hash(doc_id) % 2 = 0
UNION ALL
SELECT doc_id, 'inventor', k + 1, 'INVENTOR ' || hash(true_family, k, 'i') % 400000, NULL, 'epo'
FROM core.documents, range(2) AS t(k);

CREATE OR REPLACE TABLE core.document_citations AS
WITH n AS (SELECT count(*)::UBIGINT AS docs FROM core.documents),
targets AS (
    SELECT doc_id, k, (hash(seq_no, k, 'cite') % n.docs) + 1 AS target,
        hash(seq_no, k, 'ext') % 100 < 30 AS external
    FROM core.documents, range(6) AS t(k), n
)
SELECT DISTINCT c.doc_id,
    CASE WHEN c.external THEN 'US-' || (5000000 + c.target % 1000000) || '-B2' ELSE d.doc_id END AS cited_id,
    'examiner' AS category, ['epo'] AS sources
FROM targets AS c
JOIN core.documents AS d ON d.seq_no = c.target;

CREATE OR REPLACE TABLE bench_truth AS SELECT doc_id, true_family FROM core.documents;
ALTER TABLE core.documents DROP COLUMN true_family;
ALTER TABLE core.documents DROP COLUMN m;
ALTER TABLE core.documents DROP COLUMN unflagged;
ALTER TABLE core.documents DROP COLUMN continuation;
ALTER TABLE core.documents DROP COLUMN via_pct;
ALTER TABLE core.documents DROP COLUMN two_priorities;
ALTER TABLE core.documents DROP COLUMN first_office;
ALTER TABLE core.documents DROP COLUMN p1_date;
ALTER TABLE core.documents DROP COLUMN seq_no;
"""

BARE_SQL = """
CREATE OR REPLACE TEMP TABLE bare_groups AS
SELECT signature, count(*) AS docs FROM (
    SELECT doc_id, list_sort(list(priority_id)) AS signature
    FROM core.document_priorities WHERE active IS NOT FALSE GROUP BY doc_id
) GROUP BY signature
"""

# A child process runs one measurement, so that VmHWM is the peak of that run alone.
_CHILD = r"""
import json, sys, time
import duckdb
mode, path = sys.argv[1], sys.argv[2]
if mode == "ours":
    from roadmap_pipeline.defs.core.families import build_families, build_family_members
conn = duckdb.connect(path)
conn.execute("SET enable_progress_bar = false")
start = time.perf_counter()
steps = {}
if mode == "ours":
    build_family_members(conn); steps["family_members"] = time.perf_counter() - start
    build_families(conn); steps["families"] = time.perf_counter() - start - steps["family_members"]
else:
    conn.execute(sys.argv[3])
elapsed = time.perf_counter() - start
conn.close()
peak_kb = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM"))
print(json.dumps({"seconds": elapsed, "peak_rss_mb": peak_kb / 1024, "steps": steps}))
"""


def synthesize(path: Path, docs: int) -> None:
    """Write a warehouse of about `docs` documents (families of 3 on average) to `path`."""
    import duckdb

    path.unlink(missing_ok=True)
    started = time.perf_counter()
    with duckdb.connect(str(path)) as conn:
        statements = [s for s in SYNTH_SQL.split(";\n") if s.strip()]
        for statement in statements:
            body = "\n".join(line for line in statement.splitlines() if not line.lstrip().startswith("--"))
            if "range(?)" in body:
                conn.execute(body, [docs // 3])
            elif body.strip():
                conn.execute(body)
        counts = {t: conn.sql(f"SELECT count(*) FROM core.{t}").fetchone()[0] for t in
                  ("documents", "document_priorities", "document_classifications", "document_parties",
                   "document_citations")}
    print(f"synthesized in {time.perf_counter() - started:.1f} s: {counts}")


def measure(mode: str, path: Path, *extra: str) -> dict:
    out = subprocess.run([sys.executable, "-c", _CHILD, mode, str(path), *extra], cwd=ROOT,
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def pairwise_precision_recall(path: Path) -> dict:
    """Pairwise precision and recall of core.family_members against the synthetic families.

    Run on a copy whose DOCDB family ids are all removed, so the grouping rests on priorities alone.
    """
    import duckdb

    from roadmap_pipeline.defs.core.families import build_family_members

    copy = path.with_name(path.stem + "_nodocdb.duckdb")
    shutil.copyfile(path, copy)
    with duckdb.connect(str(copy)) as conn:
        conn.execute("UPDATE core.documents SET docdb_family_id = NULL")
        build_family_members(conn)
        result = _pairwise(_PAIRS_SQL.format(truth="bench_truth"), conn)
    copy.unlink()
    return result


def _pairwise(pairs_sql: str, conn) -> dict:
    true_pairs, found_pairs, both = conn.sql(pairs_sql).fetchone()
    return {"precision": float(both / found_pairs) if found_pairs else 1.0,
            "recall": float(both / true_pairs) if true_pairs else 1.0,
            "true_pairs": int(true_pairs or 0), "found_pairs": int(found_pairs or 0)}


_PAIRS_SQL = """WITH cells AS (
        SELECT m.family_id, t.true_family, count(*) AS n
        FROM core.family_members AS m JOIN {truth} AS t USING (doc_id) GROUP BY ALL),
    found AS (SELECT family_id, sum(n) AS n FROM cells GROUP BY 1),
    truth AS (SELECT true_family, sum(n) AS n FROM cells GROUP BY 1)
    SELECT (SELECT sum(n * (n - 1) / 2) FROM truth), (SELECT sum(n * (n - 1) / 2) FROM found),
           (SELECT sum(n * (n - 1) / 2) FROM cells)"""


def ingest(raw: Path, warehouse: Path) -> None:
    """The pipeline's parsers on a landing zone: raw assets of every month, then core/documents."""
    import dagster as dg

    from roadmap_pipeline.defs.core.assets import documents
    from roadmap_pipeline.defs.raw.assets import raw_assets
    from roadmap_pipeline.defs.resources import LandingZone, warehouse_resource
    from roadmap_pipeline.run import RANGE_END_TAG, RANGE_START_TAG, landing_months, month_ranges

    started = time.perf_counter()
    resources = {"warehouse": warehouse_resource(str(warehouse)),
                 "landing_zone": LandingZone(raw_dir=str(raw), artifacts_dir=str(raw.parent / "artifacts"))}
    instance = dg.DagsterInstance.ephemeral()
    for first, last in month_ranges(landing_months(raw)):
        tags = {RANGE_START_TAG: first, RANGE_END_TAG: last}
        assert dg.materialize(raw_assets, resources=resources, instance=instance, tags=tags).success
    assert dg.materialize([documents, *raw_assets], selection=[documents], resources=resources,
                          instance=instance).success
    print(f"ingested in {time.perf_counter() - started:.0f} s", flush=True)


def planted(n_docs: int) -> dict:
    """Pairwise precision/recall of priority-only families on the generated demo corpus."""
    import duckdb
    import polars as pl

    from roadmap_pipeline.defs.core.families import build_family_members
    from roadmap_pipeline.demo.synthetic import generate_corpus

    root = WORK / f"planted_{n_docs}"
    raw, warehouse = root / "raw", root / "warehouse.duckdb"
    started = time.perf_counter()
    if not (raw / "ground_truth.json").exists():
        shutil.rmtree(root, ignore_errors=True)
        generate_corpus(raw, n_docs)
        print(f"generated {n_docs} documents in {time.perf_counter() - started:.0f} s", flush=True)
    if not warehouse.exists():
        ingest(raw, warehouse)
    truth = json.loads((raw / "ground_truth.json").read_text(encoding="utf-8"))
    rows = [(d["doc_id"], f["family"]) for f in truth["families"] for d in f["documents"]]
    copy = root / "no_docdb.duckdb"
    shutil.copyfile(warehouse, copy)
    with duckdb.connect(str(copy)) as conn:
        frame = pl.DataFrame(rows, schema=["doc_id", "true_family"], orient="row")
        conn.execute("CREATE TEMP TABLE planted_truth AS SELECT * FROM frame")
        with_docdb = conn.sql("SELECT count(*) FROM core.documents WHERE docdb_family_id IS NOT NULL").fetchone()[0]
        conn.execute("UPDATE core.documents SET docdb_family_id = NULL")
        build_family_members(conn)
        result = _pairwise(_PAIRS_SQL.format(truth="planted_truth"), conn)
        result.update(zip(
            ("documents", "documents_in_truth", "families_found", "families_true"),
            conn.sql("""SELECT (SELECT count(*) FROM core.documents),
                (SELECT count(*) FROM core.documents SEMI JOIN planted_truth USING (doc_id)),
                (SELECT count(DISTINCT family_id) FROM core.family_members),
                (SELECT count(DISTINCT true_family) FROM planted_truth SEMI JOIN core.documents USING (doc_id))"""
                     ).fetchone()))
        result["documents_with_docdb_id_before_removal"] = with_docdb
    copy.unlink()
    return result


def _members(conn, fallback: bool) -> None:
    """core.family_members, with or without the fallback's links (sql/families_fallback_edges.sql)."""
    from roadmap_pipeline.defs.core.families import MEMBER_SQL
    from roadmap_pipeline.lib.warehouse import run_sql

    for step in MEMBER_SQL:
        name, identifiers = step if isinstance(step, tuple) else (step, None)
        run_sql(conn, name, identifiers=identifiers)
        if name == "families_fallback_edges" and not fallback:
            conn.execute("DELETE FROM family_fallback_edges")


_EXPORT_COUNTS_SQL = """WITH docs AS (
        SELECT d.doc_id, lower(d.title) AS title, d.filing_date,
            (SELECT list_sort(list(p.name)) FROM core.document_parties AS p
             WHERE p.doc_id = d.doc_id AND p.role = 'applicant') AS applicants
        FROM core.documents AS d)
    SELECT count(*), count(DISTINCT (title, applicants)), count(DISTINCT (title, applicants, filing_date)),
        (SELECT count(*) FROM core.document_priorities)
    FROM docs"""


def exports(paths: list[Path]) -> dict:
    """Families of analysts' exports by priorities alone and with the fallback.

    The files are parsed as the exports landing zone; families are counted without the fallback's
    links and with them, next to the distinct (title, applicants) pairs, case ignored, with and
    without the filing date (what the families of distinct inventions come close to). Where the
    files carry priority numbers (a Lens export with its Priority Numbers column), the families by
    priorities are the truth: with every priority, DOCDB id and application number removed, the
    fallback's pairwise precision and recall against them.
    """
    import duckdb

    root = WORK / "exports"
    raw, warehouse = root / "raw", root / "warehouse.duckdb"
    shutil.rmtree(root, ignore_errors=True)
    (raw / "EXPORTS" / "2000-01").mkdir(parents=True)
    for path in paths:
        shutil.copy(path, raw / "EXPORTS" / "2000-01")
    ingest(raw, warehouse)
    result = {"files": [p.name for p in paths]}
    with duckdb.connect(str(warehouse)) as conn:
        documents, pairs, dated_pairs, priorities = conn.sql(_EXPORT_COUNTS_SQL).fetchone()
        result.update(documents=documents, distinct_title_applicants=pairs,
                      distinct_title_applicants_filing_date=dated_pairs)
        for fallback in (False, True):
            _members(conn, fallback)
            key = "families_with_fallback" if fallback else "families_by_priorities_alone"
            result[key] = conn.sql("SELECT count(DISTINCT family_id) FROM core.family_members").fetchone()[0]
        result["fallback_links"] = dict(conn.sql(
            "SELECT evidence, count(*) // 2 FROM family_fallback_edges GROUP BY 1 ORDER BY 1").fetchall())
        if priorities:
            conn.execute("CREATE TEMP TABLE priority_truth AS"
                         " SELECT doc_id, family_id AS true_family FROM core.family_members")
            conn.execute("DELETE FROM core.document_priorities")
            conn.execute("UPDATE core.documents SET docdb_family_id = NULL, application_id = NULL")
            _members(conn, True)
            result["fallback_against_priority_families"] = _pairwise(_PAIRS_SQL.format(truth="priority_truth"), conn)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--planted", type=int, default=0, metavar="N",
                        help="evaluate on the generated demo corpus of N documents instead")
    parser.add_argument("--exports", type=Path, nargs="+", metavar="FILE",
                        help="count the families of analysts' exports with and without the fallback instead")
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    if args.exports:
        result = exports(args.exports)
        print(json.dumps(result, indent=2))
        (RESULTS / "families_exports.json").write_text(json.dumps(result, indent=2) + "\n")
        return
    if args.planted:
        result = {"planted_documents": args.planted, **planted(args.planted)}
        print(json.dumps(result, indent=2))
        (RESULTS / "families_planted.json").write_text(json.dumps(result, indent=2) + "\n")
        return
    path = WORK / f"families_{args.docs}.duckdb"
    if args.rebuild or not path.exists():
        synthesize(path, args.docs)
    load_before = os.getloadavg()[0]
    ours = [measure("ours", path) for _ in range(args.runs)]
    bare = [measure("bare", path, BARE_SQL) for _ in range(args.runs)]
    for label, runs in (("ours", ours), ("bare", bare)):
        print(f"{label}: " + ", ".join(f"{r['seconds']:.2f} s / {r['peak_rss_mb']:.0f} MB" for r in runs))
    result = {
        "docs": args.docs,
        "runs": args.runs,
        "ours_median_s": statistics.median(r["seconds"] for r in ours),
        "ours_peak_rss_mb": max(r["peak_rss_mb"] for r in ours),
        "ours_steps_median_s": {k: statistics.median(r["steps"][k] for r in ours) for k in ours[0]["steps"]},
        "bare_median_s": statistics.median(r["seconds"] for r in bare),
        "bare_peak_rss_mb": max(r["peak_rss_mb"] for r in bare),
    }
    result["ratio_ours_to_bare"] = result["ours_median_s"] / result["bare_median_s"]
    # Other processes on the machine slow both sides: the load average says how quiet it was.
    result["load_average_1min_before_after"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
    result["synthetic_pairwise"] = pairwise_precision_recall(path)
    print(json.dumps(result, indent=2))
    (RESULTS / "families.json").write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
