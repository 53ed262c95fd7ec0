"""The patent network: a k-nearest-neighbour similarity graph, a 2-D layout, and its exports.

Nodes are patents (families) and edges join each one to its most similar neighbours by cosine
similarity of normalized embeddings. Exports go to GraphML (Gephi, Cytoscape, networkx) and to
VOSviewer's map and network files.

Tables are polars DataFrames. Nodes: ``id`` (required), ``label``, ``cluster`` (-1 = outlier),
``year``, ``x``, ``y`` (all optional). Edges: ``source``, ``target``, ``weight``.
"""

from __future__ import annotations

import re
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import numpy as np
import polars as pl

# Similarity rows computed at once: 64 MB of float32 per block at any n (the partition indices
# of a block take twice that).
_BLOCK_BYTES = 64 * 1024 * 1024
# XML 1.0 forbids these characters even when escaped; titles from OCR'd dumps contain them.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def knn_graph(
    X: np.ndarray,
    ids: list | np.ndarray | pl.Series,
    k: int = 10,
    min_similarity: float = 0.5,
) -> pl.DataFrame:
    """Undirected k-nearest-neighbour graph on cosine similarity.

    Each row is joined to its ``k`` most similar other rows (ties broken by row order) when their
    similarity is at least ``min_similarity``; the union over all rows is returned once per pair.
    Similarities are computed exactly in blocks of rows, so memory stays bounded at 100k rows
    (no n x n matrix).

    Args:
        X: (n, d) embeddings; rows are L2-normalized here, so raw vectors are accepted.
        ids: Node id per row (unique).
        k: Neighbours per node.
        min_similarity: Weakest similarity kept. In all-MiniLM-L6-v2 space, 90% of 3,522
            neural-network patents have their 10th-nearest neighbour at 0.5 or more (median
            0.58), so typical patents keep all k links and isolated ones only their strong links.

    Returns:
        Edges ``source``, ``target`` (ids; ``source`` is the earlier row), ``weight`` (cosine
        similarity, float64, rounded to 6 decimals so exports are byte-stable), sorted by
        source row then target row.

    Raises:
        ValueError: On mismatched lengths, duplicate ids, non-finite values or k < 1.
    """
    X = np.asarray(X, dtype=np.float32)
    ids = pl.Series("id", ids) if not isinstance(ids, pl.Series) else ids.rename("id")
    n = X.shape[0]
    if X.ndim != 2 or len(ids) != n:
        raise ValueError(f"need a 2-D matrix with one id per row, got {X.shape} and {len(ids)} ids")
    if ids.n_unique() != n:
        raise ValueError("node ids must be unique")
    if not np.isfinite(X).all():
        raise ValueError("embeddings contain NaN or infinite values")
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    k = min(k, n - 1)
    if k < 1:
        return _edge_frame(ids, np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0))
    norms = np.linalg.norm(X, axis=1, keepdims=True)
    X = X / np.where(norms > 0, norms, 1.0)
    block = max(1, min(n, _BLOCK_BYTES // (4 * n)))
    rows, cols, sims = [], [], []
    for start in range(0, n, block):
        stop = min(n, start + block)
        S = X[start:stop] @ X.T
        S[np.arange(stop - start), np.arange(start, stop)] = -np.inf
        chosen, chosen_sims = _top_k(S, k)
        rows.append(np.repeat(np.arange(start, stop, dtype=np.int64), k))
        cols.append(chosen.ravel())
        sims.append(chosen_sims.ravel().astype(np.float64))
    src, dst, weight = np.concatenate(rows), np.concatenate(cols), np.concatenate(sims)
    keep = weight >= min_similarity
    src, dst, weight = src[keep], dst[keep], weight[keep]
    pair, weight = unique_pairs(src, dst, weight, n)
    return _edge_frame(ids, pair // n, pair % n, weight)


def unique_pairs(src: np.ndarray, dst: np.ndarray, weight: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """One entry per undirected pair of rows (encoded lo * n + hi) with its larger weight, rounded to 1e-6.

    A mutual pair appears twice with float32 similarities that may differ in the last bit; keeping
    the larger makes the result independent of which side was computed first.
    """
    lo, hi = np.minimum(src, dst), np.maximum(src, dst)
    pair = lo * n + hi
    order = np.lexsort((-weight, pair))
    pair, weight = pair[order], weight[order]
    first = np.ones(pair.size, dtype=bool)
    first[1:] = pair[1:] != pair[:-1]
    return pair[first], np.round(weight[first], 6)


def _top_k(S: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The k largest entries of each row of ``S``, ordered by (value desc, column asc)."""
    n_cols = S.shape[1]
    # One extra column reveals rows whose k-th best value is tied with the next one: for those
    # argpartition's pick among equals is arbitrary, so they are resolved by column order.
    width = min(k + 1, n_cols)
    part = np.argpartition(S, n_cols - width, axis=1)[:, n_cols - width :]
    vals = np.take_along_axis(S, part, axis=1)
    order = np.lexsort((part, -vals), axis=1)
    part, vals = np.take_along_axis(part, order, axis=1), np.take_along_axis(vals, order, axis=1)
    if width > k:
        for r in np.flatnonzero(vals[:, k - 1] == vals[:, k]):
            candidates = np.flatnonzero(S[r] >= vals[r, k - 1])
            best = candidates[np.lexsort((candidates, -S[r, candidates]))[:k]]
            part[r, :k], vals[r, :k] = best, S[r, best]
    return part[:, :k].astype(np.int64), vals[:, :k]


def _edge_frame(ids: pl.Series, src: np.ndarray, dst: np.ndarray, weight: np.ndarray) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "source": ids.gather(src) if src.size else ids.clear(),
            "target": ids.gather(dst) if dst.size else ids.clear(),
            "weight": pl.Series(weight, dtype=pl.Float64),
        }
    )


def layout_2d(X: np.ndarray, seed: int = 0) -> np.ndarray:
    """Node coordinates for the map: the first two principal components of the embeddings.

    A linear projection is cheap at any size and stable between runs; the viewers can re-run
    their own force layout from it.

    Returns:
        (n, 2) float64 coordinates; zeros when there are fewer than 3 rows.
    """
    from roadmap_pipeline.lib.clustering.reduce import PCAReducer

    X = np.asarray(X)
    if X.shape[0] < 3:
        return np.zeros((X.shape[0], 2))
    coords = PCAReducer(n_components=2, seed=seed).fit_transform(X)
    if coords.shape[1] < 2:
        coords = np.column_stack([coords, np.zeros(coords.shape[0])])
    return coords


def write_graphml(path: str | Path, nodes: pl.DataFrame, edges: pl.DataFrame) -> None:
    """Writes an undirected GraphML file: node id, label, cluster, year, x, y; edge weight.

    Attributes absent from ``nodes`` are not declared; a null value is left out of its node.
    Written as a stream, so 100k nodes and a million edges need no XML tree in memory.

    Args:
        path: Output file.
        nodes: Node table (see module docstring); ``id`` values become GraphML node ids.
        edges: Edge table from `knn_graph`.

    Raises:
        ValueError: When an edge names a node not in ``nodes``.
    """
    _check_edges_refer_to_nodes(nodes, edges)
    attrs = [
        (name, key, gtype)
        for name, key, gtype in (
            ("label", "label", "string"),
            ("cluster", "cluster", "int"),
            ("year", "year", "int"),
            ("x", "x", "double"),
            ("y", "y", "double"),
        )
        if name in nodes.columns
    ]
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        out.write(
            '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
            'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n'
        )
        for name, key, gtype in attrs:
            out.write(f'  <key id="{key}" for="node" attr.name="{name}" attr.type="{gtype}"/>\n')
        out.write('  <key id="weight" for="edge" attr.name="weight" attr.type="double"/>\n')
        out.write('  <graph id="patents" edgedefault="undirected">\n')
        names = [name for name, _, _ in attrs]
        for row in nodes.select(["id", *names]).iter_rows():
            out.write(f"    <node id={_xml_attr(row[0])}>")
            for (name, key, _), value in zip(attrs, row[1:]):
                if value is not None:
                    out.write(f'<data key="{key}">{_xml_text(value)}</data>')
            out.write("</node>\n")
        for i, (source, target, weight) in enumerate(
            edges.select(["source", "target", "weight"]).iter_rows()
        ):
            out.write(
                f'    <edge id="e{i}" source={_xml_attr(source)} target={_xml_attr(target)}>'
                f'<data key="weight">{weight!r}</data></edge>\n'
            )
        out.write("  </graph>\n</graphml>\n")


def write_vosviewer(
    map_path: str | Path, network_path: str | Path, nodes: pl.DataFrame, edges: pl.DataFrame
) -> None:
    """Writes VOSviewer's map file and network file for the graph.

    Map file: tab-separated with a header line; columns ``id`` (1..n in node order, since
    VOSviewer's network file refers to items by integer id), ``label``, ``description`` (the
    node's own id), ``x`` and ``y`` when the nodes have them, ``cluster``, ``weight<Links>``
    (degree), ``weight<Total link strength>`` (sum of edge weights) and ``score<Year>`` when the
    nodes have a year. VOSviewer clusters are integers from 1 to 1000: cluster c becomes c + 1
    and outliers (-1) share one extra cluster numbered after the last one, so they stay visible
    as a group. Labels and descriptions containing a comma, semicolon or double quote are enclosed
    in double quotes (inner double quotes become single quotes); tabs and line breaks become spaces.

    Network file: no header; ``id1``, ``id2``, ``strength`` per line, tab-separated, one line
    per undirected edge, strength = cosine similarity (VOSviewer needs it positive).

    Raises:
        ValueError: When an edge names an unknown node, a weight is not positive, or there are
            more clusters than VOSviewer's 1000.
    """
    _check_edges_refer_to_nodes(nodes, edges)
    if edges.height and edges["weight"].min() <= 0:
        raise ValueError("VOSviewer link strengths must be positive")
    n = nodes.height
    item = pl.DataFrame({"id": nodes["id"], "item": np.arange(1, n + 1, dtype=np.int64)})
    links = (
        edges.join(item.rename({"id": "source", "item": "s"}), on="source", how="left")
        .join(item.rename({"id": "target", "item": "t"}), on="target", how="left")
        .select("s", "t", "weight")
    )
    ends = pl.concat(
        [
            links.select(pl.col("s").alias("item"), "weight"),
            links.select(pl.col("t").alias("item"), "weight"),
        ]
    )
    strength = ends.group_by("item").agg(pl.len().alias("links"), pl.col("weight").sum().alias("total"))
    items = item.join(strength, on="item", how="left").sort("item")
    degree = items["links"].fill_null(0).to_list()
    total = items["total"].fill_null(0.0).to_list()

    columns: list[tuple[str, list]] = [("id", items["item"].to_list())]
    labels = nodes["label"] if "label" in nodes.columns else nodes["id"]
    columns.append(("label", [_vos_text(v) for v in labels.to_list()]))
    columns.append(("description", [_vos_text(v) for v in nodes["id"].to_list()]))
    for axis in ("x", "y"):
        if axis in nodes.columns:
            columns.append((axis, [_vos_number(v) for v in nodes[axis].to_list()]))
    if "cluster" in nodes.columns:
        columns.append(("cluster", _vos_clusters(nodes["cluster"].to_list())))
    columns.append(("weight<Links>", [str(d) for d in degree]))
    columns.append(("weight<Total link strength>", [_vos_number(t) for t in total]))
    if "year" in nodes.columns:
        columns.append(("score<Year>", [_vos_number(v) for v in nodes["year"].to_list()]))

    with open(map_path, "w", encoding="utf-8", newline="\n") as out:
        out.write("\t".join(name for name, _ in columns) + "\n")
        for values in zip(*(values for _, values in columns)):
            out.write("\t".join(str(v) for v in values) + "\n")
    with open(network_path, "w", encoding="utf-8", newline="\n") as out:
        for s, t, w in links.iter_rows():
            out.write(f"{s}\t{t}\t{_vos_number(w)}\n")


def _check_edges_refer_to_nodes(nodes: pl.DataFrame, edges: pl.DataFrame) -> None:
    if "id" not in nodes.columns:
        raise ValueError("nodes need an 'id' column")
    if nodes["id"].n_unique() != nodes.height:
        raise ValueError("node ids must be unique")
    ends = pl.concat([edges["source"], edges["target"]])
    unknown = ends.filter(~ends.is_in(nodes["id"].implode())).unique().sort()
    if unknown.len():
        raise ValueError(f"edges name {unknown.len()} unknown nodes, e.g. {unknown.head(3).to_list()}")


def _vos_clusters(clusters: list) -> list[str]:
    real = [int(c) for c in clusters if c is not None and c >= 0]
    outlier_cluster = max(real, default=-1) + 2
    has_outliers = any(c is not None and c < 0 for c in clusters)
    if max(real, default=-1) + 1 > 1000 or (has_outliers and outlier_cluster > 1000):
        raise ValueError("VOSviewer allows cluster numbers from 1 to 1000 only")
    return ["" if c is None else str(int(c) + 1 if c >= 0 else outlier_cluster) for c in clusters]


def _vos_text(value: object) -> str:
    text = "" if value is None else re.sub(r"[\t\r\n]+", " ", str(value)).strip()
    if any(ch in text for ch in ',;"'):
        return '"' + text.replace('"', "'") + '"'
    return text


def _vos_number(value: object) -> str:
    if value is None:
        return ""
    number = float(value)
    return str(int(number)) if number.is_integer() else f"{number:.6g}"


def _xml_text(value: object) -> str:
    return escape(_XML_ILLEGAL.sub("", str(value)))


def _xml_attr(value: object) -> str:
    return quoteattr(_XML_ILLEGAL.sub("", str(value)))
