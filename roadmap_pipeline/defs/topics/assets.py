"""Topics stage (seed step 4): clusters of each subclass's valid patents, keyword trends, themes (the network: network.py).

Incremental: a subclass whose input is unchanged is skipped, and a small change (a monthly refresh)
extends the stored clustering instead of clustering again; see `topic_assets`.
"""

import time
from datetime import UTC, datetime

import dagster as dg
from dagster_duckdb import DuckDBResource
import numpy as np
import polars as pl

from roadmap_pipeline.defs.metadata import table_schema
from roadmap_pipeline.defs.partitions import subclass_partitions
from roadmap_pipeline.defs.resources import Embeddings, TaxonomyFile
from roadmap_pipeline.defs.taxonomy.assets import TAXONOMY_FILE, search_texts, subclass_patents
from roadmap_pipeline.defs.topics.state import State, mark_unchanged, read_state, when, write_state
from roadmap_pipeline.lib.clustering import (
    PCAReducer,
    UMAPReducer,
    umap_available,
)
from roadmap_pipeline.lib.embeddings import embed_with_cache, text_hash
from roadmap_pipeline.lib.keywords import tokenize_many
from roadmap_pipeline.lib.language_counts import valid_families_per_language
from roadmap_pipeline.lib.markdown import markdown_table
from roadmap_pipeline.lib.topics import (
    SUBCLASS_WIDE,
    TopicResult,
    TopicSettings,
    analyse_subclass,
    describe_membership,
    extend_clustering,
    fingerprint,
    plan_refresh,
)
from roadmap_pipeline.lib.warehouse import run_sql

CLUSTERS = dg.AssetKey(["topics", "clusters"])
MEMBERS = dg.AssetKey(["topics", "cluster_members"])
TRENDS = dg.AssetKey(["topics", "keyword_trends"])
THEMES = dg.AssetKey(["topics", "task_themes"])
WINDOWS = dg.AssetKey(["topics", "cluster_windows"])
EMERGING = dg.AssetKey(["topics", "emerging_keywords"])
TOKENS = dg.AssetKey(["topics", "member_tokens"])
STATE = dg.AssetKey(["topics", "subclass_state"])
MAX_OUTLIER_SHARE = 0.5
MAX_CLUSTERS = 40

# UMAP to 5 dimensions (BERTopic's setting) by default, chosen by measurement on real text: on the
# 3,522 real neural-network abstracts PCA-5 + HDBSCAN gave 2 topics (40 % outliers, one of them
# "data, input, output, signal"), UMAP-5 gave BERTopic's 66 coherent topics; on planted clusters of
# 20k real-embedding-like vectors UMAP reached ARI 0.98 against PCA's 0.17-0.21; on the demo corpus
# mean ARI 0.45 against 0.42 (BENCHMARKS.md). PCA stays selectable (config reducer: pca) for speed:
# UMAP compiles with numba for ~30 s in every new process and runs single-threaded when seeded.
_REDUCER_COMPONENTS = 5
_INCOMPLETE_YEARS = 2
_TABLES = ("clusters", "cluster_members", "keyword_trends", "cluster_windows", "emerging_keywords", "task_themes",
           "member_tokens", "subclass_state")
_TOPICS_STAGE = "topics"

_VALID_FAMILIES = """
SELECT p.family_id, t.py AS year, t.embed_text AS text, t.embed_lang AS language
FROM taxonomy.subclass_patents AS p
JOIN taxonomy.search_texts AS t USING (family_id)
WHERE p.subclass_key = ? AND p.is_valid
ORDER BY p.family_id
"""

# The stored membership with the text each member was clustered with and its tokens.
_STORED_MEMBERS = """
SELECT m.family_id, m.cluster_id, m.probability, coalesce(m.assigned, false) AS assigned, t.text_hash, t.tokens
FROM topics.cluster_members AS m
JOIN topics.member_tokens AS t USING (subclass_key, family_id)
WHERE m.subclass_key = ?
"""

# Valid families of the subclass without a member row, and member rows that are not valid families.
_COVERAGE = """
SELECT
    (SELECT count(*) FROM taxonomy.subclass_patents AS p
     WHERE p.subclass_key = $key AND p.is_valid AND p.family_id NOT IN
         (SELECT family_id FROM topics.cluster_members WHERE subclass_key = $key)),
    (SELECT count(*) FROM topics.cluster_members AS m
     WHERE m.subclass_key = $key AND m.family_id NOT IN
         (SELECT family_id FROM taxonomy.subclass_patents WHERE subclass_key = $key AND is_valid))
"""

