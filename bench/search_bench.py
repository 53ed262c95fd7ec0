"""Search expressions over synthetic families: the compiled SQL against a one-full-regex-per-term baseline.

Usage: python bench/search_bench.py [--rows 200000] [--repeats 3]

The families table has ~800 characters of title + abstract per row, a Zipf-like vocabulary of 20k
words plus domain words at realistic frequencies, a quarter Korean rows, CPC/IPC lists,
applicants and priority years (cached under bench/work/). The expression has 31 leaves: phrases,
truncation, Korean substrings, class symbols, applicants, years, NOT. The baseline is the same
expression with each whole-word leaf as one full RE2 pattern (no contains/anchored pre-filter).
Prints medians of the repeats and the ratio, and writes bench/results/search.json.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import time
from pathlib import Path

import duckdb
import numpy as np
import polars as pl

from roadmap_pipeline.lib.search import compile_expression, parse

WORK = Path(__file__).parent / "work"
RESULTS = Path(__file__).parent / "results"
EXPRESSION = """
((("machine learning" OR "deep learning" OR "neural network*" OR AI OR "artificial intelligence"
   OR 인공지능 OR 딥러닝 OR 머신러닝 OR "reinforcement learning")
  AND ("process design" OR "process planning" OR "manufacturing process*" OR 공정설계 OR
       "process parameter*" OR optimi* OR "digital twin*" OR simulat* OR "injection molding" OR 사출))
 OR CPC:G05B19/418* OR CPC:G06N OR IPC:G06N3 OR CPC:"G05B 13/02" OR CPC:G06Q50/04)
