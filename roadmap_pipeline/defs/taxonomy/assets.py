"""Taxonomy stage: the taxonomy file, subclass definitions, the searchable family texts, and each subclass's valid patents."""

import hashlib
import time
from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource
import polars as pl

from roadmap_pipeline import settings
from roadmap_pipeline.defs.core.families import consume_family_changes, families, search_texts_incremental
from roadmap_pipeline.defs.metadata import table_schema
from roadmap_pipeline.defs.partitions import subclass_partitions
from roadmap_pipeline.defs.resources import Embeddings, TaxonomyFile
from roadmap_pipeline.defs.taxonomy.screening import screen_subclass
from roadmap_pipeline.lib.markdown import markdown_table
from roadmap_pipeline.lib.taxonomy import Subclass, Taxonomy
from roadmap_pipeline.lib.warehouse import run_sql

_SUBCLASS_COLUMNS = [
    ("subclass_key", "string", "ASCII slug <category>.<name>: the taxonomy_subclass partition key"),
    ("category", "string", "category key"),
    ("name_ko", "string", "Korean name (세부기술)"),
    ("name_en", "string", "English name"),
    ("query", "string", "search expression (검색식)"),
    ("exclude", "list<string>", "out-of-scope texts used in screening"),
    ("fingerprint", "string", "hash of the definition: the data version of the partition"),
    ("taxonomy_version", "string", "version of the taxonomy file"),
]

_SEARCH_COLUMNS = [
    ("family_id", "string", "simple family of core.families"),
    ("ti", "string", "every member title, every language, NFKC-normalized and lower-cased"),
    ("ab", "string", "every member abstract, normalized the same way"),
    ("ap", "string", "applicant names, normalized"),
    ("cpc", "list<string>", "CPC symbols"),
    ("ipc", "list<string>", "IPC symbols"),
    ("py", "int", "earliest priority year"),
    ("embed_text", "string", "representative title + abstract (English where a member has it), as embedded"),
    ("embed_lang", "string", "language of embed_text"),
    ("title_only", "bool", "no member has an abstract (e.g. from an export without abstracts): weaker evidence"),
]

_PATENT_COLUMNS = [
    ("subclass_key", "string", "taxonomy subclass"),
    ("family_id", "string", "a family the search expression found"),
    ("query_match", "bool", "the search expression matched the family (every candidate)"),
    ("matched_terms", "list<string>", "terms of the expression found in the family"),
    ("similarity", "float", "cosine similarity to the subclass description"),
    ("exclusion", "float", "highest cosine similarity to an exclusion text"),
    ("relevance", "float", "the score thresholded: see relevance_method"),
    ("relevance_method", "string", "description, description_vs_exclude or classifier"),
    ("is_valid", "bool", "relevance >= threshold (유효특허)"),
    ("label", "string", "the analyst's verdict (valid or noise), where the labels folder gives one"),
    ("verdict_source", "string", "whose verdict is_valid is: analyst (which always wins) or model"),
    ("model_valid", "bool", "the model's verdict: relevance >= threshold"),
    ("description_valid", "bool", "the verdict of the description (and exclusions) alone, without the analysts' verdicts"),
    ("evidence", "string", "why: terms hit and scores, in words"),
]

TAXONOMY_FILE = dg.AssetKey(["taxonomy", "taxonomy_file"])
ANALYST_VERDICTS = dg.AssetKey(["taxonomy", "analyst_verdicts"])  # the labels folder: defs/taxonomy/review.py

# Families are normalized in batches so that a million families never sit in Python at once.
_BATCH_ROWS = 100_000


def _subclass_or_fail(taxonomy: Taxonomy, key: str) -> Subclass:
    try:
        return taxonomy.subclass(key)
    except KeyError as error:
        raise dg.Failure(
            description=f"{error.args[0]}. A subclass removed from the taxonomy keeps its partition and "
            "rows until the partition is deleted in the Dagster UI (Partitions tab of the asset)."
        ) from None


