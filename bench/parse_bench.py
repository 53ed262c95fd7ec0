"""Parse throughput and memory against a bare lxml pass over the same bytes.

Builds large bulk files from the real samples in tests/fixtures (a USPTO weekly-style file of
concatenated grants; DOCDB bulk files of the 1968 DE back-file records, small, and of the modern
WO/YU front-file records, large), at two sizes, then for each runs in fresh processes:
- ours: `read_file` (sniffing, splitting, parsing, normalizing every field, building records);
- bare: `lxml.etree.iterparse` over the same documents (for USPTO, the same documents wrapped in one
  root, since iterparse cannot read concatenated documents), clearing each document as it ends.
Prints documents/s, MB/s, peak RSS (medians of RUNS runs) and the throughput ratio ours/bare, by
wall-clock and by CPU time, and writes bench/results/parse.json. Each run is a bare pass followed at
once by ours, and the ratio is the median of the runs' own ratios: this machine's speed drifts by
±20 % over minutes, and a ratio of two medians taken from different moments carries that drift.

Usage: python bench/parse_bench.py [--sizes-mb 200 400] [--runs 5] [--formats docdb-1968 ...]
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
WORK = ROOT / "bench" / "work"
RESULTS = ROOT / "bench" / "results"

_CHILD = r"""
import sys, time, resource
from lxml import etree
from roadmap_pipeline.lib.formats.reader import read_file  # imports every parser before the clock starts
from roadmap_pipeline.lib.records import Document
mode, path = sys.argv[1], sys.argv[2]
cpu_at_start = resource.getrusage(resource.RUSAGE_SELF)
start = time.perf_counter(); docs = 0
if mode == "ours":
    for record in read_file(path):
        docs += isinstance(record, Document)
else:
    tag = sys.argv[3]
    for _, element in etree.iterparse(path, events=("end",), tag=tag, resolve_entities=False, huge_tree=True):
        docs += 1
        element.clear()
        while element.getprevious() is not None:
            del element.getparent()[0]
elapsed = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_SELF)
cpu = usage.ru_utime + usage.ru_stime - cpu_at_start.ru_utime - cpu_at_start.ru_stime
peak_kb = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM"))
print(docs, elapsed, cpu, peak_kb)
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
    _entity_dtd()
    return path, path


def build_docdb_modern(size_mb: int) -> tuple[Path, Path]:
    """A DOCDB bulk file of modern front-file records (the real WO/YU records, 40 KB each)."""
    envelope = (FIXTURES / "epo-docdb" / "go-epo-bdds__DE-backfile.xml").read_bytes()
    head = envelope[: envelope.index(b"<exch:exchange-document ")]
    records = b"".join(
        (FIXTURES / "epo-docdb" / name).read_bytes().strip()
        for name in ("go-epo-bdds__WO-2022259205-A1_544370561.xml", "go-epo-bdds__WO-2023012807-A1_507242069.xml",
                     "go-epo-bdds__YU-6701-A_381353354.xml")
    )
    path = WORK / f"docdb_modern_{size_mb}mb.xml"
    if not path.exists():
        with path.open("wb") as out:
            out.write(head)
            for _ in range(max(1, size_mb * 1_000_000 // len(records))):
                out.write(records)
            out.write(b"</exch:exchange-documents>\n")
    _entity_dtd()
    return path, path


def _entity_dtd() -> None:
    """The bare pass needs the entity DTD next to the DOCDB files, as a DOCDB delivery has it."""
    dtd = WORK / "docdb-entities.dtd"
    if not dtd.exists():
        dtd.write_bytes((ROOT / "roadmap_pipeline" / "lib" / "formats" / "exchange" / "docdb-entities.dtd").read_bytes())


def measure(mode: str, path: Path, tag: str) -> tuple[int, float, float, int]:
    """(documents, wall seconds, CPU seconds, peak RSS kB) of one pass in a fresh process."""
    out = subprocess.run([sys.executable, "-c", _CHILD, mode, str(path), tag], check=True,
                         capture_output=True, text=True, cwd=ROOT).stdout.split()
    return int(out[0]), float(out[1]), float(out[2]), int(out[3])


_EXCHANGE_DOCUMENT = "{http://www.epo.org/exchange}exchange-document"
# input name -> (builder of its files, tag of one document for the bare pass)
CASES = {
    "uspto": (build_uspto, "us-patent-grant"),
    "docdb-1968": (build_docdb, _EXCHANGE_DOCUMENT),
    "docdb-2022": (build_docdb_modern, _EXCHANGE_DOCUMENT),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes-mb", type=int, nargs="+", default=[200, 400])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--formats", nargs="+", choices=list(CASES),
                        help="the inputs to measure (default: all three)")
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    results = []
    print(f"{'format':<11}{'MB':>6}  {'who':<5}{'docs':>9}{'docs/s':>10}{'MB/s':>8}{'peak RSS MB':>13}{'wall':>7}{'cpu':>7}")
    for name, (build, tag) in CASES.items():
        if args.formats and name not in args.formats:
            continue
        for size in args.sizes_mb:
            ours_path, bare_path = build(size)
            megabytes = ours_path.stat().st_size / 1e6
            row = {"format": name, "file_mb": round(megabytes, 1)}
            # Alternate bare and ours so that load from other processes hits both alike.
            runs = {"bare": [], "ours": []}
            for _ in range(args.runs):
                runs["bare"].append(measure("bare", bare_path, tag))
                runs["ours"].append(measure("ours", ours_path, tag))
            for who, passes in runs.items():
                docs = passes[0][0]
                wall = statistics.median(p[1] for p in passes)
                cpu = statistics.median(p[2] for p in passes)
                row[who] = {"docs": docs, "wall_s": round(wall, 3), "cpu_s": round(cpu, 3),
                            "docs_per_s": round(docs / wall), "mb_per_s": round(megabytes / wall, 1),
                            "peak_rss_mb": round(max(p[3] for p in passes) / 1024, 1)}
            for key, index in (("wall", 1), ("cpu", 2)):
                pairs = [bare[index] / ours[index] for bare, ours in zip(runs["bare"], runs["ours"])]
                row[f"ratio_{key}"] = round(statistics.median(pairs), 3)
                row[f"ratio_{key}_runs"] = [round(ratio, 3) for ratio in pairs]
            results.append(row)
            for who in ("bare", "ours"):
                r = row[who]
                ratios = f"{row['ratio_wall']:>7.2f}{row['ratio_cpu']:>7.2f}" if who == "ours" else ""
                print(f"{name:<11}{megabytes:>6.0f}  {who:<5}{r['docs']:>9}{r['docs_per_s']:>10}{r['mb_per_s']:>8}"
                      f"{r['peak_rss_mb']:>13}{ratios}", flush=True)
    out = RESULTS / ("parse.json" if not args.formats else f"parse-{'-'.join(args.formats)}.json")
    out.write_text(json.dumps(results, indent=2))
    print(f"\n{args.runs} runs of bare then ours; wall/cpu = median of the runs' ours/bare throughput ratios by"
          " wall-clock and by CPU time; target: ratio >= 0.5, peak RSS flat across sizes")


if __name__ == "__main__":
    main()
