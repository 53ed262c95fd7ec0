"""A simulated analyst reviews the screening of the SYNTHETIC demo corpus through the review workbooks, round after round.

The demo corpus's warehouse (default: data/warehouse/roadmap.duckdb built from data/raw by
`roadmap materialize`) is copied into WORK, with its embedding cache, and screened with the pipeline's
own code (`screen_subclass`) under a harder taxonomy: the default one with every exclusion removed,
so that the unlabelled screening is the similarity to the description alone and keeps most of the
planted noise. Then, per order of review, round after round:

1. every subclass is screened with the verdicts in the labels folder (none in round 0);
2. the review workbooks are written as the `taxonomy/review_workbooks` asset writes them;
3. the simulated analyst opens each workbook with openpyxl, writes the ground truth's verdict
   (`valid`/`noise` for English families, `유효`/`노이즈` for the others) into the verdict column
   of the next 10 unjudged rows — from the top for ``uncertainty`` (the workbook's own order), for
   ``margin`` from the top of a workbook ordered by the distance to the threshold alone, in a random
   order for ``random`` (seeded) — and saves it into the labels folder, replacing the earlier one
   (it carries the earlier verdicts).

Precision and recall of `is_valid` against the planted truth (`evaluate.screening_scores`, over all
planted families: a family the search expression misses counts against recall) after 0, 10, 20, 50
and 100 verdicts per subclass, overall and per text language of the families (English and the
native-only Korean, Japanese and Chinese ones). Figures on a synthetic corpus are optimistic.

Writes bench/results/review_bench.json and .md (--name to change). --unjudged-weight 0 trains the
classifier on the verdicts alone, as it was before the unjudged candidates joined its training.

Usage: python bench/review_bench.py [--warehouse W] [--raw DIR] [--embeddings DIR] [--work DIR]
           [--orders uncertainty margin random] [--step 10] [--rounds 10] [--seed 0]
(set ROADMAP_EMBEDDING_BACKEND=hashing for a quick run of the mechanics.)
"""

from __future__ import annotations

import argparse
import json
import logging
import shutil
import sys
import time
from pathlib import Path

import numpy as np
import polars as pl
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results"
REPORTED = (0, 10, 20, 50, 100)
NATIVE_WORDS = {True: "유효", False: "노이즈"}
ENGLISH_WORDS = {True: "valid", False: "noise"}


def progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def harder_taxonomy(source: Path, target: Path) -> None:
    """The taxonomy without any subclass's exclusions."""
    document = yaml.safe_load(source.read_text(encoding="utf-8"))
    for category in document["categories"]:
        for subclass in category["subclasses"]:
            subclass.pop("exclude", None)
    target.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")


def truth_of(raw: Path, warehouse: Path) -> tuple[dict[tuple[str, str], bool], dict[str, str]]:
    """(subclass, family_id) → planted valid, and family_id → text language, for every candidate."""
    import duckdb

    from roadmap_pipeline.demo.synthetic.evaluate import family_map, planted_families

    planted = planted_families(raw)
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        mapping = family_map(conn, planted)
        families = [r[0] for r in conn.sql("SELECT family_id FROM core.families").fetchall()]
    truth = {}
    for family in families:
        record = planted.get(mapping.get(family, ""), {})
        for subclass in record.get("subclasses", []):
            truth[(subclass, family)] = True
    languages = {family: planted[key]["text_lang"] for family, key in mapping.items()}
    return truth, languages