def file_version(path: str | Path) -> str:
    """The taxonomy file's data version: the SHA-256 of its bytes (first 16 hex digits)."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:16]


def file_observation(taxonomy: Taxonomy) -> tuple[dg.DataVersion, dict]:
    """Data version and metadata of an observation of the taxonomy file `taxonomy` was loaded from."""
    return dg.DataVersion(file_version(taxonomy.path)), {
        "path": str(taxonomy.path),
        "taxonomy": f"{taxonomy.name_en} {taxonomy.version}",
        "subclasses": dg.MetadataValue.md(markdown_table(
            ["subclass", "name", "fingerprint"],
            [(s.key, f"{s.name_ko} / {s.name_en}", s.fingerprint) for s in taxonomy.subclasses],
        )),
    }


@dg.observable_source_asset(
    key=TAXONOMY_FILE,
    group_name="taxonomy",
    description="The taxonomy YAML (ROADMAP_TAXONOMY): categories, subclasses, their search expressions "
    "and exclusions. Its data version is the SHA-256 of the file, observed by the taxonomy sensor "
    "whenever the file changes; every asset that reads the file depends on it.",
)
def taxonomy_source(taxonomy_file: TaxonomyFile) -> dg.ObserveResult:
    taxonomy = taxonomy_file.load_or_fail()
    data_version, metadata = file_observation(taxonomy)
    return dg.ObserveResult(data_version=data_version, metadata=metadata)


@dg.asset(
    key_prefix="taxonomy",
    group_name="taxonomy",
    partitions_def=subclass_partitions,
    deps=[TAXONOMY_FILE],
    pool="duckdb",
    kinds={"duckdb", "yaml"},
    code_version="1",
)
def subclasses(context: dg.AssetExecutionContext, warehouse: DuckDBResource, taxonomy_file: TaxonomyFile) -> dg.MaterializeResult:
    """One row per taxonomy subclass (세부기술): names, description, search expression and exclusions.

    Partitioned by subclass so that adding one to the taxonomy file adds one partition and touches no
    other. The row's fingerprint is the partition's data version: editing a subclass's query marks
    its downstream partitions stale and no other.
    """
    taxonomy = taxonomy_file.load()
    subclass = _subclass_or_fail(taxonomy, context.partition_key)
    category = taxonomy.category(subclass.category)
    position = taxonomy.subclass_keys.index(subclass.key)
    with warehouse.get_connection() as conn:
        run_sql(conn, "taxonomy_schema")
        conn.execute("BEGIN")
        conn.execute("DELETE FROM taxonomy.subclasses WHERE subclass_key = ?", [subclass.key])
        conn.execute(
            "INSERT INTO taxonomy.subclasses VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [subclass.key, category.key, category.name_ko, category.name_en, subclass.name_ko, subclass.name_en,
             subclass.description, subclass.query, list(subclass.cpc_scope), list(subclass.exclude),
             subclass.threshold, subclass.fingerprint, taxonomy.key, taxonomy.version, position],
        )
        conn.execute("COMMIT")
    context.log.info(f"subclass {subclass.key} ({subclass.name_ko} / {subclass.name_en}) from {taxonomy.path}")
    return dg.MaterializeResult(
        metadata={
            "name": f"{subclass.name_ko} / {subclass.name_en}",
            "category": f"{category.name_ko} / {category.name_en}",
            "query": dg.MetadataValue.md(f"```\n{subclass.query}\n```"),
            "exclude": dg.MetadataValue.md("\n".join(f"- {text}" for text in subclass.exclude) or "(none)"),
            "taxonomy": f"{taxonomy.name_en} {taxonomy.version} ({taxonomy.path})",
            "fingerprint": subclass.fingerprint,
            "dagster/column_schema": table_schema(_SUBCLASS_COLUMNS),
        },
        data_version=dg.DataVersion(subclass.fingerprint),
    )


@dg.asset(
    key_prefix="taxonomy",
    group_name="taxonomy",
    deps=[families],
    pool="duckdb",
    kinds={"duckdb", "polars"},
    code_version="1",
)
def search_texts(context: dg.AssetExecutionContext, warehouse: DuckDBResource) -> dg.MaterializeResult:
    """One row per simple family: its texts in every language, applicants, classes and priority year, ready for search expressions.

    Texts are NFKC-normalized and lower-cased once here (DuckDB has no NFKC), so that every
    subclass's expression compares like with like: full-width Latin letters in Japanese and Chinese
    titles match their ASCII forms. A refresh rebuilds the rows of the families core.families
    replaced (core.family_changes); a full rebuild of the families rebuilds them all.
    """
    started = time.perf_counter()
    rows = 0
    with warehouse.get_connection() as conn:
        run_sql(conn, "taxonomy_schema")
        incremental = search_texts_incremental(conn)
        run_sql(conn, "search_texts", identifiers={"incremental": incremental})
        total = conn.sql("SELECT count(*) FROM search_texts_raw").fetchone()[0]
        conn.execute("BEGIN")
        if incremental:
            conn.execute("DELETE FROM taxonomy.search_texts WHERE family_id IN (SELECT family_id FROM core.family_changes)")
        else:
            conn.execute("CREATE OR REPLACE TABLE taxonomy.search_texts AS"
                         " SELECT * EXCLUDE (row_no) FROM search_texts_raw WITH NO DATA")
        for first in range(0, total, _BATCH_ROWS):
            batch = _normalized(conn.execute(
                "SELECT * EXCLUDE (row_no) FROM search_texts_raw WHERE row_no >= ? AND row_no < ?",
                [first, first + _BATCH_ROWS],
            ).pl())
            conn.register("search_texts_batch", batch.to_arrow())
            conn.execute("INSERT INTO taxonomy.search_texts SELECT * FROM search_texts_batch")
            conn.unregister("search_texts_batch")
            rows += batch.height
        consume_family_changes(conn)
        conn.execute("COMMIT")
        languages = conn.sql(
            "SELECT coalesce(embed_lang, '?') AS lang, count(*) FROM taxonomy.search_texts GROUP BY 1 ORDER BY 2 DESC"
        ).fetchall()
        table_rows = sum(count for _, count in languages)
    elapsed = time.perf_counter() - started
    context.log.info(f"taxonomy.search_texts: {rows} families normalized in {elapsed:.1f} s"
                     f" ({'changed families only' if incremental else 'all families'})")
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": table_rows,
            "families_normalized": rows,
            "dagster/column_schema": table_schema(_SEARCH_COLUMNS),
            "embedded text languages": dg.MetadataValue.md(markdown_table(["language", "families"], languages)),
            "seconds": round(elapsed, 2),
        }
    )


def _normalized(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(
        pl.col(name).str.normalize("NFKC").str.to_lowercase() for name in ("ti", "ab", "ap")
    )


@dg.asset(
    key_prefix="taxonomy",
    group_name="taxonomy",
    partitions_def=subclass_partitions,
    deps=[subclasses, search_texts, TAXONOMY_FILE, ANALYST_VERDICTS],
    pool="duckdb",
    kinds={"duckdb", "sentence_transformers"},
    code_version="2",
    check_specs=[
        dg.AssetCheckSpec("has_valid_patents", asset=dg.AssetKey(["taxonomy", "subclass_patents"])),
        dg.AssetCheckSpec("valid_share_above_30_percent", asset=dg.AssetKey(["taxonomy", "subclass_patents"])),
    ],
)
def subclass_patents(
    context: dg.AssetExecutionContext, warehouse: DuckDBResource, taxonomy_file: TaxonomyFile, embeddings: Embeddings
) -> dg.MaterializeResult:
    """One row per (subclass, family) candidate: the search expression's hits, their relevance and whether they are valid patents (유효특허).

    Candidates come from the compiled search expression over taxonomy.search_texts. Each is
    embedded (through the cache: a rerun embeds nothing) and scored against the subclass
    description, less its similarity to the subclass's exclusions; where the analyst labelled
    families in data/labels/<subclass_key>.csv, a classifier on embeddings scores instead.
    Partitioned by subclass: a new subclass is screened without recomputing the others.
    """
    subclass = _subclass_or_fail(taxonomy_file.load(), context.partition_key)
    outcome = screen_subclass(
        subclass, warehouse, embeddings, settings.labels_dir() / f"{subclass.key}.csv", context.log
    )
    candidates, valid = outcome.candidates, outcome.valid
    share = valid / candidates if candidates else 0.0
    asset = dg.AssetKey(["taxonomy", "subclass_patents"])
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": outcome.rows,
            "dagster/column_schema": table_schema(_PATENT_COLUMNS),
            "candidates": candidates,
            "valid": valid,
            "threshold": outcome.scores.threshold,
            "relevance method": outcome.scores.method,
            "analyst verdicts": outcome.verdicts,
            "analyst verdicts overruling the model": outcome.overruled,
            "verdict rows not used": dg.MetadataValue.md(
                "\n".join(f"- {problem}" for problem in outcome.problems[:50]) or "(none)"),
            "scoring": outcome.scores.note,
            "model": outcome.model,
            "texts embedded": outcome.stats["embedded"],
            "texts reused from cache": outcome.stats["reused"],
            "candidates per language": dg.MetadataValue.md(markdown_table(
                ["text language", "candidates", "valid", "compared with the description in"], outcome.by_language,
            )),
            "candidates with a title only": outcome.title_only,
            "query": dg.MetadataValue.md(f"```\n{subclass.query}\n```"),
            "terms hit": dg.MetadataValue.md(markdown_table(["term", "candidates"], outcome.term_counts)),
            "preview": dg.MetadataValue.md(outcome.preview),
        },
        check_results=[
            dg.AssetCheckResult(
                check_name="has_valid_patents", asset_key=asset, passed=valid > 0,
                severity=dg.AssetCheckSeverity.WARN,
                metadata={"valid": valid, "candidates": candidates},
                description="no valid patent: check the search expression and the description" if not valid else None,
            ),
            dg.AssetCheckResult(
                check_name="valid_share_above_30_percent", asset_key=asset, passed=share >= 0.3 or not candidates,
                severity=dg.AssetCheckSeverity.WARN,
                metadata={"valid share": round(share, 3)},
                description="most hits are screened out: the expression may be too broad" if share < 0.3 else None,
            ),
        ],
    )
