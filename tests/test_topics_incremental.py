"""Incremental topics: nearest-neighbour assignment, the refresh plan, and the assets' three modes.

Known answers: planted blobs and hand-placed unit vectors for the vote; hand-counted families for
the plan; planted topics (bearing, welding, camera inspection) in a small hand-made warehouse for
the assets, run with the hashing embedder and PCA.
"""

import math
import random

import dagster as dg
import duckdb
import numpy as np
import polars as pl
import pytest

from roadmap_pipeline import settings as project_settings
from roadmap_pipeline.defs.partitions import subclass_partitions
from roadmap_pipeline.defs.resources import Embeddings, LandingZone, TaxonomyFile, warehouse_resource
from roadmap_pipeline.defs.topics.assets import topic_assets
from roadmap_pipeline.defs.topics.network import patent_network
from roadmap_pipeline.lib.clustering import (
    PCAReducer,
    assign_to_clusters,
    graph_from_neighbour_lists,
    knn_graph,
    update_neighbour_lists,
)
from roadmap_pipeline.lib.embeddings import HashingEmbedder
from roadmap_pipeline.lib.topics import (
    TopicSettings,
    analyse_subclass,
    describe_membership,
    extend_clustering,
    fingerprint,
    plan_refresh,
)

# --- assign_to_clusters ---------------------------------------------------------------------------


def _unit(degrees: float) -> list[float]:
    return [math.cos(math.radians(degrees)), math.sin(math.radians(degrees))]


def test_new_points_land_in_their_blob_and_points_among_outliers_stay_outliers():
    rng = np.random.default_rng(0)
    dim, per_blob = 16, 30
    centres = np.eye(dim)[:3] * 10  # three orthogonal directions
    previous = np.vstack([c + rng.normal(0, 0.5, (per_blob, dim)) for c in centres])
    labels = np.repeat([0, 1, 2], per_blob)
    scattered = np.eye(dim)[5] * 10 + rng.normal(0, 0.5, (20, dim))  # outliers around a fourth direction
    previous, labels = np.vstack([previous, scattered]), np.concatenate([labels, np.full(20, -1)])
    new = np.vstack([c + rng.normal(0, 0.5, (10, dim)) for c in centres] + [np.eye(dim)[5] * 10])

    assigned, probability = assign_to_clusters(previous, labels, new, k=15)

    assert assigned.tolist() == [0] * 10 + [1] * 10 + [2] * 10 + [-1]
    assert probability[:30].tolist() == [1.0] * 30  # all 15 voters from the blob
    assert probability[30] == 0.0


def test_vote_counts_by_hand():
    # Unit vectors at 0, 10, 20, 90 and 180 degrees; a new one at 5 degrees.
    previous = np.array([_unit(a) for a in (0, 10, 20, 90, 180)])
    labels = np.array([0, 0, 1, 1, 1])
    new = np.array([_unit(5)])
    # k = 3: voters at 0, 10, 20 degrees -> two votes for 0 of three.
    assert assign_to_clusters(previous, labels, new, k=3)[0].tolist() == [0]
    assert assign_to_clusters(previous, labels, new, k=3)[1].tolist() == pytest.approx([2 / 3])
    # k = 5 (every row): three votes for 1 of five.
    got, share = assign_to_clusters(previous, labels, new, k=5)
    assert got.tolist() == [1] and share.tolist() == pytest.approx([3 / 5])
    # A 1-1 tie goes to the more similar voter: at 12 degrees, 20 (label 0) is nearer than 0 (label 1).
    got, share = assign_to_clusters(np.array([_unit(0), _unit(20)]), np.array([1, 0]), np.array([_unit(12)]), k=2)
    assert got.tolist() == [0] and share.tolist() == [0.5]
    # Two outlier voters of three: an outlier, probability 0.
    got, share = assign_to_clusters(previous[:3], np.array([-1, -1, 4]), new, k=3)
    assert got.tolist() == [-1] and share.tolist() == [0.0]


def test_no_previous_rows_leaves_everything_outlier_and_bad_shapes_fail():
    got, share = assign_to_clusters(np.zeros((0, 2)), np.zeros(0, dtype=int), np.array([_unit(0)]))
    assert got.tolist() == [-1] and share.tolist() == [0.0]
    with pytest.raises(ValueError, match="dimensions differ"):
        assign_to_clusters(np.ones((2, 3)), np.array([0, 0]), np.ones((1, 2)))


# --- neighbour lists of the patent network -------------------------------------------------------


