"""Screening one subclass: query the warehouse, embed outside the connection, score, write back."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl
from dagster_duckdb import DuckDBResource

from roadmap_pipeline.defs.resources import Embeddings
from roadmap_pipeline.lib.embeddings import EmbeddingStats, embed_with_cache, text_hash
from roadmap_pipeline.lib.language_counts import LANGUAGE_NAMES
from roadmap_pipeline.lib.markdown import markdown_table
from roadmap_pipeline.lib.review import Problem, Verdicts, read_verdicts
from roadmap_pipeline.lib.screening import Reference, Scores, score_candidates
from roadmap_pipeline.lib.search import compile_expression, parse
from roadmap_pipeline.lib.taxonomy import Subclass
from roadmap_pipeline.lib.warehouse import run_sql

_ENGLISH_NAMES = {code: english for code, (_, english) in LANGUAGE_NAMES.items()}

# The compiled expression is SQL made by lib/search from fixed fragments and $q_ parameter names
# only; every term the analyst wrote travels as a parameter.
_CANDIDATES = """
SELECT family_id, {evidence} AS matched_terms, embed_text, embed_lang, title_only
FROM taxonomy.search_texts
WHERE {where}
ORDER BY family_id
"""


@dataclass(frozen=True)
class Outcome:
    """What screening one subclass did, for the asset's metadata."""

    rows: int
    candidates: int
    valid: int
    scores: Scores
    stats: EmbeddingStats
    model: str
    by_language: list[tuple[str, int, int, str]]
    title_only: int
    term_counts: list[tuple[str, int]]
    preview: str
    verdicts: int = 0
    overruled: int = 0
    problems: tuple[Problem, ...] = ()


def screen_subclass(
    subclass: Subclass, warehouse: DuckDBResource, embeddings: Embeddings, labels_path: Path, log: logging.Logger,
    verdicts: Verdicts | None = None,
) -> Outcome:
    """Write the rows of `subclass` in taxonomy.subclass_patents (delete-then-insert) and report.

    Args:
        labels_path: The labels folder, or a file in it (every review workbook and CSV of the folder
            is read either way).
        verdicts: The folder's verdicts when the caller has read them already.
    """
    compiled = compile_expression(parse(subclass.query), param_prefix="q_")
    if verdicts is None:
        folder = labels_path if labels_path.is_dir() or not labels_path.suffix else labels_path.parent
        verdicts = read_verdicts(folder, None)
    judged = sorted(verdicts.of(subclass.key))
    with warehouse.get_connection() as conn:
        run_sql(conn, "taxonomy_schema")
        found = conn.execute(
            _CANDIDATES.format(evidence=compiled.evidence_sql, where=compiled.sql), compiled.all_params
        ).pl()
        labelled = conn.execute(
            "SELECT family_id, embed_text FROM taxonomy.search_texts WHERE list_contains($ids, family_id)"
            " ORDER BY family_id",
            {"ids": judged},
        ).pl() if judged else pl.DataFrame(schema={"family_id": pl.String, "embed_text": pl.String})
    unknown = verdicts.drop_unknown_families(subclass.key, labelled["family_id"].to_list())
    labels = verdicts.labels(subclass.key)
    problems = tuple(verdicts.problems_of(subclass.key))
    for problem in problems:
        log.warning(f"{subclass.key}: verdict not used: {problem}")
    log.info(f"{subclass.key}: {found.height} candidates for the search expression, {len(labels)} analyst verdicts"
             f" ({len(unknown)} on unknown families, {len(problems)} rows not used)")

    texts = found["embed_text"].fill_null("").to_list()
    # Per language: the description, then its exclusions (English first).
    references = [subclass.screening_texts(lang) for lang in subclass.languages]
    reference_texts = [text for _, description, exclude in references for text in (description, *exclude)]
    labelled_texts = labelled["embed_text"].fill_null("").to_list()
    embedder = embeddings.embedder()
    vectors, stats = embed_with_cache(embedder, embeddings.cache(), texts + reference_texts + labelled_texts)
    log.info(f"{subclass.key}: {stats['embedded']} texts embedded, {stats['reused']} reused from the cache")
    candidates, start, embedded = vectors[: len(texts)], len(texts), {}
    for lang, _, exclude in references:
        embedded[lang] = Reference(vectors[start], vectors[start + 1 : start + 1 + len(exclude)] if exclude else None)
        start += 1 + len(exclude)
    training = None
    if labelled.height:
        truth = np.array([labels[f] for f in labelled["family_id"]], dtype=bool)
        training = (vectors[start:], truth)
    english = embedded.pop("en")
    judged_candidates = found["family_id"].is_in(list(labels)).to_numpy()
    scores = score_candidates(
        candidates, english.description, english.excludes, training, threshold=subclass.threshold,
        languages=found["embed_lang"].to_list(), translations=embedded, labelled_candidates=judged_candidates,
    )
    # What the description alone says, beside the classifier: where they disagree, review comes first.
    unlabelled = scores if training is None else score_candidates(
        candidates, english.description, english.excludes, threshold=subclass.threshold,
        languages=found["embed_lang"].to_list(), translations=embedded,
    )

    rows = _rows(subclass, found, scores, labels, embedder.model_id, unlabelled.is_valid)
    with warehouse.get_connection() as conn:
        run_sql(conn, "taxonomy_schema")
        conn.execute("BEGIN")
        conn.execute("DELETE FROM taxonomy.subclass_patents WHERE subclass_key = ?", [subclass.key])
        conn.register("subclass_patent_rows", rows.to_arrow())
        conn.execute("INSERT INTO taxonomy.subclass_patents BY NAME SELECT * FROM subclass_patent_rows")
        conn.execute("COMMIT")
    valid = int(rows["is_valid"].sum())
    log.info(f"{subclass.key}: {valid} of {rows.height} candidates valid ({scores.method}, threshold {scores.threshold})")
    analyst = rows.filter(pl.col("verdict_source") == "analyst")
    return Outcome(
        verdicts=analyst.height,
        overruled=int((analyst["is_valid"] != analyst["model_valid"]).sum()),
        problems=problems,
        rows=rows.height,
        candidates=rows.height,
        valid=valid,
        scores=scores,
        stats=stats,
        model=embedder.model_id,
        by_language=_by_language(found, scores),
        title_only=int(found["title_only"].fill_null(True).sum()),
        term_counts=_term_counts(rows),
        preview=_preview(rows),
    )