def _reducer(config: "TopicConfig"):
    if config.reducer not in ("umap", "pca"):
        raise dg.Failure(description=f"unknown reducer {config.reducer!r}: umap or pca")
    if config.reducer == "umap" and umap_available():
        return UMAPReducer(n_components=_REDUCER_COMPONENTS, seed=config.seed)
    return PCAReducer(_REDUCER_COMPONENTS, seed=config.seed)

class TopicConfig(dg.Config):
    """Settings of the topic analysis; defaults suit subclasses of a few hundred to 100k families.

    `recluster_share`: a refresh keeps the stored clusters and assigns the added families while the
    families assigned since the last full clustering, and those of it that are gone, are each at
    most this share of the valid families; above it the subclass is clustered anew.
    `full_recluster`: cluster anew whatever changed.
    """

    last_year: int | None = None
    window_years: int = 3
    min_cluster_size: int | None = None
    keywords_per_cluster: int = 15
    seed: int = 0
    reducer: str = "umap"  # or "pca"
    recluster_share: float = 0.10
    full_recluster: bool = False

def _spec(key: dg.AssetKey, description: str, kinds: set[str]) -> dg.AssetSpec:
    return dg.AssetSpec(key, group_name="topics", deps=[subclass_patents, search_texts, TAXONOMY_FILE], description=description,
                        kinds=kinds, partitions_def=subclass_partitions)