def test_a_kept_list_takes_a_closer_new_row_without_being_recomputed():
    ids = ["a", "b", "c", "d"]  # unit vectors at 0, 10, 30 and 60 degrees
    X = np.array([_unit(a) for a in (0, 10, 30, 60)])
    stored, recomputed = update_neighbour_lists(X, ids, ["0", "10", "30", "60"], None, k=1)
    assert recomputed == 4
    assert stored.select("id", "neighbour").rows() == [("a", "b"), ("b", "a"), ("c", "b"), ("d", "c")]
    # "a2" at 2 degrees is new (row 1 of 5): nearest to a and b; c and d keep their neighbours.
    X2 = np.array([_unit(a) for a in (0, 2, 10, 30, 60)])
    lists, recomputed = update_neighbour_lists(X2, ["a", "a2", "b", "c", "d"], ["0", "2", "10", "30", "60"], stored, k=1)
    assert recomputed == 1  # only the new row is computed against all rows
    assert lists.select("id", "neighbour").rows() == [("a", "a2"), ("a2", "a"), ("b", "a2"), ("c", "b"), ("d", "c")]


def test_updated_lists_give_the_graph_a_rebuild_gives():
    rng = np.random.default_rng(3)
    n, dim = 400, 24
    X = rng.standard_normal((n, dim)).astype(np.float32) + np.eye(dim, dtype=np.float32)[0] * 3
    ids, hashes = [f"F{i:04d}" for i in range(n)], [f"h{i}" for i in range(n)]
    # Before: 25 of today's rows missing, 15 rows since removed, 5 rows with another text.
    before = np.setdiff1d(np.arange(n), rng.choice(n, 25, replace=False))
    old_ids = [ids[i] for i in before] + [f"G{i:03d}" for i in range(15)]
    old_hashes = [hashes[i] for i in before] + [f"g{i}" for i in range(15)]
    old_X = np.vstack([X[before], rng.standard_normal((15, dim)).astype(np.float32) + X[:15]])
    for j in range(5):
        old_X[j], old_hashes[j] = rng.standard_normal(dim), "older text"
    stored, _ = update_neighbour_lists(old_X, old_ids, old_hashes, None, k=10)

    lists, recomputed = update_neighbour_lists(X, ids, hashes, stored, k=10)
    rebuilt, _ = update_neighbour_lists(X, ids, hashes, None, k=10)
    assert 30 <= recomputed < n // 2  # new and changed rows at least, far from all
    assert lists.select("id", "neighbour").equals(rebuilt.select("id", "neighbour"))

    edges, exact = graph_from_neighbour_lists(lists, ids, 0.5), knn_graph(X, ids, k=10, min_similarity=0.5)
    assert edges.select("source", "target").equals(exact.select("source", "target")) and edges.height > n
    # Similarities computed in other blocks may differ in the last float32 bit: one unit of the 6th decimal.
    assert (edges["weight"] - exact["weight"]).abs().max() <= 1.0000001e-6


# --- plan_refresh, extend_clustering, fingerprint -------------------------------------------------


def _current(n: int, changed: set[int] = frozenset()) -> pl.DataFrame:
    return pl.DataFrame({"family_id": [f"F{i:03d}" for i in range(n)],
                         "text_hash": [f"h{i}" + ("'" if i in changed else "") for i in range(n)]})


def _stored(ids: range, assigned: set[int] = frozenset()) -> pl.DataFrame:
    return pl.DataFrame({"family_id": [f"F{i:03d}" for i in ids], "text_hash": [f"h{i}" for i in ids],
                         "cluster_id": [i % 3 for i in ids], "probability": [1.0] * len(ids),
                         "assigned": [i in assigned for i in ids]})


def test_plan_counts_added_and_removed_since_the_last_full_clustering():
    # 95 stored of 100 valid: 5 added, 5 % <= 10 %.
    plan = plan_refresh(_current(100), _stored(range(95)), clustered_families=95, recluster_share=0.10)
    assert plan.extend and plan.added.to_list() == [f"F{i:03d}" for i in range(95, 100)] and plan.removed == 0
    # A changed text is one removed and one added.
    plan = plan_refresh(_current(100, changed={7}), _stored(range(100)), 100, 0.10)
    assert plan.extend and plan.added.to_list() == ["F007"] and plan.removed == 1 and plan.kept.height == 99
    # 8 assigned by earlier refreshes + 3 added now = 11 > 10 of 100: cluster anew.
    plan = plan_refresh(_current(100), _stored(range(97), assigned=set(range(8))), 89, 0.10)
    assert not plan.extend and "11 added" in plan.reason
    # 110 clustered, 11 of them gone: more than 9.9 (10 % of 99 valid). Cluster anew.
    plan = plan_refresh(_current(99), _stored(range(99)), 110, 0.10)
    assert not plan.extend and "11 removed" in plan.reason
    # Exactly 10 % removed is still allowed.
    assert plan_refresh(_current(100), _stored(range(100)), 110, 0.10).extend
    assert not plan_refresh(_current(10), None, 0, 0.10).extend