AND PY:2005..2024
NOT (TI:(toy OR game*) OR AP:university OR AP:"general electric" OR 완구 OR CPC:A61B)
"""


def families(n: int, seed: int = 7) -> pl.DataFrame:
    """The synthetic families table (cached as Parquet per size and seed)."""
    path = WORK / f"search_families_{n}_{seed}.parquet"
    if path.exists():
        return pl.read_parquet(path)
    rng = np.random.default_rng(seed)
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
    filler = ["".join(rng.choice(letters, rng.integers(3, 10))) for _ in range(20000)]
    common = "the a of and to in for with by on is are said first second plurality".split()
    domain = ("system method apparatus device process data model control unit signal sensor image value based "
              "learning neural network networks machine deep artificial intelligence optimization optimizing "
              "optimize manufacturing design planning parameter parameters simulation simulated digital twin robot "
              "robotic arm gripper pick place vehicle battery inspection defect monitoring diagnosis prediction "
              "maintenance maintain failure fault vibration motor spindle tool machining injection molding mold "
              "temperature pressure quality yield schedule logistics conveyor warehouse inventory transport agv "
              "route ai c++ a.b").split()
    vocab = np.array(common + domain + filler, dtype=object)
    ranks = np.arange(1, len(vocab) + 1)
    p = 1.0 / ranks**1.05
    p /= p.sum()
    ko = np.array("공정 설계 공정설계 방법 장치 시스템 데이터 학습 인공지능 딥러닝 머신러닝 예측 진단 모니터링 사출 금형 품질 검사 불량 로봇 이송 물류 제어 기판 신호".split(), dtype=object)
    ko_p = np.linspace(2, 0.2, len(ko)); ko_p /= ko_p.sum()
    cpcs = np.array(["G06N3/08","G06N3/04","G06N20/00","G05B19/418","G05B13/02","G05B23/0283","G06Q50/04",
            "B25J9/16","B29C45/76","G06T7/0004","H01L21/67","G01N21/88","B65G1/137","G06Q10/08","Y02P90/02",
            "A61B5/00","H04L67/12","G06F17/18","F16H57/01","G01M13/04"], dtype=object)
    aps = np.array(["samsung electronics co., ltd.","lg electronics inc.","siemens ag","fanuc corp","hyundai motor company",
           "kaist","seoul national university","toyota motor corp","general electric company","tsinghua university"], dtype=object)
    rows = {"ti": [], "ab": [], "ap": [], "cpc": [], "ipc": [], "py": []}
    for _ in range(n):
        korean = rng.random() < 0.25
        if korean:
            ti = " ".join(rng.choice(ko, rng.integers(5, 10), p=ko_p))
            ab = " ".join(rng.choice(ko, rng.integers(110, 160), p=ko_p))
        else:
            ti = " ".join(rng.choice(vocab, rng.integers(6, 14), p=p))
            ab = " ".join(rng.choice(vocab, rng.integers(90, 120), p=p))
        if rng.random() < 0.5:
            ti = ti + "\n" + " ".join(rng.choice(vocab, 8, p=p))
        rows["ti"].append(None if rng.random() < 0.01 else ti)
        rows["ab"].append(None if rng.random() < 0.05 else ab)
        rows["ap"].append("\n".join(rng.choice(aps, rng.integers(1, 3), replace=False)))
        c = list(rng.choice(cpcs, rng.integers(2, 6), replace=False))
        rows["cpc"].append(c)
        rows["ipc"].append([s for s in c if not s.startswith("Y")][:3])
        rows["py"].append(int(rng.integers(2000, 2026)))
    df = pl.DataFrame(rows, schema={"ti": pl.String, "ab": pl.String, "ap": pl.String,
                                     "cpc": pl.List(pl.String), "ipc": pl.List(pl.String), "py": pl.Int32})
    WORK.mkdir(parents=True, exist_ok=True)
    df.write_parquet(path)
    return df


def _baseline(sql: str, params: dict) -> tuple[str, dict]:
    """The compiled SQL with each pre-filtered whole-word leaf replaced by its full regex alone."""
    out = re.sub(r"CASE WHEN contains\((\w+), \$\w+\) AND regexp_matches\(\w+, \$\w+\) THEN "
                 r"(regexp_matches\(\w+, \$\w+\)) ELSE false END", r"coalesce(\2, false)", sql)
    used = set(re.findall(r"\$(\w+)", out))
    return out, {k: v for k, v in params.items() if k in used}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    df = families(args.rows)
    con = duckdb.connect()
    con.execute("SET threads = 2")
    con.execute("CREATE TABLE families AS SELECT * FROM df")
    compiled = compile_expression(parse(EXPRESSION))
    base_sql, base_params = _baseline(compiled.sql, compiled.params)
    cases = {
        "compiled": (f"SELECT count(*) FROM families WHERE {compiled.sql}", compiled.params),
        "baseline (one full regex per leaf)": (f"SELECT count(*) FROM families WHERE {base_sql}", base_params),
        "compiled + evidence list": (
            f"SELECT count(*), sum(len(ev)) FROM (SELECT {compiled.evidence_sql} AS ev FROM families WHERE {compiled.sql})",
            compiled.all_params),
    }
    results = {}
    for name, (sql, params) in cases.items():
        times, answer = [], None
        for _ in range(args.repeats):
            started = time.perf_counter()
            answer = con.execute(sql, params).fetchone()
            times.append(time.perf_counter() - started)
        results[name] = {"median_s": round(statistics.median(times), 3), "runs_s": [round(t, 3) for t in times],
                         "answer": list(answer)}
        print(f"{name:38s} median {statistics.median(times):6.2f} s  {answer}")
    assert results["compiled"]["answer"] == results["baseline (one full regex per leaf)"]["answer"]
    ratio = results["compiled"]["median_s"] / results["baseline (one full regex per leaf)"]["median_s"]
    print(f"rows {args.rows}, leaves {len(compiled.terms)}; compiled / baseline = {ratio:.2f}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "search.json").write_text(json.dumps({"rows": args.rows, "leaves": len(compiled.terms),
                                                    "ratio": round(ratio, 3), **results}, indent=1))


if __name__ == "__main__":
    main()
