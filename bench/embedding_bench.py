"""Embedding cache: Parquet shards against a DuckDB table, and the cost of caching around the model.

Storage: 100,000 vectors of 384 float32 (seeded random, L2-normalized) keyed by text hashes, stored
- parquet: `roadmap_pipeline.lib.embeddings.EmbeddingCache`, append-only shards, one per write,
  vectors as raw float32 bytes;
- duckdb: a table (model_id, text_hash, embedding FLOAT[384]) with a primary key, in its own file,
  written with INSERT OR IGNORE and read with a join against the wanted hashes;
- duckdb-nokey: the same table without the primary key, written with plain INSERT;
- parquet-list: the same shards with the vector as a FLOAT[384] array column (read with polars).
Operations, each run in a fresh process so that VmHWM is that operation's peak: write (10 batches of
10,000, as embed_with_cache stores them), lookup (20,000 random stored hashes + 1,000 missing), read
all, and for Parquet the compaction of the 10 shards into one. Medians of RUNS runs, the
storages taking turns to go first.

Embedding: TEXTS distinct real patent abstracts (neural_network_patent_query.csv, topped up with
the English abstracts of the green-concrete and then the HBM-memory corpora, since it has only 3,181
distinct ones), embedded on CPU
by the packaged all-MiniLM-L6-v2: the model's own `encode` against `embed_with_cache` into an empty
cache, then a second `embed_with_cache` (everything reused). The overhead is also taken inside the
call (time not spent in `encode`), which other load on the machine disturbs far less.

Writes bench/results/embedding.json.

Usage: python bench/embedding_bench.py [--runs 3] [--embed-runs 1] [--texts 5000] [--skip-embedding]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from roadmap_pipeline.settings import corpora_dir  # noqa: E402

WORK = ROOT / "bench" / "work" / "embedding"
RESULTS = ROOT / "bench" / "results"
CORPORA = corpora_dir()
NN_PATENTS = CORPORA / "koehrsen_nn_patents" / "neural_network_patent_query.csv"
GREEN_CONCRETE = CORPORA / "xamk_green_concrete_lens" / "patents.csv"
HBM = CORPORA / "patstat_hbm_semiconductor" / "HBM_Gemini_With_Abstract.csv"

VECTORS, DIMENSION, BATCH = 100_000, 384, 10_000
LOOKUPS, MISSING = 20_000, 1_000
MODEL_ID = "bench-model"

# One operation on one storage, in a child process: prints seconds and peak RSS as JSON.
_CHILD = r"""
import json, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[4])
from embedding_bench import STORAGES, synthetic_hashes, synthetic_vectors, query_hashes
storage, operation, directory = sys.argv[1], sys.argv[2], Path(sys.argv[3])
store = STORAGES[storage](directory)
if operation == "write":
    hashes, vectors = synthetic_hashes(), synthetic_vectors()
elif operation == "lookup":
    wanted = query_hashes()
baseline_kb = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmRSS"))
start = time.perf_counter()
if operation == "write":
    for i in range(0, len(hashes), %(batch)d):
        store.add(hashes[i:i + %(batch)d], vectors[i:i + %(batch)d])
    store.close()  # DuckDB checkpoints its write-ahead log here
    check = None
elif operation == "lookup":
    found, got = store.lookup(wanted)
    check = int(found.sum())
elif operation == "read_all":
    keys, got = store.read_all()
    check = len(keys)
elif operation == "compact":
    check = store.compact()
elapsed = time.perf_counter() - start
peak_kb = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM"))
print(json.dumps({"seconds": elapsed, "peak_rss_mb": peak_kb / 1024,
                  "above_start_mb": (peak_kb - baseline_kb) / 1024, "check": check}))
