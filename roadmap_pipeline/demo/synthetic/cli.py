"""Command line of the generator: ``roadmap generate [--documents N] [--out DIR] [--seed S] [--if-empty]``.

Also runnable as ``python -m roadmap_pipeline.demo.synthetic``. Every line it prints says that the
data is synthetic.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from roadmap_pipeline.demo.synthetic.corpus import (
    DEFAULT_DOCUMENTS,
    DEFAULT_SEED,
    LandingZoneNotEmpty,
    generate_corpus,
    is_empty,
)

DESCRIPTION = (
    "Write a SYNTHETIC five-office patent corpus (USPTO XML, EPO DOCDB, KIPRIS Plus files under "
    "<OFFICE>/<YYYY-MM>/) with its ground truth (ground_truth.json) into an empty landing zone. "
    "The data is invented, for demonstrations, tests and benchmarks."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The generator's options, for a sub-command of another parser."""
    parser.add_argument("--documents", type=int, default=DEFAULT_DOCUMENTS, metavar="N",
                        help=f"publications to generate (default {DEFAULT_DOCUMENTS})")
    parser.add_argument("--out", type=Path, default=None, metavar="DIR",
                        help="landing zone to write (default: ROADMAP_RAW_DIR, data/raw); must be empty")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})")
    parser.add_argument("--background-share", type=float, default=0.0, metavar="S",
                        help="share of families outside the taxonomy, as in an office's bulk data "
                             "(default 0: every family is a taxonomy or noise family)")
    parser.add_argument("--if-empty", action="store_true",
                        help="do nothing (exit 0) when the landing zone already holds files")


def run(args: argparse.Namespace) -> int:
    """Run the generator with parsed `args`; exit status 0 on success, 2 when refused."""
    out = args.out
    if out is None:
        from roadmap_pipeline import settings

        out = settings.raw_dir()
    if args.if_empty and not is_empty(out):
        print(f"landing zone {out} already holds files: no synthetic corpus generated")
        return 0
    started = time.perf_counter()

    def progress(documents: int, families: int) -> None:
        print(f"  synthetic corpus: {documents:,} documents, {families:,} families", file=sys.stderr)

    try:
        report = progress if args.documents >= 100_000 else None
        truth = generate_corpus(out, args.documents, args.seed, background_share=args.background_share,
                                progress=report)
    except LandingZoneNotEmpty as exc:
        print(f"error: {exc} (use --if-empty to skip, or another --out)", file=sys.stderr)
        return 2
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    summary = _summary(truth)
    offices = ", ".join(f"{office} {count:,}" for office, count in summary["documents_by_office"].items())
    print(f"SYNTHETIC demo corpus (seed {args.seed}): {summary['documents']:,} documents in "
          f"{summary['families']:,} families ({offices}), {summary['files']:,} files in {out}, "
          f"{time.perf_counter() - started:.1f} s")
    print(f"ground truth of the synthetic corpus: {truth}")
    return 0


def _summary(truth: Path) -> dict:
    """The summary object, read from the end of the ground truth without loading the families."""
    with truth.open("rb") as handle:
        handle.seek(0, 2)
        size = handle.tell()
        handle.seek(max(0, size - (1 << 16)))
        tail = handle.read().decode("utf-8", "replace")
    return json.loads(tail[tail.rindex('"summary": ') + len('"summary": '):].rstrip().removesuffix("}"))


def main(argv: list[str] | None = None) -> int:
    """``python -m roadmap_pipeline.demo.synthetic --documents N --out DIR --seed S``."""
    parser = argparse.ArgumentParser(prog="roadmap generate", description=DESCRIPTION)
    add_arguments(parser)
    return run(parser.parse_args(argv))
