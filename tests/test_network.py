"""Tests of roadmap_pipeline.lib.clustering.network: the kNN graph, the layout and the exports.

The kNN answers are worked out by hand on five 2-D points; the blocked computation is checked
against a dense reference; the files are parsed back with xml.etree (and networkx when present)
and as VOSviewer's tab-separated files.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET

import numpy as np
import polars as pl
import pytest

from roadmap_pipeline.lib.clustering import knn_graph, layout_2d, write_graphml, write_vosviewer
from roadmap_pipeline.lib.clustering import network

# a and b point right, c and d up, e diagonally. Cosines by hand:
# a.b = 0.9 / sqrt(0.82) = 0.993884; c.d likewise; e.b = e.d = 1 / sqrt(1.64) = 0.780869;
# e.a = e.c = 1 / sqrt(2) = 0.707107; a.c = 0; a.d = b.c = 0.110432; b.d = 0.18 / 0.82 = 0.219512.
FIVE = np.array([[1, 0], [0.9, 0.1], [0, 1], [0.1, 0.9], [1, 1]], dtype=float)
FIVE_IDS = ["a", "b", "c", "d", "e"]
GRAPHML = "{http://graphml.graphdrawing.org/xmlns}"


def edge_set(edges: pl.DataFrame) -> dict[tuple, float]:
    return {(s, t): w for s, t, w in edges.iter_rows()}


def test_nearest_neighbour_graph_of_five_points():
    edges = knn_graph(FIVE, FIVE_IDS, k=1, min_similarity=0.0)
    # e's two nearest (b and d) tie at 0.780869: the earlier row, b, wins.
    assert edge_set(edges) == {("a", "b"): 0.993884, ("b", "e"): 0.780869, ("c", "d"): 0.993884}


def test_two_neighbours_with_a_similarity_floor():
    edges = knn_graph(FIVE, FIVE_IDS, k=2, min_similarity=0.75)
    # a's second neighbour e (0.707) and c's second neighbour e (0.707) fall below the floor;
    # b-e and d-e are found from both sides and appear once.
    assert edge_set(edges) == {
        ("a", "b"): 0.993884,
        ("b", "e"): 0.780869,
        ("c", "d"): 0.993884,
        ("d", "e"): 0.780869,
    }
    assert edges.columns == ["source", "target", "weight"]


def test_all_pairs_when_k_exceeds_the_other_nodes():
    edges = knn_graph(FIVE, [10, 20, 30, 40, 50], k=10, min_similarity=-1.0)
    assert edges.height == 10  # 5 choose 2
    assert edge_set(edges)[(20, 40)] == pytest.approx(0.219512, abs=1e-6)
    assert edge_set(edges)[(10, 30)] == pytest.approx(0.0, abs=1e-6)


def test_duplicate_vectors_link_to_each_other_not_to_themselves():
    X = np.repeat(np.eye(3), 2, axis=0)  # rows 0,1 identical, 2,3 identical, 4,5 identical
    edges = knn_graph(X, list("uvwxyz"), k=1, min_similarity=0.0)
    assert edge_set(edges) == {("u", "v"): 1.0, ("w", "x"): 1.0, ("y", "z"): 1.0}


def test_blocked_computation_matches_a_dense_reference(monkeypatch):
    rng = np.random.default_rng(7)
    X = rng.standard_normal((120, 16))
    Xn = X / np.linalg.norm(X, axis=1, keepdims=True)
    S = Xn @ Xn.T
    np.fill_diagonal(S, -np.inf)
    expected = {}
    for i in range(len(S)):
        for j in np.argsort(-S[i], kind="stable")[:4]:
            if S[i, j] >= 0.2:
                expected[(min(i, j), max(i, j))] = float(S[i, j])
    monkeypatch.setattr(network, "_BLOCK_BYTES", 4 * 120 * 7)  # 7 rows per block
    edges = knn_graph(X, np.arange(120), k=4, min_similarity=0.2)
    got = edge_set(edges)
    assert got.keys() == expected.keys()
    assert all(abs(got[pair] - expected[pair]) < 1e-5 for pair in got)  # float32 products
    assert edges["source"].to_list() == sorted(edges["source"].to_list())
    assert (edges["source"] < edges["target"]).all()


def test_knn_graph_is_deterministic_and_validates_its_input():
    X = np.random.default_rng(3).standard_normal((60, 8))
    assert knn_graph(X, np.arange(60), k=5).equals(knn_graph(X.copy(), np.arange(60), k=5))
    with pytest.raises(ValueError, match="unique"):
        knn_graph(FIVE, ["a", "a", "c", "d", "e"])
    with pytest.raises(ValueError, match="one id per row"):
        knn_graph(FIVE, ["a", "b"])
    assert knn_graph(FIVE[:1], ["a"]).height == 0


def test_layout_is_the_first_two_principal_components():
    t = np.linspace(-1, 1, 30)
    X = np.zeros((30, 5))
    X[:, 1] = 10 * t  # largest variance
    X[:, 3] = np.cos(7 * t)  # second; even in t, so uncorrelated with the first
    coords = layout_2d(X)
    np.testing.assert_allclose(np.abs(coords[:, 0]), np.abs(X[:, 1] - X[:, 1].mean()), atol=1e-9)
    np.testing.assert_allclose(np.abs(coords[:, 1]), np.abs(X[:, 3] - X[:, 3].mean()), atol=1e-9)
    assert layout_2d(FIVE[:2]).shape == (2, 2)


def sample_graph() -> tuple[pl.DataFrame, pl.DataFrame]:
    nodes = pl.DataFrame(
        {
            "id": ["US-1-B2", "KR-2-A", "EP-3-A1", "JP-4-A"],
            "label": ['Robot arm, "smart" <v2> & co', "신경망\t제어", "Gear; drive", "Plain"],
            "cluster": [0, 1, -1, 0],
            "year": [2019, 2020, None, 2021],
            "x": [0.5, -1.25, 0.0, 2.0],
            "y": [1.0, 0.0, -0.5, 3.0],
        }
    )
    edges = pl.DataFrame(
        {
            "source": ["US-1-B2", "US-1-B2", "KR-2-A"],
            "target": ["KR-2-A", "JP-4-A", "EP-3-A1"],
            "weight": [0.9, 0.75, 0.6],
        }
    )
    return nodes, edges


def test_graphml_parses_back_with_nodes_edges_and_attributes(tmp_path):
    nodes, edges = sample_graph()
    path = tmp_path / "patents.graphml"
    write_graphml(path, nodes, edges)
    root = ET.parse(path).getroot()
    keys = {k.get("id"): (k.get("for"), k.get("attr.type")) for k in root.iter(f"{GRAPHML}key")}
    assert keys["cluster"] == ("node", "int") and keys["weight"] == ("edge", "double")
    graph = root.find(f"{GRAPHML}graph")
    assert graph.get("edgedefault") == "undirected"
    xml_nodes = {n.get("id"): {d.get("key"): d.text for d in n} for n in graph.iter(f"{GRAPHML}node")}
    assert list(xml_nodes) == ["US-1-B2", "KR-2-A", "EP-3-A1", "JP-4-A"]
    assert xml_nodes["US-1-B2"]["label"] == 'Robot arm, "smart" <v2> & co'
    assert xml_nodes["KR-2-A"] == {
        "label": "신경망\t제어", "cluster": "1", "year": "2020", "x": "-1.25", "y": "0.0"
    }
    assert "year" not in xml_nodes["EP-3-A1"]  # null values are left out
    xml_edges = [(e.get("source"), e.get("target"), float(e[0].text)) for e in graph.iter(f"{GRAPHML}edge")]
    assert xml_edges == [
        ("US-1-B2", "KR-2-A", 0.9), ("US-1-B2", "JP-4-A", 0.75), ("KR-2-A", "EP-3-A1", 0.6)
    ]


def test_graphml_reads_in_networkx(tmp_path):
    nx = pytest.importorskip("networkx")
    nodes, edges = sample_graph()
    path = tmp_path / "patents.graphml"
    write_graphml(path, nodes, edges)
    graph = nx.read_graphml(path)
    assert (graph.number_of_nodes(), graph.number_of_edges()) == (4, 3)
    assert graph.nodes["EP-3-A1"]["cluster"] == -1
    assert graph.edges["KR-2-A", "EP-3-A1"]["weight"] == 0.6


def test_graphml_rejects_edges_to_unknown_nodes(tmp_path):
    nodes, edges = sample_graph()
    with pytest.raises(ValueError, match="unknown nodes"):
        write_graphml(tmp_path / "g.graphml", nodes.head(2), edges)


def test_vosviewer_map_and_network_files(tmp_path):
    nodes, edges = sample_graph()
    map_path, network_path = tmp_path / "map.txt", tmp_path / "network.txt"
    write_vosviewer(map_path, network_path, nodes, edges)
    lines = map_path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    assert header == [
        "id", "label", "description", "x", "y", "cluster",
        "weight<Links>", "weight<Total link strength>", "score<Year>",
    ]
    rows = [dict(zip(header, line.split("\t"))) for line in lines[1:]]
    assert [r["id"] for r in rows] == ["1", "2", "3", "4"]
    # clusters 0, 1 become 1, 2; the outlier gets the next number, 3.
    assert [r["cluster"] for r in rows] == ["1", "2", "3", "1"]
    assert rows[0]["label"] == "\"Robot arm, 'smart' <v2> & co\""  # comma: quoted
    assert rows[1]["label"] == "신경망 제어"  # the tab would split the column
    assert rows[2]["label"] == '"Gear; drive"' and rows[3]["label"] == "Plain"
    assert [r["description"] for r in rows] == ["US-1-B2", "KR-2-A", "EP-3-A1", "JP-4-A"]
    # degrees by hand: US-1 has 2 links (0.9 + 0.75), KR-2 2 (0.9 + 0.6), EP-3 1, JP-4 1.
    assert [r["weight<Links>"] for r in rows] == ["2", "2", "1", "1"]
    assert [float(r["weight<Total link strength>"]) for r in rows] == [1.65, 1.5, 0.6, 0.75]
    assert [r["score<Year>"] for r in rows] == ["2019", "2020", "", "2021"]
    assert [float(r["x"]) for r in rows] == [0.5, -1.25, 0.0, 2.0]
    links = [line.split("\t") for line in network_path.read_text().splitlines()]
    assert [(int(a), int(b), float(w)) for a, b, w in links] == [(1, 2, 0.9), (1, 4, 0.75), (2, 3, 0.6)]


def test_vosviewer_minimal_nodes_and_invalid_input(tmp_path):
    nodes = pl.DataFrame({"id": [101, 102]})
    edges = pl.DataFrame({"source": [101], "target": [102], "weight": [0.5]})
    write_vosviewer(tmp_path / "m.txt", tmp_path / "n.txt", nodes, edges)
    assert (tmp_path / "m.txt").read_text().splitlines() == [
        "id\tlabel\tdescription\tweight<Links>\tweight<Total link strength>",
        "1\t101\t101\t1\t0.5",
        "2\t102\t102\t1\t0.5",
    ]
    paths = (tmp_path / "m.txt", tmp_path / "n.txt")
    with pytest.raises(ValueError, match="positive"):
        write_vosviewer(*paths, nodes, edges.with_columns(weight=pl.lit(0.0)))
    with pytest.raises(ValueError, match="1 to 1000"):
        write_vosviewer(*paths, nodes.with_columns(cluster=pl.Series([1000, -1])), edges)


def test_exports_of_a_real_knn_graph_agree(tmp_path):
    rng = np.random.default_rng(11)
    X = rng.standard_normal((40, 12))
    ids = [f"F{i:03d}" for i in range(40)]
    edges = knn_graph(X, ids, k=3, min_similarity=0.0)
    coords = layout_2d(X)
    clusters = [i % 3 - 1 for i in range(40)]
    nodes = pl.DataFrame({"id": ids, "cluster": clusters, "x": coords[:, 0], "y": coords[:, 1]})
    write_graphml(tmp_path / "g.graphml", nodes, edges)
    write_vosviewer(tmp_path / "m.txt", tmp_path / "n.txt", nodes, edges)
    graph = ET.parse(tmp_path / "g.graphml").getroot().find(f"{GRAPHML}graph")
    assert len(graph.findall(f"{GRAPHML}node")) == 40
    assert len(graph.findall(f"{GRAPHML}edge")) == edges.height
    assert len((tmp_path / "n.txt").read_text().splitlines()) == edges.height
    total = sum(float(line.split("\t")[7]) for line in (tmp_path / "m.txt").read_text().splitlines()[1:])
    assert math.isclose(total, 2 * edges["weight"].sum(), rel_tol=1e-5)  # each edge counted at both ends