""" % {"batch": BATCH}


def synthetic_hashes() -> list[str]:
    """Hashes of VECTORS distinct texts."""
    from roadmap_pipeline.lib.embeddings import text_hash

    return [text_hash(f"synthetic patent abstract {i}") for i in range(VECTORS)]


def synthetic_vectors():
    """VECTORS seeded random L2-normalized float32 vectors."""
    import numpy as np

    vectors = np.random.default_rng(7).standard_normal((VECTORS, DIMENSION), dtype=np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def query_hashes() -> list[str]:
    """LOOKUPS random stored hashes followed by MISSING hashes never stored."""
    import numpy as np

    from roadmap_pipeline.lib.embeddings import text_hash

    picks = np.random.default_rng(11).choice(VECTORS, LOOKUPS, replace=False)
    stored = [text_hash(f"synthetic patent abstract {i}") for i in picks]
    return stored + [text_hash(f"never stored {i}") for i in range(MISSING)]


class ParquetStore:
    """The project's cache, as the bench drives it."""

    def __init__(self, directory: Path) -> None:
        from roadmap_pipeline.lib.embeddings import EmbeddingCache

        self.cache = EmbeddingCache(directory)

    def add(self, hashes, vectors) -> None:
        self.cache.add(MODEL_ID, hashes, vectors)

    def lookup(self, hashes):
        looked = self.cache.lookup(MODEL_ID, hashes)
        return looked.found, looked.vectors

    def read_all(self):
        return self.cache.read_all(MODEL_ID)

    def compact(self) -> int:
        return self.cache.compact(MODEL_ID)

    def close(self) -> None:
        pass


class DuckDBStore:
    """The alternative: one table in a cache file of its own (the warehouse allows one writer)."""

    key = ", PRIMARY KEY (model_id, text_hash)"
    insert = "INSERT OR IGNORE"

    def __init__(self, directory: Path) -> None:
        import duckdb

        directory.mkdir(parents=True, exist_ok=True)
        self.conn = duckdb.connect(str(directory / "embeddings.duckdb"))
        self.conn.execute(
            f"CREATE TABLE IF NOT EXISTS embeddings (model_id VARCHAR, text_hash VARCHAR, "
            f"embedding FLOAT[{DIMENSION}]{self.key})"
        )

    def add(self, hashes, vectors) -> None:
        import polars as pl

        batch = pl.DataFrame([pl.Series("text_hash", hashes), pl.Series("embedding", vectors)])
        self.conn.register("batch", batch)
        self.conn.execute(f"{self.insert} INTO embeddings SELECT ?, text_hash, embedding FROM batch",
                          [MODEL_ID])
        self.conn.unregister("batch")

    def lookup(self, hashes):
        import numpy as np
        import polars as pl

        wanted = pl.DataFrame({"text_hash": hashes}).with_row_index("position")
        self.conn.register("wanted", wanted)
        hits = self.conn.execute(
            "SELECT w.position, e.embedding FROM wanted AS w JOIN embeddings AS e "
            "ON e.model_id = ? AND e.text_hash = w.text_hash", [MODEL_ID]
        ).pl()
        found = np.zeros(len(hashes), dtype=bool)
        vectors = np.zeros((len(hashes), DIMENSION), dtype=np.float32)
        positions = hits["position"].to_numpy()
        found[positions] = True
        vectors[positions] = hits["embedding"].to_numpy()
        return found, vectors

    def read_all(self):
        frame = self.conn.execute(
            "SELECT text_hash, embedding FROM embeddings WHERE model_id = ?", [MODEL_ID]
        ).pl()
        return frame["text_hash"].to_list(), frame["embedding"].to_numpy()

    def compact(self) -> int:
        return 0

    def close(self) -> None:
        self.conn.close()


