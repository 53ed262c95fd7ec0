"""Topics stage (seed step 4): clusters of each subclass's valid patents, keyword trends, themes, network."""

import time
from pathlib import Path

import dagster as dg
import numpy as np
import polars as pl

from roadmap_pipeline.defs.metadata import table_schema
from roadmap_pipeline.defs.partitions import subclass_partitions
from roadmap_pipeline.defs.resources import Embeddings, LandingZone, TaxonomyFile, Warehouse
from roadmap_pipeline.defs.taxonomy.assets import subclass_patents
from roadmap_pipeline.lib.clustering import (
    PCAReducer,
    UMAPReducer,
    knn_graph,
    layout_2d,
    umap_available,
    write_graphml,
    write_vosviewer,
)
from roadmap_pipeline.lib.embeddings import embed_with_cache
from roadmap_pipeline.lib.markdown import markdown_table
from roadmap_pipeline.lib.topics import SUBCLASS_WIDE, TopicSettings, analyse_subclass
from roadmap_pipeline.lib.warehouse import run_sql

CLUSTERS = dg.AssetKey(["topics", "clusters"])
MEMBERS = dg.AssetKey(["topics", "cluster_members"])
TRENDS = dg.AssetKey(["topics", "keyword_trends"])
THEMES = dg.AssetKey(["topics", "task_themes"])
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
_TABLES = ("clusters", "cluster_members", "keyword_trends", "cluster_windows", "emerging_keywords", "task_themes")