@dg.multi_asset(
    specs=[
        _spec(CLUSTERS, "One row per topic cluster of a subclass: size, c-TF-IDF label and keywords (cluster -1: outliers).", {"duckdb", "hdbscan"}),
        _spec(MEMBERS, "One row per valid family of a subclass: its cluster (-1 = outlier), membership probability, and whether a refresh assigned it.", {"duckdb"}),
        _spec(TRENDS, "One row per (cluster, time window, keyword): c-TF-IDF weight and emergence score.", {"duckdb", "polars"}),
        _spec(WINDOWS, "One row per (cluster, time window): the cluster's families in the window, the denominators of the keyword trends.", {"duckdb", "polars"}),
        _spec(EMERGING, "One row per (cluster, keyword) of a subclass: Carley/Porter EScore, its trends and eligibility (cluster -2: the whole subclass).", {"duckdb", "polars"}),
        _spec(THEMES, "One row per cluster: candidate R&D task theme ranked by the cluster's growth, with its top emerging keywords.", {"duckdb"}),
        _spec(TOKENS, "One row per clustered family of a subclass: the hash of the text it was clustered with and its keyword tokens.\n\n"
              "Kept so that a refresh tokenizes only new texts and knows which members' texts changed.", {"duckdb"}),
        _spec(STATE, "One row per subclass: the fingerprint of the input its topic tables were computed from, and what the last run did.\n\n"
              "A refresh whose fingerprint is unchanged writes nothing; see the refresh modes.", {"duckdb"}),
    ],
    pool="duckdb",
    code_version="3",
    check_specs=[
        dg.AssetCheckSpec("outlier_share_at_most_half", asset=MEMBERS),
        dg.AssetCheckSpec("cluster_count_in_bounds", asset=CLUSTERS),
        dg.AssetCheckSpec("every_valid_family_clustered", asset=MEMBERS),
    ],
)
def topic_assets(
    context: dg.AssetExecutionContext, config: TopicConfig, warehouse: DuckDBResource,
    taxonomy_file: TaxonomyFile, embeddings: Embeddings,
):
    """Clusters a subclass's valid families (UMAP or PCA, then HDBSCAN on their embeddings), labels
    them with c-TF-IDF, follows their keywords per window and scores emergence (Carley/Porter EScore).

    One computation writes the eight tables, so that they always describe the same clustering.
    A refresh costs in proportion to what changed. The input's fingerprint (the valid families with
    the hash of each text and their priority year, the query and the settings) is kept in
    topics.subclass_state: when it is unchanged nothing is embedded, computed or written ("unchanged").
    When the clustering settings are the same and few families were added or removed (at most
    `recluster_share` since the last full clustering), the stored members keep their clusters and
    the added families are assigned by a vote of their nearest stored members ("assigned N new");
    labels, trends, emergence and themes are then recomputed on the whole membership from stored
    tokens. Otherwise, or with `full_recluster`, every family is clustered anew ("full").
    """
    started = time.perf_counter()
    key = context.partition_key
    subclass = taxonomy_file.load().subclass(key)
    embedder = embeddings.embedder()
    with warehouse.get_connection() as conn:
        run_sql(conn, "topics_schema")
        families = conn.execute(_VALID_FAMILIES, [key]).pl()
        data_last_year = conn.sql("SELECT max(py) FROM taxonomy.search_texts").fetchone()[0]
        state = read_state(conn, key, _TOPICS_STAGE)
    # The last complete year is the same for every subclass: the warehouse's last priority year less
    # the two years that publication lag leaves incomplete (a small subclass may lack the last year).
    last_year = config.last_year or (data_last_year - _INCOMPLETE_YEARS if data_last_year else None)
    settings = TopicSettings(
        last_year=last_year, window_years=config.window_years, min_cluster_size=config.min_cluster_size,
        keywords_per_cluster=config.keywords_per_cluster, seed=config.seed,
        reducer=_reducer(config),
    )
    families = families.with_columns(pl.col("text").fill_null("")).with_columns(
        pl.Series("text_hash", [text_hash(t) for t in families["text"].fill_null("").to_list()], dtype=pl.String)
    )
    settings_print = fingerprint({**settings.clustering_key(), "embedding_model": embedder.model_id})
    input_print = fingerprint(
        {"clustering": settings_print, **settings.description_key(), "query": subclass.query},
        families.select("family_id", "text_hash", "year"),
    )

    if state and state.fingerprint == input_print and not config.full_recluster:
        with warehouse.get_connection() as conn:
            if _member_count(conn, key) == state.families:
                mark_unchanged(conn, key, _TOPICS_STAGE)
                summary = _summary(conn, key)
                context.log.info(f"{key}: unchanged since {when(state.computed_at)}; {time.perf_counter() - started:.1f} s")
                yield from _topic_outputs(summary, {
                    "mode": "unchanged", "refresh": f"unchanged since {when(state.computed_at)}: reused",
                    "method": state.note, "texts embedded": 0, "texts reused from cache": 0,
                    "last complete year": last_year,
                })
                return

    previous = None
    if state and state.settings_fingerprint == settings_print and not config.full_recluster:
        with warehouse.get_connection() as conn:
            previous = conn.execute(_STORED_MEMBERS, [key]).pl()
    plan = plan_refresh(families.select("family_id", "text_hash"), previous,
                        state.clustered_families if state else 0, config.recluster_share)
    reason = "full_recluster is set" if config.full_recluster else (
        "the clustering settings changed" if state and previous is None else plan.reason)
    stats = {"embedded": 0, "reused": 0}
    if plan.extend:
        vectors = np.zeros((families.height, 0), dtype=np.float32)
        if plan.added.len():
            vectors, stats = embed_with_cache(embedder, embeddings.cache(), families["text"].to_list())
        documents = _with_tokens(families, plan.kept)
        result = describe_membership(
            documents, extend_clustering(families, vectors, plan.kept), subclass.query, settings
        )
        mode, clustered = f"assigned {plan.added.len()} new", state.clustered_families
        assigned = pl.concat([plan.kept.filter(pl.col("assigned"))["family_id"], plan.added])
    else:
        vectors, stats = embed_with_cache(embedder, embeddings.cache(), families["text"].to_list())
        result = analyse_subclass(families, vectors, subclass.query, settings)
        mode, clustered, assigned = "full", families.height, pl.Series("family_id", [], dtype=pl.String)

    now = datetime.now(UTC).replace(tzinfo=None)
    with warehouse.get_connection() as conn:
        conn.execute("BEGIN")
        _write_tables(conn, key, result, assigned)
        _write_tokens(conn, key, result, families, plan.kept["family_id"] if plan.extend else None)
        write_state(conn, key, _TOPICS_STAGE, State(
            input_print, settings_print, families.height, clustered, mode, result.clustering.note, now))
        conn.execute("COMMIT")
        summary = _summary(conn, key)
    context.log.info(f"{key}: {mode} ({reason}); {result.clustering.note}; {time.perf_counter() - started:.1f} s")
    yield from _topic_outputs(summary, {
        "mode": mode, "refresh": f"{mode}: {reason}", "method": result.clustering.note,
        "texts embedded": stats["embedded"], "texts reused from cache": stats["reused"],
        "last complete year": result.last_year,
    })

