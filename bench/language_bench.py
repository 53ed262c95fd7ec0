"""Screening, Korea's share and topic clusters per text language on the SYNTHETIC demo corpus, model by model.

The demo corpus (default size and seed, `roadmap generate`) is generated once into WORK/raw. For each
model of --models (a ROADMAP_EMBEDDING_MODEL value; ``default`` leaves the variable unset) the whole
graph runs as `roadmap materialize` in a child process, on a fresh warehouse, artifacts (embedding
cache included) and DAGSTER_HOME under WORK/<model>/; its wall and CPU seconds are recorded. Then,
from each warehouse against the ground truth:

- screening precision and recall per text language of the families: ``en`` (an English abstract in
  some record) and the native-only ``ko``, ``ja``, ``zh``, with each native language's difference to
  English (`evaluate.screening_scores_by_language`; (subclass, family) pairs over all subclasses);
- Korea's share (first filing in KR) among each subclass's valid families against the share among
  the families planted in it (`evaluate.korea_share_agreement`), and the largest deviation in points;
- clusters: the adjusted Rand index against the planted sub-topics, all families and English ones
  alone, mean over subclasses (`evaluate.cluster_agreement` and the same on English families), and
  per native language the share of its clustered families that sit in the cluster holding most of
  the English families of their planted sub-topic (``with_siblings``: a Korean family about bearing
  faults in the bearing-fault cluster of the English families);
- the real-corpus tests of emerging terms (Koehrsen: 'convolutional' and 'deep' emerge), run under
  each model's setting.

With --strategies the candidates of the first model's warehouse are scored again, for every model,
with each way of choosing what a candidate is compared with (English texts only; the texts in the
candidate's own language; the highest similarity over the four languages; the mean over them), so
that the choice the screening makes is a measurement, not a guess; and with the labels classifier
trained on English families alone (per subclass up to 15 valid and 8 noise candidates drawn from the
ground truth, seed 0), scored on the other candidates: does it carry over to native-only families?

Figures on a synthetic corpus are optimistic: its native texts are generated from a small vocabulary.

Writes bench/results/language_bench.json and bench/results/language_bench.md.

Usage: python bench/language_bench.py [--models all-MiniLM-L6-v2 default] [--work DIR] [--strategies]
           [--documents N] [--seed S] [--reuse] [--cache DIR]

--cache seeds each model's fresh embedding cache with a copy of DIR (an ``embeddings`` directory of
an earlier run on the same corpus): vectors are keyed by model and text, so the figures are those of
a run from scratch, without embedding the corpus again; the timings are then not comparable.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results"
LANGUAGES = ("en", "ko", "ja", "zh")
NATIVE = ("ko", "ja", "zh")


def progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def roadmap(*args: str, env: dict, log: Path) -> dict:
    """Runs `roadmap ARGS` in a child process; wall and CPU seconds (the child and its workers)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    with log.open("a", encoding="utf-8") as handle:
        code = subprocess.run([sys.executable, "-m", "roadmap_pipeline.cli", *args], env=env, cwd=ROOT,
                              stdout=handle, stderr=subprocess.STDOUT).returncode
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if code:
        raise SystemExit(f"roadmap {' '.join(args)} failed ({code}); see {log}")
    return {"wall_s": round(time.perf_counter() - started, 1),
            "cpu_s": round(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, 1)}