class ParquetListStore:
    """The cache's shards with the vector as a FLOAT[384] array column instead of raw bytes."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)

    def add(self, hashes, vectors) -> None:
        import polars as pl

        frame = pl.DataFrame([pl.Series("text_hash", hashes), pl.Series("embedding", vectors)])
        frame.write_parquet(self.directory / f"part-{time.time_ns()}.parquet", compression="lz4",
                            statistics=False)

    def lookup(self, hashes):
        import numpy as np
        import polars as pl

        wanted = pl.Series("text_hash", hashes)
        stored = (pl.scan_parquet(sorted(self.directory.glob("part-*.parquet")))
                  .filter(pl.col("text_hash").is_in(wanted.implode()))
                  .unique("text_hash", keep="first", maintain_order=True).collect())
        hits = wanted.to_frame().with_row_index("position").join(stored, on="text_hash")
        found = np.zeros(len(hashes), dtype=bool)
        vectors = np.zeros((len(hashes), DIMENSION), dtype=np.float32)
        found[hits["position"].to_numpy()] = True
        vectors[hits["position"].to_numpy()] = hits["embedding"].to_numpy()
        return found, vectors

    def read_all(self):
        import polars as pl

        stored = (pl.scan_parquet(sorted(self.directory.glob("part-*.parquet")))
                  .unique("text_hash", keep="first", maintain_order=True).collect())
        return stored["text_hash"].to_list(), stored["embedding"].to_numpy()

    def compact(self) -> int:
        return 0

    def close(self) -> None:
        pass


class DuckDBUnkeyedStore(DuckDBStore):
    """The DuckDB table without its primary key: plain appends (a repeated hash would be read twice)."""

    key = ""
    insert = "INSERT"


STORAGES = {"parquet": ParquetStore, "duckdb": DuckDBStore, "duckdb-nokey": DuckDBUnkeyedStore,
            "parquet-list": ParquetListStore}


def measure(storage: str, operation: str, directory: Path) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, storage, operation, str(directory), str(Path(__file__).parent)],
        cwd=ROOT, capture_output=True, text=True,
    )
    if out.returncode:
        raise RuntimeError(out.stderr)
    return json.loads(out.stdout.strip().splitlines()[-1])


def storage_bench(runs: int) -> dict:
    """Medians of runs of every (storage, operation), storages alternating within each run."""
    samples: dict[tuple[str, str], list[dict]] = {}
    order = list(STORAGES)
    for run in range(runs):
        for storage in order[run % len(order):] + order[:run % len(order)]:
            store = WORK / f"{storage}-{run}"
            shutil.rmtree(store, ignore_errors=True)
            operations = ["write", "lookup", "read_all"] + (["compact"] if storage == "parquet" else [])
            for operation in operations:
                if operation == "compact":
                    # A copy, so that every run compacts the same 10 shards.
                    copy = store.with_name(store.name + "-compacted")
                    shutil.rmtree(copy, ignore_errors=True)
                    shutil.copytree(store, copy)
                    store = copy
                result = measure(storage, operation, store)
                samples.setdefault((storage, operation), []).append(result)
                print(f"  run {run + 1} {storage:7} {operation:8} {result['seconds']:7.3f} s "
                      f"{result['peak_rss_mb']:7.1f} MB (check {result['check']})", flush=True)
    sizes = {s: sum(p.stat().st_size for p in (WORK / f"{s}-0").rglob("*") if p.is_file()) / 2**20
             for s in order}
    medians = {
        f"{storage}/{operation}": {
            "seconds": statistics.median(r["seconds"] for r in results),
            "peak_rss_mb": statistics.median(r["peak_rss_mb"] for r in results),
            "above_start_mb": statistics.median(r["above_start_mb"] for r in results),
            "runs_seconds": [round(r["seconds"], 3) for r in results],
            "check": results[0]["check"],
        }
        for (storage, operation), results in samples.items()
    }
    return {"medians": medians, "size_mb": sizes}


def real_texts(count: int) -> tuple[list[str], dict[str, int]]:
    """count distinct real abstracts, and how many came from each corpus."""
    import polars as pl

    texts: dict[str, None] = {}
    sources: dict[str, int] = {}
    nn = pl.read_csv(NN_PATENTS, infer_schema=False)["patent_abstract"].drop_nulls().str.strip_chars()
    green = pl.read_csv(GREEN_CONCRETE, infer_schema=False).filter(pl.col("abstract_lang") == "en")
    hbm = pl.read_csv(HBM, infer_schema=False)["Abstract"]
    for name, column in (("nn_patents", nn), ("green_concrete_en", green["abstract"]), ("hbm_memory", hbm)):
        column = column.drop_nulls().str.strip_chars()
        before = len(texts)
        for text in column.to_list():
            if len(texts) == count:
                break
            if text:
                texts.setdefault(text, None)
        sources[name] = len(texts) - before
    if len(texts) < count:
        raise SystemExit(f"only {len(texts)} distinct abstracts available")
    return list(texts), sources


class TimedEmbedder:
    """Passes calls to an embedder and adds up the time spent in its encode."""

    def __init__(self, inner) -> None:
        self.inner, self.encode_seconds = inner, 0.0
        self.model_id, self.dimension = inner.model_id, inner.dimension

    def encode(self, texts):
        start = time.perf_counter()
        try:
            return self.inner.encode(texts)
        finally:
            self.encode_seconds += time.perf_counter() - start


def embedding_bench(count: int, runs: int) -> dict:
    """The model's encode against embed_with_cache on count fresh texts, then all reused."""
    import numpy as np

    from roadmap_pipeline.lib.embeddings import EmbeddingCache, SentenceTransformerEmbedder, embed_with_cache

    texts, sources = real_texts(count)
    embedder = SentenceTransformerEmbedder()
    embedder.encode(texts[:64])  # loads the model and warms the kernels
    rows = []
    for run in range(runs):
        cache_dir = WORK / f"texts-{run}"
        shutil.rmtree(cache_dir, ignore_errors=True)
        cache, timed = EmbeddingCache(cache_dir), TimedEmbedder(embedder)
        measured = {}
        for step in (["bare", "cached"] if run % 2 == 0 else ["cached", "bare"]):
            start, start_cpu = time.perf_counter(), time.process_time()
            if step == "bare":
                bare_vectors = embedder.encode(texts)
            else:
                cached_vectors, stats = embed_with_cache(timed, cache, texts)
            measured[step] = time.perf_counter() - start
            measured[f"{step}_cpu"] = time.process_time() - start_cpu
        start = time.perf_counter()
        again, again_stats = embed_with_cache(embedder, cache, texts)
        measured["reused"] = time.perf_counter() - start
        assert stats["embedded"] == count and again_stats["reused"] == count, (stats, again_stats)
        assert np.array_equal(again, cached_vectors)
        row = {**measured, "inside_encode": timed.encode_seconds,
               "max_abs_difference_vs_bare": float(np.abs(cached_vectors - bare_vectors).max())}
        rows.append(row)
        print(f"  run {run + 1}: " + ", ".join(f"{k} {v:.4g}" for k, v in row.items()), flush=True)
    median = {key: statistics.median(r[key] for r in rows) for key in rows[0]}
    return {"texts": count, "sources": sources, "model_id": embedder.model_id, "runs": rows,
            "median": median,
            "overhead_end_to_end": median["cached"] / median["bare"] - 1,
            "overhead_cpu": median["cached_cpu"] / median["bare_cpu"] - 1,
            "overhead_inside_call": statistics.median(
                (r["cached"] - r["inside_encode"]) / r["inside_encode"] for r in rows),
            "reused_over_bare": median["reused"] / median["bare"]}