def test_extend_clustering_keeps_stored_clusters_and_votes_for_the_new():
    families = pl.DataFrame({"family_id": ["a", "b", "c", "d", "new"]})
    vectors = np.array([_unit(a) for a in (0, 5, 90, 95, 3)])
    kept = pl.DataFrame({"family_id": ["d", "c", "b", "a"], "cluster_id": [4, 4, 7, 7],
                         "probability": [0.9, 0.8, 0.7, 0.6]})
    clustering = extend_clustering(families, vectors, kept, k=2)
    assert clustering.labels.tolist() == [7, 7, 4, 4, 7]
    assert clustering.probabilities.tolist() == [0.6, 0.7, 0.8, 0.9, 1.0]
    assert "1 families assigned" in clustering.note


def test_fingerprint_sees_every_value_and_the_order():
    rows = pl.DataFrame({"family_id": ["a", "b"], "text_hash": ["1", "2"], "year": [2020, None]})
    base = fingerprint({"k": 1}, rows)
    assert base == fingerprint({"k": 1}, rows.clone())
    assert base != fingerprint({"k": 2}, rows)
    assert base != fingerprint({"k": 1}, rows.with_columns(pl.col("year").fill_null(0)))
    assert base != fingerprint({"k": 1}, rows.reverse())
    # Value boundaries cannot be imitated by moving characters between columns.
    assert fingerprint({}, pl.DataFrame({"a": ["xy"], "b": ["z"]})) != fingerprint({}, pl.DataFrame({"a": ["x"], "b": ["yz"]}))


TOPICS = {
    "bearing": ["bearing vibration spectrum fault", "rolling bearing envelope kurtosis", "bearing outer race defect"],
    "welding": ["laser welding seam camera", "weld pool image porosity", "welding torch arc current"],
    "painting": ["spray painting robot nozzle", "paint film thickness gloss", "coating booth overspray paint"],
}


def _families(n_per_topic: int, seed: int, prefix: str = "F") -> pl.DataFrame:
    rng = random.Random(seed)
    rows = []
    for topic, phrases in TOPICS.items():
        for i in range(n_per_topic):
            # The serial word makes every text distinct, so that texts embedded count families.
            text = f"{rng.choice(phrases)} and {rng.choice(phrases)} with {rng.choice(phrases)} serial{prefix}{i:03d}"
            rows.append({"family_id": f"{prefix}-{topic}-{i:03d}", "year": rng.randint(2008, 2023),
                         "text": text, "topic": topic})
    return pl.DataFrame(rows)


def test_description_of_a_given_membership_is_the_analysis_after_clustering():
    families = _families(40, seed=2).drop("topic")
    settings = TopicSettings(last_year=2023, reducer=PCAReducer(5, seed=0), min_cluster_size=10)
    full = analyse_subclass(families, HashingEmbedder().encode(families["text"].to_list()), "fault", settings)
    again = describe_membership(
        families.drop("text").with_columns(full.documents["tokens"]), full.clustering, "fault", settings
    )
    for name in ("members", "clusters", "trends", "sizes", "emergence", "themes"):
        assert getattr(again, name).equals(getattr(full, name)), name


# --- the assets on a small hand-made warehouse ------------------------------------------------------

KEY = "health.diagnosis"
TOPIC_TABLES = ("clusters", "cluster_members", "keyword_trends", "cluster_windows", "emerging_keywords",
                "task_themes", "member_tokens")
CONFIG = {"reducer": "pca", "min_cluster_size": 20, "last_year": 2023}  # three pure clusters


def _add_families(path, families: pl.DataFrame) -> None:
    with duckdb.connect(str(path)) as conn:
        for statement in (
            "CREATE SCHEMA IF NOT EXISTS taxonomy", "CREATE SCHEMA IF NOT EXISTS core",
            "CREATE TABLE IF NOT EXISTS taxonomy.subclass_patents (subclass_key VARCHAR, family_id VARCHAR, is_valid BOOLEAN)",
            "CREATE TABLE IF NOT EXISTS taxonomy.search_texts (family_id VARCHAR, py INTEGER, embed_text VARCHAR, embed_lang VARCHAR)",
            "CREATE TABLE IF NOT EXISTS core.families (family_id VARCHAR, title VARCHAR)",
        ):
            conn.execute(statement)
        conn.register("new_rows", families.to_arrow())
        conn.execute("INSERT INTO taxonomy.subclass_patents SELECT ?, family_id, true FROM new_rows", [KEY])
        conn.execute("INSERT INTO taxonomy.search_texts SELECT family_id, year, text, 'en' FROM new_rows")
        conn.execute("INSERT INTO core.families SELECT family_id, text FROM new_rows")