def environment(work: Path, model: str) -> dict:
    """The environment of one model's run: its own warehouse, artifacts and Dagster instance."""
    base = work / model
    home = base / "dagster_home"
    home.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "dagster.yaml", home / "dagster.yaml")
    env = {**os.environ, "DAGSTER_HOME": str(home), "ROADMAP_RAW_DIR": str(work / "raw"),
           "ROADMAP_WAREHOUSE": str(base / "warehouse.duckdb"), "ROADMAP_ARTIFACTS": str(base / "artifacts"),
           "PYTHONUNBUFFERED": "1", "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    env.pop("ROADMAP_EMBEDDING_MODEL", None)
    if model != "default":
        env["ROADMAP_EMBEDDING_MODEL"] = model
    return env


def run_model(work: Path, model: str, reuse: bool, cache: Path | None = None) -> dict:
    env = environment(work, model)
    base = work / model
    if reuse and (base / "warehouse.duckdb").is_file():
        progress(f"{model}: reusing {base / 'warehouse.duckdb'}")
        return {}
    for stale in ("warehouse.duckdb", "artifacts", "dagster_home/storage", "dagster_home/history"):
        path = base / stale
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
    if cache is not None:
        shutil.copytree(cache, base / "artifacts" / "embeddings")
    progress(f"{model}: roadmap materialize")
    timing = roadmap("materialize", env=env, log=base / "materialize.log")
    progress(f"{model}: {timing['wall_s']} s wall, {timing['cpu_s']} s CPU")
    return timing


def cluster_language_agreement(landing: Path, warehouse: Path) -> pl.DataFrame:
    """Per subclass and text language: clustered families, ARI on English families, share with their siblings.

    ``with_siblings`` is the share of a language's clustered families (outliers left out) whose
    cluster is the one holding most English families of the same planted sub-topic.
    """
    from sklearn.metrics import adjusted_rand_score

    from roadmap_pipeline.defs.resources import connect
    from roadmap_pipeline.demo.synthetic.evaluate import family_map, planted_families

    planted = planted_families(landing)
    with connect(warehouse) as conn:
        mapping = family_map(conn, planted)
        members = conn.sql("SELECT subclass_key, family_id, cluster_id FROM topics.cluster_members").pl()
    rows = [(s, planted[mapping[f]]["topic"], planted[mapping[f]]["text_lang"], c)
            for s, f, c in members.iter_rows() if f in mapping]
    frame = pl.DataFrame(rows, schema=["subclass_key", "topic", "lang", "cluster"], orient="row")
    english = frame.filter(pl.col("lang") == "en")
    home = (english.filter(pl.col("cluster") >= 0).group_by("subclass_key", "topic", "cluster").len()
            .sort("len", "cluster", descending=[True, False]).group_by("subclass_key", "topic", maintain_order=True)
            .first().select("subclass_key", "topic", pl.col("cluster").alias("sibling_cluster")))
    shares = (frame.filter(pl.col("cluster") >= 0).join(home, on=["subclass_key", "topic"], how="left")
              .group_by("subclass_key", "lang").agg(
                  clustered=pl.len(), with_siblings=(pl.col("cluster") == pl.col("sibling_cluster")).sum()))
    ari_en = pl.DataFrame([
        {"subclass_key": key, "ari_en": adjusted_rand_score(group["topic"], group["cluster"])}
        for (key,), group in english.group_by("subclass_key")
    ])
    return shares.join(ari_en, on="subclass_key", how="left").sort("subclass_key", "lang")


def koehrsen_tests(model: str) -> str:
    """The real-corpus emergence tests under the model's setting: 'passed' or pytest's last line."""
    env = {**os.environ}
    env.pop("ROADMAP_EMBEDDING_MODEL", None)
    if model != "default":
        env["ROADMAP_EMBEDDING_MODEL"] = model
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_keywords_emergence.py", "-k", "koehrsen"],
        env=env, cwd=ROOT, capture_output=True, text=True)
    last = (result.stdout.strip().splitlines() or ["no output"])[-1]
    return "passed" if result.returncode == 0 else f"failed: {last}"


def evaluate(work: Path, model: str) -> dict:
    from roadmap_pipeline.defs.resources import connect
    from roadmap_pipeline.demo.synthetic.evaluate import (
        cluster_agreement,
        korea_share_agreement,
        screening_scores_by_language,
    )

    landing, warehouse = work / "raw", work / model / "warehouse.duckdb"
    with connect(warehouse) as conn:
        model_id = conn.sql("SELECT any_value(model) FROM taxonomy.subclass_patents").fetchone()[0]
    screening = screening_scores_by_language(landing, warehouse)
    korea = korea_share_agreement(landing, warehouse)
    clusters = cluster_agreement(landing, warehouse)
    per_language = cluster_language_agreement(landing, warehouse)
    siblings = (per_language.group_by("lang").agg(pl.col("clustered").sum(), pl.col("with_siblings").sum())
                .with_columns((pl.col("with_siblings") / pl.col("clustered")).round(3).alias("share")))
    return {
        "model": model,
        "model_id": model_id,
        "screening": screening.to_dicts(),
        "korea_share": korea.to_dicts(),
        "korea_max_error_pp": korea["error_pp"].abs().max(),
        "ari_mean": round(clusters["ari"].mean(), 3),
        "ari_en_mean": round(per_language.unique("subclass_key")["ari_en"].mean(), 3),
        "clusters": clusters.to_dicts(),
        "with_siblings": {r["lang"]: r for r in siblings.to_dicts()},
        "koehrsen_tests": koehrsen_tests(model),
    }


# --- screening strategies ---------------------------------------------------------------------------