def _rows(subclass: Subclass, found: pl.DataFrame, scores: Scores, labels: dict[str, bool], model: str,
          description_valid: np.ndarray | None = None) -> pl.DataFrame:
    """The table's rows; an analyst's verdict decides `is_valid` over the model for the families it covers."""
    n = found.height
    exclusion = scores.exclusion if scores.exclusion is not None else np.full(n, np.nan, dtype=np.float32)
    description_valid = scores.is_valid if description_valid is None else description_valid
    verdict = pl.col("family_id").replace_strict(labels, default=None, return_dtype=pl.Boolean)
    frame = found.select("family_id", "matched_terms", "embed_text", "title_only").with_columns(
        pl.lit(subclass.key).alias("subclass_key"),
        pl.lit(True).alias("query_match"),
        pl.Series("similarity", scores.similarity, dtype=pl.Float32),
        pl.Series("exclusion", exclusion, dtype=pl.Float32).fill_nan(None),
        pl.Series("relevance", scores.relevance, dtype=pl.Float32),
        pl.lit(scores.method).alias("relevance_method"),
        pl.lit(scores.threshold, dtype=pl.Float32).alias("threshold"),
        pl.Series("model_valid", scores.is_valid, dtype=pl.Boolean),
        pl.Series("description_valid", description_valid, dtype=pl.Boolean),
        verdict.alias("analyst_valid"),
        pl.Series("text_hash", [text_hash(t or "") for t in found["embed_text"].to_list()], dtype=pl.String),
        pl.lit(model).alias("model"),
        pl.Series("reference", scores.reference.astype(str), dtype=pl.String),
    ).with_columns(
        pl.coalesce("analyst_valid", "model_valid").alias("is_valid"),
        pl.when(pl.col("analyst_valid").is_not_null()).then(pl.lit("analyst")).otherwise(pl.lit("model"))
        .alias("verdict_source"),
        pl.when(pl.col("analyst_valid")).then(pl.lit("valid"))
        .when(pl.col("analyst_valid").not_()).then(pl.lit("noise")).otherwise(None).alias("label"),
    )
    return frame.with_columns(
        pl.format(
            "{}; {} {} (similarity {}{}, {} texts) {} threshold {}{}{}",
            pl.col("matched_terms").list.join(", "),
            pl.col("relevance_method"),
            pl.col("relevance").round(3),
            pl.col("similarity").round(3),
            pl.when(pl.col("exclusion").is_not_null())
            .then(pl.format(", exclusion {}", pl.col("exclusion").round(3)))
            .otherwise(pl.lit("")),
            pl.col("reference").replace_strict(_ENGLISH_NAMES, default=pl.col("reference")),
            pl.when(pl.col("model_valid")).then(pl.lit(">=")).otherwise(pl.lit("<")),
            pl.col("threshold").round(3),
            pl.when(pl.col("title_only")).then(pl.lit("; title only, no abstract: weaker evidence")).otherwise(pl.lit("")),
            pl.when(pl.col("analyst_valid").is_not_null())
            .then(pl.format("; analyst verdict: {}, which decides", pl.col("label")))
            .otherwise(pl.lit("")),
        ).alias("evidence")
    ).drop("embed_text", "title_only", "reference", "analyst_valid")


def _by_language(found: pl.DataFrame, scores: Scores) -> list[tuple[str, int, int, str]]:
    """(text language, candidates, valid, language of the texts they were compared with) per text language."""
    frame = pl.DataFrame({
        "lang": found["embed_lang"].fill_null("?"),
        "valid": scores.is_valid,
        "reference": scores.reference.astype(str),
    })
    grouped = frame.group_by("lang").agg(
        pl.len().alias("candidates"), pl.col("valid").sum().alias("valid"),
        pl.col("reference").unique().sort().str.join(", ").alias("reference"),
    ).sort("candidates", "lang", descending=[True, False])
    return [(r["lang"], r["candidates"], int(r["valid"]), r["reference"]) for r in grouped.iter_rows(named=True)]


def _term_counts(rows: pl.DataFrame) -> list[tuple[str, int]]:
    if not rows.height:
        return []
    counts = rows.select(pl.col("matched_terms").explode().alias("term")).drop_nulls()["term"].value_counts(sort=True)
    return [(term, count) for term, count in counts.head(15).iter_rows()]


def _preview(rows: pl.DataFrame) -> str:
    if not rows.height:
        return "(no candidates)"
    ordered = rows.sort("relevance", descending=True)
    picks = pl.concat([ordered.head(5), ordered.filter(~pl.col("is_valid")).head(5)]).unique("family_id", keep="first", maintain_order=True)
    return markdown_table(
        ["family_id", "valid", "relevance", "matched terms"],
        [(r["family_id"], "yes" if r["is_valid"] else "no", f"{r['relevance']:.3f}", ", ".join(r["matched_terms"] or [])[:60])
         for r in picks.iter_rows(named=True)],
    )