_VALID_FAMILIES = """
SELECT p.family_id, t.py AS year, t.embed_text AS text
FROM taxonomy.subclass_patents AS p
JOIN taxonomy.search_texts AS t USING (family_id)
WHERE p.subclass_key = ? AND p.is_valid
ORDER BY p.family_id
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
    """Settings of the topic analysis; defaults suit subclasses of a few hundred to 100k families."""

    last_year: int | None = None
    window_years: int = 3
    min_cluster_size: int | None = None
    keywords_per_cluster: int = 15
    seed: int = 0
    reducer: str = "umap"  # or "pca"


def _spec(key: dg.AssetKey, description: str, kinds: set[str]) -> dg.AssetSpec:
    return dg.AssetSpec(key, group_name="topics", deps=[subclass_patents], description=description,
                        kinds=kinds, partitions_def=subclass_partitions)


@dg.multi_asset(
    specs=[
        _spec(CLUSTERS, "One row per topic cluster of a subclass: size, c-TF-IDF label and keywords (cluster -1: outliers).", {"duckdb", "hdbscan"}),
        _spec(MEMBERS, "One row per valid family of a subclass: its cluster (-1 = outlier) and membership probability.", {"duckdb"}),
        _spec(TRENDS, "One row per (cluster, time window, keyword): c-TF-IDF weight and emergence score; also cluster sizes per window and emerging keywords.", {"duckdb", "polars"}),
        _spec(THEMES, "One row per cluster: candidate R&D task theme ranked by the cluster's growth, with its top emerging keywords.", {"duckdb"}),
    ],
    pool="duckdb",
    code_version="1",
    check_specs=[
        dg.AssetCheckSpec("outlier_share_at_most_half", asset=MEMBERS),
        dg.AssetCheckSpec("cluster_count_in_bounds", asset=CLUSTERS),
        dg.AssetCheckSpec("every_valid_family_clustered", asset=MEMBERS),
    ],
)
def topic_assets(
    context: dg.AssetExecutionContext, config: TopicConfig, warehouse: Warehouse,
    taxonomy_file: TaxonomyFile, embeddings: Embeddings,
):
    """Clusters a subclass's valid families (PCA then HDBSCAN on their embeddings), labels them with
    c-TF-IDF, follows their keywords per window and scores emergence (Carley/Porter EScore).

    One computation writes the four tables, so that they always describe the same clustering.
    """
    started = time.perf_counter()
    key = context.partition_key
    subclass = taxonomy_file.load().subclass(key)
    with warehouse.connect() as conn:
        families = conn.execute(_VALID_FAMILIES, [key]).pl()
        data_last_year = conn.sql("SELECT max(py) FROM taxonomy.search_texts").fetchone()[0]
    # The last complete year is the same for every subclass: the warehouse's last priority year less
    # the two years that publication lag leaves incomplete (a small subclass may lack the last year).
    last_year = config.last_year or (data_last_year - _INCOMPLETE_YEARS if data_last_year else None)
    vectors, stats = embed_with_cache(embeddings.embedder(), embeddings.cache(), families["text"].fill_null("").to_list())
    settings = TopicSettings(
        last_year=last_year, window_years=config.window_years, min_cluster_size=config.min_cluster_size,
        keywords_per_cluster=config.keywords_per_cluster, seed=config.seed,
        reducer=_reducer(config),
    )
    result = analyse_subclass(families, vectors, subclass.query, settings)
    frames = {
        "clusters": result.clusters,
        "cluster_members": result.members,
        "keyword_trends": result.trends,
        "cluster_windows": result.sizes,
        "emerging_keywords": result.emergence.rename({"term": "keyword"}).with_columns(pl.lit(result.last_year).alias("last_year")),
        "task_themes": result.themes,
    }
    with warehouse.connect() as conn:
        run_sql(conn, "topics_schema")
        conn.execute("BEGIN")
        for table, frame in frames.items():
            conn.execute(f"DELETE FROM topics.{table} WHERE subclass_key = ?", [key])  # fixed table names
            if frame.height:
                conn.register("topic_rows", frame.with_columns(pl.lit(key).alias("subclass_key")).to_arrow())
                conn.execute(f"INSERT INTO topics.{table} BY NAME SELECT * FROM topic_rows")
                conn.unregister("topic_rows")
        conn.execute("COMMIT")
        unassigned, extra = conn.execute(_COVERAGE, {"key": key}).fetchone()
    clustering = result.clustering
    context.log.info(f"{key}: {clustering.note}; {time.perf_counter() - started:.1f} s")
    emerging = result.emergence.filter((pl.col("cluster_id") == SUBCLASS_WIDE) & pl.col("eligible")).head(10)
    labels = result.clusters.select("cluster_id", "size", "label").rows()
    yield dg.MaterializeResult(asset_key=CLUSTERS, metadata={
        "dagster/row_count": result.clusters.height,
        "clusters": clustering.n_clusters,
        "method": clustering.note,
        "texts embedded": stats["embedded"],
        "texts reused from cache": stats["reused"],
        "preview": dg.MetadataValue.md(markdown_table(["cluster", "families", "label"], labels)),
        "dagster/column_schema": table_schema([("cluster_id", "int", "-1 = outliers"), ("size", "int", ""),
                                               ("label", "string", "top c-TF-IDF terms"), ("keywords", "list<string>", "")]),
    })
    yield dg.MaterializeResult(asset_key=MEMBERS, metadata={
        "dagster/row_count": result.members.height, "outlier share": round(clustering.outlier_share, 3),
    })
    yield dg.MaterializeResult(asset_key=TRENDS, metadata={
        "dagster/row_count": result.trends.height,
        "windows": result.sizes.select("window_start", "window_end").unique().height,
        "last complete year": result.last_year,
        "top emerging keywords": dg.MetadataValue.md(markdown_table(
            ["keyword", "EScore"], [(t, round(s, 2)) for t, s in emerging.select("term", "escore").rows()])),
    })
    yield dg.MaterializeResult(asset_key=THEMES, metadata={
        "dagster/row_count": result.themes.height,
        "preview": dg.MetadataValue.md(markdown_table(
            ["rank", "cluster", "growth", "emerging keywords", "label"],
            [(r["rank"], r["cluster_id"], round(r["growth"], 2), ", ".join(r["top_emerging"] or [])[:60], r["label"])
             for r in result.themes.head(8).iter_rows(named=True)])),
    })
    n = clustering.n_clusters
    yield dg.AssetCheckResult(
        check_name="outlier_share_at_most_half", asset_key=MEMBERS, passed=clustering.outlier_share <= MAX_OUTLIER_SHARE,
        severity=dg.AssetCheckSeverity.WARN, metadata={"outlier share": round(clustering.outlier_share, 3)},
    )
    yield dg.AssetCheckResult(
        check_name="cluster_count_in_bounds", asset_key=CLUSTERS, passed=(1 <= n <= MAX_CLUSTERS) or not families.height,
        severity=dg.AssetCheckSeverity.WARN, metadata={"clusters": n, "bounds": f"1..{MAX_CLUSTERS}"},
    )
    yield dg.AssetCheckResult(
        check_name="every_valid_family_clustered", asset_key=MEMBERS, passed=unassigned == 0 and extra == 0,
        metadata={"valid families without a cluster": unassigned, "members that are not valid families": extra},
    )


@dg.asset(
    key_prefix="topics",
    group_name="topics",
    partitions_def=subclass_partitions,
    deps=[MEMBERS],
    pool="duckdb",
    kinds={"networkx", "duckdb"},
    code_version="1",
)
def patent_network(
    context: dg.AssetExecutionContext, warehouse: Warehouse, embeddings: Embeddings, landing_zone: LandingZone
) -> dg.MaterializeResult:
    """The patent network of a subclass: k-nearest-neighbour similarity graph of its valid families, with clusters, as GraphML (Gephi) and VOSviewer map and network files.

    Files under ROADMAP_ARTIFACTS/networks/<subclass_key>/; nothing is written to the warehouse.
    """
    key = context.partition_key
    with warehouse.connect() as conn:
        nodes = conn.execute(
            """SELECT m.family_id AS id, f.title AS label, m.cluster_id AS cluster, t.py AS year, t.embed_text AS text
               FROM topics.cluster_members AS m
               JOIN core.families AS f USING (family_id)
               JOIN taxonomy.search_texts AS t USING (family_id)
               WHERE m.subclass_key = ? ORDER BY m.family_id""", [key]).pl()
    vectors, _ = embed_with_cache(embeddings.embedder(), embeddings.cache(), nodes["text"].fill_null("").to_list())
    edges = knn_graph(vectors, nodes["id"], k=10) if nodes.height > 1 else pl.DataFrame(
        schema={"source": pl.String, "target": pl.String, "weight": pl.Float64})
    coords = layout_2d(vectors) if nodes.height > 1 else np.zeros((nodes.height, 2))
    nodes = nodes.drop("text").with_columns(pl.Series("x", coords[:, 0]), pl.Series("y", coords[:, 1]))
    folder = Path(landing_zone.artifacts_dir) / "networks" / key
    folder.mkdir(parents=True, exist_ok=True)
    graphml, vos_map, vos_network = folder / "network.graphml", folder / "vosviewer_map.txt", folder / "vosviewer_network.txt"
    write_graphml(graphml, nodes, edges)
    write_vosviewer(vos_map, vos_network, nodes, edges)
    return dg.MaterializeResult(metadata={
        "nodes": nodes.height,
        "edges": edges.height,
        "graphml": dg.MetadataValue.path(str(graphml)),
        "vosviewer map": dg.MetadataValue.path(str(vos_map)),
        "vosviewer network": dg.MetadataValue.path(str(vos_network)),
    })