def _with_tokens(families: pl.DataFrame, kept: pl.DataFrame) -> pl.DataFrame:
    """The families with the stored tokens of kept members and fresh tokens of the others."""
    documents = families.join(kept.select("family_id", "tokens"), on="family_id", how="left", maintain_order="left")
    new = documents.filter(pl.col("tokens").is_null())
    fresh = new.select("family_id", pl.Series(
        "fresh", tokenize_many(new["text"].to_list(), new["language"].to_list()), dtype=pl.List(pl.String)))
    return (
        documents.join(fresh, on="family_id", how="left", maintain_order="left")
        .with_columns(pl.coalesce("tokens", "fresh").alias("tokens")).drop("fresh")
    )

def _insert(conn, table: str, frame: pl.DataFrame) -> None:
    if frame.height:
        conn.register("topic_rows", frame.to_arrow())
        conn.execute(f"INSERT INTO topics.{table} BY NAME SELECT * FROM topic_rows")  # fixed table names
        conn.unregister("topic_rows")

def _write_tables(conn, key: str, result: TopicResult, assigned: pl.Series) -> None:
    """Delete-then-insert of the subclass's rows, so that reruns are idempotent."""
    members = result.members.with_columns(pl.col("family_id").is_in(assigned.implode()).alias("assigned"))
    frames = {
        "clusters": result.clusters,
        "cluster_members": members,
        "keyword_trends": result.trends,
        "cluster_windows": result.sizes,
        "emerging_keywords": result.emergence.rename({"term": "keyword"}).with_columns(pl.lit(result.last_year).alias("last_year")),
        "task_themes": result.themes,
    }
    for table, frame in frames.items():
        conn.execute(f"DELETE FROM topics.{table} WHERE subclass_key = ?", [key])  # fixed table names
        _insert(conn, table, frame.with_columns(pl.lit(key).alias("subclass_key")))

def _write_tokens(conn, key: str, result: TopicResult, families: pl.DataFrame, kept: pl.Series | None) -> None:
    """Stores each member's text hash and tokens; an extension rewrites only the rows of changed members."""
    rows = result.documents.select("family_id", "tokens").join(
        families.select("family_id", "text_hash"), on="family_id", how="left", maintain_order="left"
    ).with_columns(pl.lit(key).alias("subclass_key"))
    if kept is None:
        conn.execute("DELETE FROM topics.member_tokens WHERE subclass_key = ?", [key])
    else:
        conn.register("kept_ids", kept.to_frame("family_id").to_arrow())
        conn.execute("DELETE FROM topics.member_tokens WHERE subclass_key = ? AND family_id NOT IN "
                     "(SELECT family_id FROM kept_ids)", [key])
        conn.unregister("kept_ids")
        rows = rows.join(kept.to_frame("family_id"), on="family_id", how="anti", maintain_order="left")
    _insert(conn, "member_tokens", rows)

def _member_count(conn, key: str) -> int:
    return conn.execute("SELECT count(*) FROM topics.cluster_members WHERE subclass_key = ?", [key]).fetchone()[0]

def _summary(conn, key: str) -> dict:
    """What the materializations and checks report, read from the tables (the same whether or not they were just written)."""
    counts = {table: conn.execute(f"SELECT count(*) FROM topics.{table} WHERE subclass_key = ?", [key]).fetchone()[0]
              for table in _TABLES}  # fixed table names
    n_clusters, outlier_share = conn.execute(
        "SELECT count(DISTINCT cluster_id) FILTER (WHERE cluster_id >= 0), coalesce(avg((cluster_id < 0)::INT), 0)"
        " FROM topics.cluster_members WHERE subclass_key = ?", [key]).fetchone()
    unassigned, extra = conn.execute(_COVERAGE, {"key": key}).fetchone()
    return {
        "counts": counts, "n_clusters": n_clusters, "outlier_share": float(outlier_share),
        "unassigned": unassigned, "extra": extra,
        "assigned": conn.execute("SELECT count(*) FROM topics.cluster_members WHERE subclass_key = ? AND assigned",
                                 [key]).fetchone()[0],
        "languages": valid_families_per_language(conn, key).select("language", "families").rows(),
        "labels": conn.execute("SELECT cluster_id, size, label FROM topics.clusters WHERE subclass_key = ?"
                               " ORDER BY cluster_id", [key]).fetchall(),
        "windows": conn.execute("SELECT count(*) FROM (SELECT DISTINCT window_start, window_end FROM"
                                " topics.cluster_windows WHERE subclass_key = ?)", [key]).fetchone()[0],
        "emerging": conn.execute(
            "SELECT keyword, escore FROM topics.emerging_keywords WHERE subclass_key = ? AND cluster_id = ?"
            " AND eligible ORDER BY escore DESC, keyword LIMIT 10", [key, SUBCLASS_WIDE]).fetchall(),
        "themes": conn.execute(
            "SELECT rank, cluster_id, growth, top_emerging, label FROM topics.task_themes WHERE subclass_key = ?"
            " ORDER BY rank LIMIT 8", [key]).fetchall(),
    }

