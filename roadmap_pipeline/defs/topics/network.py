"""The patent network of a subclass: a k-nearest-neighbour similarity graph, refreshed incrementally."""

import os
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource
import numpy as np
import polars as pl

from roadmap_pipeline.defs.core.families import families
from roadmap_pipeline.defs.partitions import subclass_partitions
from roadmap_pipeline.defs.resources import Embeddings, LandingZone
from roadmap_pipeline.defs.taxonomy.assets import search_texts
from roadmap_pipeline.defs.topics.assets import MEMBERS
from roadmap_pipeline.defs.topics.state import when
from roadmap_pipeline.lib.clustering import (
    graph_from_neighbour_lists,
    layout_2d,
    update_neighbour_lists,
    write_graphml,
    write_vosviewer,
)
from roadmap_pipeline.lib.embeddings import embed_with_cache, text_hash
from roadmap_pipeline.lib.topics import fingerprint

NETWORK_NEIGHBOURS = 10
NETWORK_MIN_SIMILARITY = 0.5
_NETWORK_VERSION = "1"  # part of the network fingerprint: change it when the graph or its files change


@dg.asset(
    key_prefix="topics",
    group_name="topics",
    partitions_def=subclass_partitions,
    deps=[MEMBERS, families, search_texts],
    pool="duckdb",
    kinds={"networkx", "duckdb"},
    code_version="2",
)
def patent_network(
    context: dg.AssetExecutionContext, warehouse: DuckDBResource, embeddings: Embeddings, landing_zone: LandingZone
) -> dg.MaterializeResult:
    """The patent network of a subclass: k-nearest-neighbour similarity graph of its valid families, with clusters, as GraphML (Gephi) and VOSviewer map and network files.

    Files under ROADMAP_ARTIFACTS/networks/<subclass_key>/. The graph is exact, and rebuilding it
    costs O(n^2) (231 s at 100k families), so a refresh does only what changed: while the
    fingerprint of the nodes (id, title, cluster, year, text hash; kept in the neighbour lists'
    file, so that it cannot outlive the files it describes) is unchanged and the files exist, they
    are reused ("unchanged"); otherwise
    each node's neighbour list, kept beside the files, is reused when its text and neighbours are
    unchanged and merged with the new nodes, and only the others are computed against all nodes
    ("updated").
    """
    key = context.partition_key
    embedder = embeddings.embedder()
    folder = Path(landing_zone.artifacts_dir) / "networks" / key
    graphml, vos_map, vos_network = folder / "network.graphml", folder / "vosviewer_map.txt", folder / "vosviewer_network.txt"
    lists_path = folder / "neighbour_lists.parquet"
    with warehouse.get_connection() as conn:
        nodes = conn.execute(
            """SELECT m.family_id AS id, f.title AS label, m.cluster_id AS cluster, t.py AS year, t.embed_text AS text
               FROM topics.cluster_members AS m
               JOIN core.families AS f USING (family_id)
               JOIN taxonomy.search_texts AS t USING (family_id)
               WHERE m.subclass_key = ? ORDER BY m.family_id""", [key]).pl()
    texts = nodes["text"].fill_null("").to_list()
    hashes = pl.Series("text_hash", [text_hash(t) for t in texts], dtype=pl.String)
    lists_print = fingerprint({"version": _NETWORK_VERSION, "k": NETWORK_NEIGHBOURS, "embedding_model": embedder.model_id})
    node_print = fingerprint(
        {"lists": lists_print, "min_similarity": NETWORK_MIN_SIMILARITY},
        nodes.select("id", "label", "cluster", "year", hashes),
    )
    files = {"graphml": graphml, "vosviewer map": vos_map, "vosviewer network": vos_network}
    paths = {name: dg.MetadataValue.path(str(path)) for name, path in files.items()}
    state = _read_state(lists_path)
    if state.get("nodes") == node_print and all(path.is_file() for path in files.values()):
        with open(vos_network, encoding="utf-8") as lines:
            n_edges = sum(1 for _ in lines)  # one line per edge
        computed_at = when(datetime.fromisoformat(state["computed_at"]))
        context.log.info(f"{key}: network unchanged since {computed_at}")
        return dg.MaterializeResult(metadata={
            "mode": "unchanged", "refresh": f"unchanged since {computed_at}: reused",
            "nodes": nodes.height, "edges": n_edges, **paths,
        })

    started = time.perf_counter()
    vectors, _ = embed_with_cache(embedder, embeddings.cache(), texts)
    stored = pl.read_parquet(lists_path) if state.get("settings") == lists_print else None
    lists, recomputed = update_neighbour_lists(vectors, nodes["id"], hashes, stored, NETWORK_NEIGHBOURS)
    edges = graph_from_neighbour_lists(lists, nodes["id"], NETWORK_MIN_SIMILARITY)
    coords = layout_2d(vectors) if nodes.height > 1 else np.zeros((nodes.height, 2))
    nodes = nodes.drop("text").with_columns(pl.Series("x", coords[:, 0]), pl.Series("y", coords[:, 1]))
    folder.mkdir(parents=True, exist_ok=True)
    write_graphml(graphml, nodes, edges)
    write_vosviewer(vos_map, vos_network, nodes, edges)
    # Written last: its node fingerprint vouches for the files above.
    _write_lists(lists_path, lists, {"settings": lists_print, "nodes": node_print,
                                     "computed_at": datetime.now(UTC).replace(tzinfo=None).isoformat()})
    mode = "full" if stored is None else "updated"
    refresh = (f"{mode}: {recomputed} of {nodes.height} neighbour lists computed against all nodes, the others"
               " merged with the new nodes") if stored is not None else f"{mode}: no stored neighbour lists"
    context.log.info(f"{key}: network {refresh}; {time.perf_counter() - started:.1f} s")
    return dg.MaterializeResult(metadata={
        "mode": mode, "refresh": refresh,
        "nodes": nodes.height,
        "edges": edges.height,
        **paths,
    })


def _read_state(path: Path) -> dict[str, str]:
    """The stored neighbour lists' fingerprints: ``settings`` (model and k), ``nodes`` and ``computed_at``."""
    return pl.read_parquet_metadata(path) if path.is_file() else {}


def _write_lists(path: Path, lists: pl.DataFrame, state: dict[str, str]) -> None:
    # Written under a temporary name and renamed: an interrupted write leaves the previous lists.
    temporary = path.with_name(f".tmp-{uuid.uuid4().hex}.parquet")
    try:
        lists.write_parquet(temporary, compression="lz4", metadata=state)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
