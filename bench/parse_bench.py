"""Parse throughput and memory against a bare lxml pass over the same bytes.

Builds large bulk files from the real samples in tests/fixtures (a USPTO weekly-style file of
concatenated grants, a DOCDB bulk file), at two sizes, then for each runs in fresh processes:
- ours: `read_file` (sniffing, splitting, parsing, normalizing every field, building records);
- bare: `lxml.etree.iterparse` over the same documents (for USPTO, the same documents wrapped in one
  root, since iterparse cannot read concatenated documents), clearing each document as it ends.
Prints documents/s, MB/s, peak RSS and the ratio ours/bare (median of RUNS runs), and writes
bench/results/parse.json.

Usage: python bench/parse_bench.py [--sizes-mb 200 400] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
WORK = ROOT / "bench" / "work"
RESULTS = ROOT / "bench" / "results"

_CHILD = r"""
import sys, time, resource
mode, path = sys.argv[1], sys.argv[2]
start = time.perf_counter(); docs = 0
if mode == "ours":
    from roadmap_pipeline.lib.formats.reader import read_file
    from roadmap_pipeline.lib.records import Document
    for record in read_file(path):
        docs += isinstance(record, Document)
else:
    from lxml import etree
    tag = sys.argv[3]
    for _, element in etree.iterparse(path, events=("end",), tag=tag, resolve_entities=False, huge_tree=True):
        docs += 1
        element.clear()
        while element.getprevious() is not None:
            del element.getparent()[0]
elapsed = time.perf_counter() - start
peak_kb = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM"))
print(docs, elapsed, peak_kb)
"""


def build_uspto(size_mb: int) -> tuple[Path, Path]:
    """A concatenated grant file of about `size_mb` MB, and its wrapped twin for the bare pass."""
    source = (FIXTURES / "uspto" / "PatentsView-DB__ipg130416.small.xml").read_bytes()
    ours, bare = WORK / f"ipg_{size_mb}mb.xml", WORK / f"ipg_{size_mb}mb_wrapped.xml"
    if ours.exists() and bare.exists():
        return ours, bare
    body = re.sub(rb"<\?xml[^>]*\?>\s*<!DOCTYPE[^>\[]*(\[[^\]]*\])?\s*>", b"", source)
    repeats = max(1, size_mb * 1_000_000 // len(source))
    with ours.open("wb") as out:
        for _ in range(repeats):
            out.write(source)
    with bare.open("wb") as out:
        out.write(b'<?xml version="1.0" encoding="UTF-8"?>\n<bulk>\n')
        for _ in range(repeats):
            out.write(body)
        out.write(b"</bulk>\n")
    return ours, bare


def build_docdb(size_mb: int) -> tuple[Path, Path]:
    """A DOCDB bulk file of about `size_mb` MB made of the real back-file's documents."""
    source = (FIXTURES / "epo-docdb" / "go-epo-bdds__DE-backfile.xml").read_bytes()
    start = source.index(b"<exch:exchange-document ")
    end = source.rindex(b"</exch:exchange-documents>")
    head, docs, tail = source[:start], source[start:end], source[end:]
    path = WORK / f"docdb_{size_mb}mb.xml"
    if not path.exists():
        repeats = max(1, size_mb * 1_000_000 // len(docs))
        with path.open("wb") as out:
            out.write(head)
            for _ in range(repeats):
                out.write(docs)
            out.write(tail)
    # The bare pass needs the entity DTD next to the file, as a DOCDB delivery has it.
    dtd = WORK / "docdb-entities.dtd"
    if not dtd.exists():
        dtd.write_bytes((ROOT / "roadmap_pipeline" / "lib" / "formats" / "docdb-entities.dtd").read_bytes())
    return path, path


def measure(mode: str, path: Path, tag: str) -> tuple[int, float, int]:
    out = subprocess.run([sys.executable, "-c", _CHILD, mode, str(path), tag], check=True,
                         capture_output=True, text=True, cwd=ROOT).stdout.split()
    return int(out[0]), float(out[1]), int(out[2])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes-mb", type=int, nargs="+", default=[200, 400])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    cases = [("uspto", build_uspto, "us-patent-grant"),
             ("docdb", build_docdb, "{http://www.epo.org/exchange}exchange-document")]
    results = []
    print(f"{'format':<7}{'MB':>6}  {'who':<5}{'docs':>9}{'docs/s':>10}{'MB/s':>8}{'peak RSS MB':>13}{'ratio':>7}")
    for name, build, tag in cases:
        for size in args.sizes_mb:
            ours_path, bare_path = build(size)
            megabytes = ours_path.stat().st_size / 1e6
            row = {"format": name, "file_mb": round(megabytes, 1)}
            for who, path in (("bare", bare_path), ("ours", ours_path)):
                runs = [measure(who, path, tag) for _ in range(args.runs)]
                docs = runs[0][0]
                seconds = statistics.median(r[1] for r in runs)
                peak = max(r[2] for r in runs) / 1024
                row[who] = {"docs": docs, "seconds": round(seconds, 3), "docs_per_s": round(docs / seconds),
                            "mb_per_s": round(megabytes / seconds, 1), "peak_rss_mb": round(peak, 1)}
            row["ratio_ours_over_bare_throughput"] = round(row["bare"]["seconds"] / row["ours"]["seconds"], 3)
            results.append(row)
            for who in ("bare", "ours"):
                r = row[who]
                ratio = f"{row['ratio_ours_over_bare_throughput']:.2f}" if who == "ours" else ""
                print(f"{name:<7}{megabytes:>6.0f}  {who:<5}{r['docs']:>9}{r['docs_per_s']:>10}{r['mb_per_s']:>8}"
                      f"{r['peak_rss_mb']:>13}{ratio:>7}", flush=True)
    (RESULTS / "parse.json").write_text(json.dumps(results, indent=2))
    print(f"\nmedian of {args.runs} runs each; target: ratio >= 0.5, peak RSS flat across sizes")


if __name__ == "__main__":
    main()