def analyst_round(review: Path, labels: Path, truth: dict, languages: dict, order: str, step: int,
                  rng: np.random.Generator) -> int:
    """Fill the next `step` unjudged verdicts of each review workbook and save it into `labels`; verdicts written."""
    from openpyxl import load_workbook

    from roadmap_pipeline.lib.review import REVIEW_COLUMNS

    keys = [c.key for c in REVIEW_COLUMNS]
    family_col, subclass_col, verdict_col = (keys.index(k) + 1 for k in ("family_id", "subclass_key", "verdict"))
    written = 0
    for path in sorted(review.glob("*.xlsx")):
        if path.name.startswith("review_all"):
            continue
        workbook = load_workbook(path)
        sheet = workbook.worksheets[0]
        open_rows = [r for r in range(2, sheet.max_row + 1) if sheet.cell(r, verdict_col).value in (None, "")]
        if order == "random":
            open_rows = [open_rows[i] for i in rng.permutation(len(open_rows))]
        for row in open_rows[:step]:
            family, subclass = sheet.cell(row, family_col).value, sheet.cell(row, subclass_col).value
            valid = truth.get((subclass, family), False)
            words = ENGLISH_WORDS if languages.get(family, "en") == "en" else NATIVE_WORDS
            sheet.cell(row, verdict_col).value = words[valid]
            written += 1
        workbook.save(labels / path.name)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", type=Path, default=ROOT / "data" / "warehouse" / "roadmap.duckdb")
    parser.add_argument("--raw", type=Path, default=ROOT / "data" / "raw", help="the demo landing zone (ground truth)")
    parser.add_argument("--embeddings", type=Path, default=ROOT / "data" / "artifacts" / "embeddings")
    parser.add_argument("--work", type=Path, default=ROOT / "bench" / "work" / "review")
    parser.add_argument("--orders", nargs="+", default=["uncertainty", "margin", "random"])
    parser.add_argument("--step", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--unjudged-weight", type=float, default=None,
                        help="the classifier's weight of unjudged candidates (0: trained on the verdicts alone)")
    parser.add_argument("--name", default="review_bench", help="results file name in bench/results/")
    args = parser.parse_args()

    from roadmap_pipeline import settings
    from roadmap_pipeline.demo.synthetic.evaluate import screening_scores, screening_scores_by_language
    from roadmap_pipeline.defs.resources import Embeddings, warehouse_resource
    from roadmap_pipeline.defs.taxonomy.screening import screen_subclass
    from roadmap_pipeline.lib import review as review_lib
    from roadmap_pipeline.lib.review import GUIDE, read_verdicts, review_rows, write_review_workbook
    from roadmap_pipeline.lib.taxonomy import load_taxonomy
    from roadmap_pipeline.lib.warehouse import load_sql

    if args.unjudged_weight is not None:
        from roadmap_pipeline.lib import screening

        screening.UNJUDGED_WEIGHT = args.unjudged_weight
    logging.basicConfig(level=logging.WARNING)
    log = logging.getLogger("review_bench")
    work = args.work
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    warehouse = work / "warehouse.duckdb"
    shutil.copy(args.warehouse, warehouse)
    if args.embeddings.is_dir():
        shutil.copytree(args.embeddings, work / "embeddings")
    harder_taxonomy(settings.taxonomy_path(), work / "taxonomy.yaml")
    taxonomy = load_taxonomy(work / "taxonomy.yaml")
    resource = warehouse_resource(warehouse)
    embeddings = Embeddings(model=settings.embedding_model(), backend=settings.embedding_backend(),
                            cache_dir=str(work / "embeddings"))
    model = embeddings.embedder().model_id
    truth, languages = truth_of(args.raw, warehouse)
    progress(f"{len(taxonomy.subclasses)} subclasses, exclusions removed; model {model}")

    results: dict[str, list[dict]] = {}
    for order in args.orders:
        rng = np.random.default_rng(args.seed)
        labels, review = work / order / "labels", work / order / "review"
        labels.mkdir(parents=True)
        rows = results[order] = []
        for round_no in range(args.rounds + 1):
            started = time.perf_counter()
            verdicts = read_verdicts(labels, taxonomy.subclass_keys)
            if verdicts.problems:
                raise SystemExit(f"{order}, round {round_no}: the workbooks came back with problems: {verdicts.problems[:3]}")
            for subclass in taxonomy.subclasses:
                screen_subclass(subclass, resource, embeddings, labels, log, verdicts=verdicts)
            per_subclass = round_no * args.step
            if per_subclass in REPORTED:
                overall = screening_scores(args.raw, warehouse).row(-1, named=True)
                by_language = {r["text_lang"]: r for r in screening_scores_by_language(args.raw, warehouse).to_dicts()}
                with _read(warehouse) as conn:
                    methods = dict(conn.sql("SELECT relevance_method, count(DISTINCT subclass_key)"
                                            " FROM taxonomy.subclass_patents GROUP BY 1").fetchall())
                rows.append({
                    "verdicts_per_subclass": per_subclass,
                    "verdicts": sum(len(verdicts.of(k)) for k in taxonomy.subclass_keys),
                    "precision": overall["precision"], "recall": overall["recall"],
                    **{f"{lang}_{m}": by_language[lang][m] for lang in ("en", "ko", "ja", "zh") if lang in by_language
                       for m in ("precision", "recall")},
                    "methods": methods,
                })
                progress(f"{order}: {per_subclass} verdicts per subclass: P {overall['precision']} R {overall['recall']}"
                         f" ({time.perf_counter() - started:.1f} s)")
            if round_no == args.rounds:
                break
            with _read(warehouse) as conn:
                candidates = conn.execute(load_sql("review_candidates")).pl()
            for subclass in taxonomy.subclasses:
                frame = candidates.filter(pl.col("subclass_key") == subclass.key)
                ordered = review_rows(frame, by_language=order != "margin")
                write_review_workbook({subclass.key: (subclass.name_ko, ordered)}, review / f"{subclass.key}.xlsx", GUIDE)
            analyst_round(review, labels, truth, languages, order, args.step, rng)

    RESULTS.mkdir(parents=True, exist_ok=True)
    payload = {"model": model, "taxonomy": "default without exclusions", "step": args.step, "seed": args.seed,
               "unjudged_weight": args.unjudged_weight, "orders": results, "module": review_lib.__name__}
    (RESULTS / f"{args.name}.json").write_text(json.dumps(payload, indent=2, ensure_ascii=False), encoding="utf-8")
    lines = [f"Simulated analyst, demo corpus (SYNTHETIC) without exclusions, model {model}", "",
             "| verdicts per subclass | " + " | ".join(f"{o} P / R" for o in results) + " |",
             "|---|" + "---|" * len(results)]
    for i, budget in enumerate(REPORTED):
        cells = []
        for order in results:
            match = [r for r in results[order] if r["verdicts_per_subclass"] == budget]
            cells.append(f"{match[0]['precision']:.3f} / {match[0]['recall']:.3f}" if match else "")
        lines.append(f"| {budget} | " + " | ".join(cells) + " |")
    lines += ["", "Per text language at each count (P / R): en, ko, ja, zh", ""]
    for order, rows in results.items():
        for r in rows:
            lines.append(f"- {order} {r['verdicts_per_subclass']}: " + ", ".join(
                f"{lang} {r.get(f'{lang}_precision')} / {r.get(f'{lang}_recall')}" for lang in ("en", "ko", "ja", "zh")))
    (RESULTS / f"{args.name}.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


def _read(warehouse: Path):
    import duckdb

    return duckdb.connect(str(warehouse), read_only=True)


if __name__ == "__main__":
    main()