def print_storage(result: dict) -> None:
    m = result["medians"]
    others = [s for s in STORAGES if s != "parquet"]
    print("\nmedian seconds (ratio to parquet) and peak RSS (+ above the process's start), parquet = ours")
    print("| operation | parquet | " + " | ".join(others) + " |")
    print("|---|---|" + "---|" * len(others))
    for operation in ("write", "lookup", "read_all", "compact"):
        p = m[f"parquet/{operation}"]
        cells = [f"{p['seconds']:.3f} s, {p['peak_rss_mb']:.0f} MB (+{p['above_start_mb']:.0f})"]
        for other in others:
            o = m.get(f"{other}/{operation}")
            cells.append("–" if o is None else
                         f"{o['seconds']:.3f} s (×{o['seconds'] / p['seconds']:.2f}), "
                         f"{o['peak_rss_mb']:.0f} MB (+{o['above_start_mb']:.0f})")
        print(f"| {operation} | " + " | ".join(cells) + " |")
    print("on disk: " + ", ".join(f"{k} {v:.0f} MiB" for k, v in result["size_mb"].items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="storage runs")
    parser.add_argument("--embed-runs", type=int, default=1, help="embedding runs (5,000 texts take minutes)")
    parser.add_argument("--texts", type=int, default=5_000)
    parser.add_argument("--skip-storage", action="store_true")
    parser.add_argument("--skip-embedding", action="store_true")
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    result: dict = {}
    if not args.skip_storage:
        print(f"storage: {VECTORS:,} vectors of {DIMENSION}, {args.runs} runs", flush=True)
        result["storage"] = storage_bench(args.runs)
        print_storage(result["storage"])
    if not args.skip_embedding:
        print(f"\nembedding: {args.texts:,} real abstracts, {args.embed_runs} runs", flush=True)
        e = result["embedding"] = embedding_bench(args.texts, args.embed_runs)
        med = e["median"]
        print("\n| step | seconds | ratio to bare encode |\n|---|---|---|")
        for step in ("bare", "cached", "reused"):
            print(f"| {step} | {med[step]:.2f} | {med[step] / med['bare']:.4f} |")
        print(f"overhead end to end {e['overhead_end_to_end']:+.2%} (CPU time {e['overhead_cpu']:+.2%}), "
              f"inside the call "
              f"{e['overhead_inside_call']:+.3%} (target ≤ 10 %); texts from {e['sources']}")
    # Sections not run this time keep their last figures.
    path = RESULTS / "embedding.json"
    previous = json.loads(path.read_text()) if path.exists() else {}
    path.write_text(json.dumps({**previous, **result}, indent=2))


if __name__ == "__main__":
    main()