def _tables(path) -> dict[str, list]:
    with duckdb.connect(str(path), read_only=True) as conn:
        return {t: conn.execute(f"SELECT * FROM topics.{t} ORDER BY ALL").fetchall() for t in TOPIC_TABLES}


def _members(path) -> dict[str, tuple[int, bool]]:
    with duckdb.connect(str(path), read_only=True) as conn:
        return {f: (c, a) for f, c, a in conn.execute(
            "SELECT family_id, cluster_id, assigned FROM topics.cluster_members WHERE subclass_key = ?", [KEY]).fetchall()}


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    root = tmp_path_factory.mktemp("incremental")
    _add_families(root / "wh.duckdb", _families(60, seed=1))
    resources = {
        "warehouse": warehouse_resource(str(root / "wh.duckdb")),
        "taxonomy_file": TaxonomyFile(path=str(project_settings.taxonomy_path())),
        "embeddings": Embeddings(backend="hashing", cache_dir=str(root / "embeddings")),
        "landing_zone": LandingZone(raw_dir=str(root / "raw"), artifacts_dir=str(root / "artifacts")),
    }
    instance = dg.DagsterInstance.ephemeral()
    instance.add_dynamic_partitions(subclass_partitions.name, [KEY])
    return root / "wh.duckdb", resources, instance


def _materialize(warehouse, **config):
    path, resources, instance = warehouse
    result = dg.materialize(
        [topic_assets, patent_network], partition_key=KEY, resources=resources, instance=instance,
        run_config={"ops": {"topic_assets": {"config": {**CONFIG, **config}}}},
    )
    assert result.success
    metadata = {"/".join(e.asset_key.path): {k: v.value for k, v in e.materialization.metadata.items()}
                for e in result.get_asset_materialization_events()}
    checks = {e.check_name: e.passed for e in result.get_asset_check_evaluations()}
    return metadata, checks


def test_refresh_modes_unchanged_assigned_and_full(warehouse):
    path = warehouse[0]
    first, checks = _materialize(warehouse)
    assert first["topics/clusters"]["mode"] == "full" and first["topics/patent_network"]["mode"] == "full"
    assert first["topics/clusters"]["texts embedded"] == 180 and all(checks.values())
    before, members_before = _tables(path), _members(path)
    assert len(members_before) == 180 and first["topics/clusters"]["clusters"] == 3

    # No change: nothing embedded, computed or written.
    second, checks = _materialize(warehouse)
    assert {m["mode"] for m in second.values()} == {"unchanged"}
    assert second["topics/clusters"]["refresh"].startswith("unchanged since ")
    assert second["topics/clusters"]["texts embedded"] == 0 and all(checks.values())
    assert second["topics/cluster_members"]["dagster/row_count"] == 180
    assert _tables(path) == before
    with duckdb.connect(str(path), read_only=True) as conn:
        assert conn.execute("SELECT mode FROM topics.subclass_state WHERE stage = 'topics'").fetchall() == [("unchanged",)]

    # Six new families (3 %): old families keep their clusters, new ones join their topic's cluster.
    new = _families(2, seed=9, prefix="N")
    _add_families(path, new)
    third, checks = _materialize(warehouse)
    assert third["topics/clusters"]["mode"] == "assigned 6 new"
    assert third["topics/clusters"]["texts embedded"] == 6 and third["topics/patent_network"]["mode"] == "updated"
    assert checks["every_valid_family_clustered"]
    members = _members(path)
    assert {f: c for f, (c, _) in members.items() if f in members_before} == {f: c for f, (c, _) in members_before.items()}
    assert {f for f, (_, a) in members.items() if a} == set(new["family_id"])
    topic_cluster = {  # the cluster most of each topic's first members are in
        topic: pl.Series([members_before[f][0] for f in ids]).mode().item()
        for topic, ids in _families(60, seed=1).group_by("topic").agg("family_id").iter_rows()
    }
    assert all(members[f][0] == topic_cluster[t] for f, t in new.select("family_id", "topic").iter_rows())

    # full_recluster: every family clustered anew, none marked assigned.
    fourth, checks = _materialize(warehouse, full_recluster=True)
    assert fourth["topics/clusters"]["mode"] == "full" and fourth["topics/clusters"]["texts embedded"] == 0
    assert all(checks.values()) and not any(a for _, a in _members(path).values())
    assert len(_members(path)) == 186


def test_a_large_addition_clusters_anew(warehouse):
    _materialize(warehouse)
    _add_families(warehouse[0], _families(10, seed=11, prefix="L"))  # 30 of 216: 14 % > 10 %
    metadata, checks = _materialize(warehouse)
    assert metadata["topics/clusters"]["mode"] == "full" and "more than 10%" in metadata["topics/clusters"]["refresh"]
    assert all(checks.values())