def strategies(work: Path, source_model: str, models: list[str]) -> list[dict]:
    """Precision and recall per text language of each way to pick the compared texts, for each model.

    The candidates and their texts are those of `source_model`'s warehouse (the search expressions
    do not depend on the model); relevance is the description similarity minus the highest
    exclusion similarity, threshold 0, as the screening's default.
    """
    from roadmap_pipeline.defs.resources import connect
    from roadmap_pipeline.demo.synthetic.evaluate import family_map, planted_families
    from roadmap_pipeline.lib.embeddings import embed_with_cache, embedder_for
    from roadmap_pipeline.lib.embeddings.cache import EmbeddingCache
    from roadmap_pipeline.lib.screening import score_candidates
    from roadmap_pipeline.lib.taxonomy import load_taxonomy
    from roadmap_pipeline.settings import DEFAULT_TAXONOMY

    landing, warehouse = work / "raw", work / source_model / "warehouse.duckdb"
    planted = planted_families(landing)
    with connect(warehouse) as conn:
        mapping = family_map(conn, planted)
        candidates = conn.sql(
            "SELECT p.subclass_key, p.family_id, t.embed_text, t.embed_lang FROM taxonomy.subclass_patents AS p"
            " JOIN taxonomy.search_texts AS t USING (family_id) ORDER BY ALL").pl()
    taxonomy = load_taxonomy(DEFAULT_TAXONOMY)
    truth_pairs = [(s, f["text_lang"]) for f in planted.values() for s in f["subclasses"]]
    records = []
    for model in models:
        rng = np.random.default_rng(0)
        embedder = embedder_for(None if model == "default" else model)
        cache = EmbeddingCache(work / model / "artifacts" / "embeddings")
        rows = []
        for subclass in taxonomy.subclasses:
            group = candidates.filter(pl.col("subclass_key") == subclass.key)
            references = [subclass.screening_texts(lang) for lang in LANGUAGES]
            texts = group["embed_text"].fill_null("").to_list()
            reference_texts = [t for _, description, exclude in references for t in (description, *exclude)]
            vectors, _ = embed_with_cache(embedder, cache, texts + reference_texts)
            X, start, relevance = vectors[: len(texts)], len(texts), {}
            for lang, (_, _, exclude) in zip(LANGUAGES, references):
                description, excludes = vectors[start], vectors[start + 1: start + 1 + len(exclude)]
                relevance[lang] = (X @ description, (X @ excludes.T).max(axis=1))
                start += 1 + len(exclude)
            own_lang = [lang if lang in relevance else "en" for lang in group["embed_lang"].fill_null("en")]
            pick = {lang: np.array(own_lang) == lang for lang in LANGUAGES}
            scored = {
                "English texts": relevance["en"][0] - relevance["en"][1],
                "own language": sum(np.where(pick[l], relevance[l][0] - relevance[l][1], 0) for l in LANGUAGES),
                "highest over languages": np.max([relevance[l][0] for l in LANGUAGES], axis=0)
                - np.max([relevance[l][1] for l in LANGUAGES], axis=0),
                "mean over languages": np.mean([relevance[l][0] - relevance[l][1] for l in LANGUAGES], axis=0),
            }
            families = [planted.get(mapping.get(f, "")) for f in group["family_id"]]
            truth = np.array([f is not None and subclass.key in f["subclasses"] for f in families])
            labelled = english_labels(families, truth, rng)
            if labelled is not None:
                classifier = score_candidates(X, X[0], labelled=(X[labelled], truth[labelled]))
                scored["classifier on English labels"] = classifier.relevance - classifier.threshold
            for index, family in enumerate(families):
                if family is None:
                    continue
                for name, values in scored.items():
                    if name.startswith("classifier") and index in labelled:
                        continue  # the labelled families are not scored against their own labels
                    rows.append((name, family["text_lang"], bool(truth[index]), bool(values[index] >= 0)))
        frame = pl.DataFrame(rows, schema=["strategy", "lang", "truth", "valid"], orient="row")
        for name in scored:
            for lang in LANGUAGES:
                part = frame.filter((pl.col("strategy") == name) & (pl.col("lang") == lang))
                tp = int((part["truth"] & part["valid"]).sum())
                planted_n = sum(1 for _, l in truth_pairs if l == lang)
                # Recall over the scored planted families (the classifier's labelled ones are not scored).
                scored_truth = int(part["truth"].sum()) if name.startswith("classifier") else planted_n
                records.append({"model": model, "strategy": name, "lang": lang,
                                "precision": round(tp / max(int(part["valid"].sum()), 1), 3),
                                "recall": round(tp / max(scored_truth, 1), 3)})
        progress(f"strategies: {model} done")
    return records


def english_labels(families: list[dict | None], truth: np.ndarray, rng: np.random.Generator) -> list[int] | None:
    """Rows an analyst might label: up to 15 valid and 8 noise English candidates; None when too few."""
    english = [i for i, f in enumerate(families) if f is not None and f["text_lang"] == "en"]
    valid = [i for i in english if truth[i]]
    noise = [i for i in english if not truth[i]]
    if len(valid) < 3 or len(noise) < 3:
        return None
    return sorted(rng.choice(valid, min(15, len(valid)), replace=False).tolist()
                  + rng.choice(noise, min(8, len(noise)), replace=False).tolist())