def _topic_outputs(summary: dict, refresh: dict):
    """The eight materializations and three checks of `topic_assets`, from `_summary` and the refresh's own facts."""
    counts, n = summary["counts"], summary["n_clusters"]
    shared = {"mode": refresh["mode"], "refresh": refresh["refresh"]}
    yield dg.MaterializeResult(asset_key=CLUSTERS, metadata={
        **shared,
        "dagster/row_count": counts["clusters"],
        "clusters": n,
        "method": refresh["method"],
        "texts embedded": refresh["texts embedded"],
        "texts reused from cache": refresh["texts reused from cache"],
        "preview": dg.MetadataValue.md(markdown_table(["cluster", "families", "label"], summary["labels"])),
        "dagster/column_schema": table_schema([("cluster_id", "int", "-1 = outliers"), ("size", "int", ""),
                                               ("label", "string", "top c-TF-IDF terms"), ("keywords", "list<string>", "")]),
    })
    yield dg.MaterializeResult(asset_key=MEMBERS, metadata={
        **shared,
        "dagster/row_count": counts["cluster_members"], "outlier share": round(summary["outlier_share"], 3),
        "assigned since the last full clustering": summary["assigned"],
        "valid families per text language": dg.MetadataValue.md(
            markdown_table(["language", "families"], summary["languages"])),
    })
    yield dg.MaterializeResult(asset_key=TRENDS, metadata={
        **shared,
        "dagster/row_count": counts["keyword_trends"],
        "windows": summary["windows"],
        "last complete year": refresh["last complete year"],
    })
    yield dg.MaterializeResult(asset_key=WINDOWS, metadata={
        **shared, "dagster/row_count": counts["cluster_windows"], "windows": summary["windows"],
    })
    yield dg.MaterializeResult(asset_key=EMERGING, metadata={
        **shared,
        "dagster/row_count": counts["emerging_keywords"],
        "top emerging keywords": dg.MetadataValue.md(markdown_table(
            ["keyword", "EScore"], [(t, round(s, 2)) for t, s in summary["emerging"]])),
    })
    yield dg.MaterializeResult(asset_key=TOKENS, metadata={**shared, "dagster/row_count": counts["member_tokens"]})
    yield dg.MaterializeResult(asset_key=STATE, metadata={**shared, "dagster/row_count": counts["subclass_state"]})
    yield dg.MaterializeResult(asset_key=THEMES, metadata={
        **shared,
        "dagster/row_count": counts["task_themes"],
        "preview": dg.MetadataValue.md(markdown_table(
            ["rank", "cluster", "growth", "emerging keywords", "label"],
            [(rank, cluster, round(growth, 2), ", ".join(top or [])[:60], label)
             for rank, cluster, growth, top, label in summary["themes"]])),
    })
    yield dg.AssetCheckResult(
        check_name="outlier_share_at_most_half", asset_key=MEMBERS, passed=summary["outlier_share"] <= MAX_OUTLIER_SHARE,
        severity=dg.AssetCheckSeverity.WARN, metadata={"outlier share": round(summary["outlier_share"], 3)},
    )
    yield dg.AssetCheckResult(
        check_name="cluster_count_in_bounds", asset_key=CLUSTERS,
        passed=(1 <= n <= MAX_CLUSTERS) or not counts["cluster_members"],
        severity=dg.AssetCheckSeverity.WARN, metadata={"clusters": n, "bounds": f"1..{MAX_CLUSTERS}"},
    )
    yield dg.AssetCheckResult(
        check_name="every_valid_family_clustered", asset_key=MEMBERS,
        passed=summary["unassigned"] == 0 and summary["extra"] == 0,
        metadata={"valid families without a cluster": summary["unassigned"],
                  "members that are not valid families": summary["extra"]},
    )