# --- report ------------------------------------------------------------------------------------------


def markdown(results: list[dict], timings: dict, strategy_rows: list[dict]) -> str:
    names = [r["model"] for r in results]
    lines = ["| | " + " | ".join(f"{r['model']} ({r['model_id']})" for r in results) + " |",
             "|---|" + "---|" * len(results)]

    def row(label: str, values: list) -> None:
        lines.append(f"| {label} | " + " | ".join(str(v) for v in values) + " |")

    for lang in LANGUAGES:
        cells = []
        for r in results:
            screening = {s["text_lang"]: s for s in r["screening"]}
            s = screening.get(lang)
            if s is None:
                cells.append("–")
                continue
            text = f"P {s['precision']:.3f} / R {s['recall']:.3f} ({s['planted']} planted)"
            if lang != "en" and "en" in screening:
                text += (f"; Δ P {s['precision'] - screening['en']['precision']:+.3f}"
                         f", Δ R {s['recall'] - screening['en']['recall']:+.3f}")
            cells.append(text)
        row(f"screening {lang}", cells)
    row("Korea share: largest |found − planted| (points)", [r["korea_max_error_pp"] for r in results])
    row("ARI vs planted sub-topics (mean of subclasses)", [r["ari_mean"] for r in results])
    row("ARI, English families alone", [r["ari_en_mean"] for r in results])
    for lang in NATIVE:
        row(f"{lang} families in their English siblings' cluster",
            [f"{r['with_siblings'][lang]['share']:.3f} of {r['with_siblings'][lang]['clustered']}"
             if lang in r["with_siblings"] else "–" for r in results])
    row("Koehrsen emergence tests", [r["koehrsen_tests"] for r in results])
    row("`roadmap materialize` wall / CPU s", [f"{timings.get(n, {}).get('wall_s', '–')} / {timings.get(n, {}).get('cpu_s', '–')}"
                                              for n in names])
    text = "\n".join(lines) + "\n"
    korea = ["", "Korea share per subclass (found among valid families / in the planted families, points):", "",
             "| subclass | " + " | ".join(names) + " |", "|---|" + "---|" * len(results)]
    keys = [k["subclass_key"] for k in results[0]["korea_share"]]
    for key in keys:
        cells = []
        for r in results:
            k = next(x for x in r["korea_share"] if x["subclass_key"] == key)
            cells.append(f"{k['found']} / {k['in_truth']} ({k['error_pp']:+})" if k["error_pp"] is not None else "–")
        korea.append(f"| {key} | " + " | ".join(cells) + " |")
    text += "\n".join(korea) + "\n"
    if strategy_rows:
        frame = pl.DataFrame(strategy_rows)
        out = ["", "Screening strategies (candidates re-scored; P / R per text language, threshold 0):", "",
               "| model | strategy | " + " | ".join(LANGUAGES) + " |", "|---|---|" + "---|" * len(LANGUAGES)]
        for (model, strategy), group in frame.group_by("model", "strategy", maintain_order=True):
            by_lang = {r["lang"]: r for r in group.to_dicts()}
            out.append(f"| {model} | {strategy} | " + " | ".join(
                f"{by_lang[l]['precision']:.3f} / {by_lang[l]['recall']:.3f}" for l in LANGUAGES) + " |")
        text += "\n".join(out) + "\n"
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="+", default=["all-MiniLM-L6-v2", "default"])
    parser.add_argument("--work", type=Path, default=ROOT / "bench" / "work" / "language")
    parser.add_argument("--documents", type=int, default=None, help="corpus size (default: the demo's)")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--reuse", action="store_true", help="keep a model's warehouse from an earlier run")
    parser.add_argument("--cache", type=Path, default=None, help="seed each model's embedding cache with a copy of DIR")
    parser.add_argument("--strategies", action="store_true", help="re-score the candidates with each strategy")
    args = parser.parse_args(argv)

    work = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    if not (work / "raw" / "ground_truth.json").is_file():
        progress("generating the demo corpus")
        options = [*(["--documents", str(args.documents)] if args.documents else []),
                   *(["--seed", str(args.seed)] if args.seed is not None else [])]
        roadmap("generate", *options, env=environment(work, "generate"), log=work / "generate.log")
    timings = {model: run_model(work, model, args.reuse, args.cache) for model in args.models}
    results = [evaluate(work, model) for model in args.models]
    strategy_rows = strategies(work, args.models[0], args.models) if args.strategies else []
    RESULTS.mkdir(parents=True, exist_ok=True)
    record = {"models": args.models, "timings": timings, "results": results, "strategies": strategy_rows,
              "corpus": str(work / "raw")}
    (RESULTS / "language_bench.json").write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    text = markdown(results, timings, strategy_rows)
    (RESULTS / "language_bench.md").write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
