"""Embedding models on real patent text: cross-language retrieval, same-language retrieval, speed.

Models: every packaged model (`PACKAGED_MODELS`: the English all-MiniLM-L6-v2, Universal Sentence
Encoder multilingual v3, multilingual-e5-small 4-bit), each as the pipeline builds it.

Quality (top-1 retrieval, `top1_retrieval`: each query's most similar candidate must be its own):
- ko-abstract->en-title: 979 real KIPRIS records of Incheon National University
  (tests/fixtures/corpora/kipris_inu_korean.csv): each Korean abstract against every English title;
- ko-title->en-title: the same records, Korean title against English title;
- en-title->en-abstract: the first 1,000 US neural-network patents of the Koehrsen fixture, each
  title against every abstract (a same-language check that English does not get worse).
Beside each, the mean cosine of true pairs and of all other pairs: the scale a screening threshold
is set on.

Relevance: five Korean abstracts written as KIPRIS abstracts read (three on predicting equipment
failure, one on predicting company bankruptcy, which `health.prediction` excludes, one on heart
failure), and their English translations, against the subclass's description and exclusion in the
taxonomy, in English and (where the taxonomy has them) Korean.

Speed: texts per second embedding TEXTS real abstracts, English (Koehrsen) and Korean (KIPRIS), the
model already loaded, RUNS runs with the models taking turns (the CPU is shared: the order rotates
from run to run), medians reported; and the load time of each model (first call, in this process).

Writes bench/results/multilingual.json (multilingual-speed.json with --skip-quality) and prints the
figures.

Usage: python bench/multilingual_bench.py [--runs 3] [--texts 200] [--skip-quality] [--skip-speed]
       [--models NAME ...]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import polars as pl
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from roadmap_pipeline.lib.embeddings import PACKAGED_MODELS, embedder_for, top1_retrieval  # noqa: E402
from roadmap_pipeline.settings import DEFAULT_TAXONOMY  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "corpora"
KIPRIS = FIXTURES / "kipris_inu_korean.csv"
KOEHRSEN = FIXTURES / "koehrsen_nn_patents_2008_2017.csv"
TAXONOMY = DEFAULT_TAXONOMY
RESULTS = ROOT / "bench" / "results"
SUBCLASS = "health.prediction"
ENGLISH_PAIRS = 1000

# (topic, Korean abstract, English translation); the bankruptcy text is the subclass's exclusion.
RELEVANCE_TEXTS = [
    ("equipment failure",
     "본 발명은 제조 설비에 부착된 진동 센서와 온도 센서의 시계열 데이터를 딥러닝 모델에 입력하여 "
     "설비의 고장 시점을 예측하고, 잔존 유효 수명을 추정하여 고장 전에 정비 일정을 수립하는 설비 고장 "
     "예측 방법에 관한 것이다.",
     "The present invention relates to a method for predicting equipment failure that feeds time series "
     "from vibration and temperature sensors attached to manufacturing equipment into a deep learning "
     "model, predicts when the equipment will fail, estimates its remaining useful life and schedules "
     "maintenance before the failure."),
    ("equipment failure",
     "본 발명은 공작기계 스핀들 베어링의 전류 신호와 음향 신호로부터 특징을 추출하고, 기계학습 모델로 "
     "베어링의 열화 상태를 추정하여 고장 발생 가능성을 사전에 예측하는 예지보전 시스템에 관한 것이다.",
     "The present invention relates to a predictive maintenance system that extracts features from the "
     "current and acoustic signals of a machine-tool spindle bearing, estimates the bearing's "
     "degradation with a machine learning model and predicts the likelihood of a failure in advance."),
    ("equipment failure",
     "본 발명은 반도체 제조 장비의 공정 로그와 센서 데이터를 순환 신경망으로 학습하여 장비의 이상 "
     "징후를 조기에 감지하고 부품의 교체 시기를 예측하는 장치 및 방법을 제공한다.",
     "The present invention provides an apparatus and method that train a recurrent neural network on "
     "the process logs and sensor data of semiconductor manufacturing equipment to detect early signs "
     "of anomalies and predict when parts must be replaced."),
    ("company bankruptcy",
     "본 발명은 기업의 재무제표와 신용 정보를 인공신경망에 입력하여 기업의 부도 및 파산 가능성을 "
     "예측하고, 이를 금융기관의 대출 심사에 활용하는 기업 부실 예측 방법에 관한 것이다.",
     "The present invention relates to a method for predicting corporate distress that feeds a company's "
     "financial statements and credit information into an artificial neural network, predicts the "
     "likelihood of default and bankruptcy, and uses it in the loan screening of financial institutions."),
    ("heart failure",
     "본 발명은 환자의 심전도 신호와 혈액 검사 결과를 딥러닝 모델로 분석하여 심부전의 발생 위험을 "
     "예측하는 방법에 관한 것이다.",
     "The present invention relates to a method that analyses a patient's electrocardiogram signals and "
     "blood test results with a deep learning model to predict the risk of heart failure."),
]


class Remembered:
    """An embedder that embeds each distinct text once (the tasks embed the same texts twice)."""

    def __init__(self, embedder) -> None:
        self.embedder, self.model_id, self.vectors = embedder, embedder.model_id, {}

    def encode(self, texts: list[str]) -> np.ndarray:
        missing = list(dict.fromkeys(text for text in texts if text not in self.vectors))
        if missing:
            self.vectors.update(zip(missing, self.embedder.encode(missing)))
        return np.stack([self.vectors[text] for text in texts])


def retrieval_sets() -> dict[str, tuple[list[str], list[str]]]:
    """Name -> (queries, answers) of each retrieval task."""
    kipris = pl.read_csv(KIPRIS, infer_schema=False)
    english = pl.read_csv(KOEHRSEN, infer_schema=False).head(ENGLISH_PAIRS)
    return {
        "ko-abstract->en-title": (kipris["abstract_ko"].to_list(), kipris["title_en"].to_list()),
        "ko-title->en-title": (kipris["title_ko"].to_list(), kipris["title_en"].to_list()),
        "en-title->en-abstract": (english["patent_title"].to_list(), english["patent_abstract"].to_list()),
    }


def pair_cosines(embedder, queries: list[str], answers: list[str]) -> dict[str, float]:
    """Mean cosine of the true pairs and of all the other pairs (first occurrence of each query)."""
    seen: dict[str, str] = {}
    for query, answer in zip(queries, answers):
        seen.setdefault(query, answer)
    similarity = embedder.encode(list(seen)) @ embedder.encode(list(seen.values())).T
    true = np.diag(similarity)
    other = similarity[~np.eye(len(similarity), dtype=bool)]
    return {"true_pairs_mean": float(true.mean()), "other_pairs_mean": float(other.mean()),
            "other_pairs_p99": float(np.quantile(other, 0.99))}


def subclass_texts() -> dict[str, dict[str, str]]:
    """Description and first exclusion of SUBCLASS, by language (a plain string is English)."""
    taxonomy = yaml.safe_load(TAXONOMY.read_text(encoding="utf-8"))
    for category in taxonomy["categories"]:
        for subclass in category["subclasses"]:
            if subclass["key"] == SUBCLASS:
                description, exclusion = subclass["description"], subclass["exclude"][0]
                as_languages = (lambda value: value if isinstance(value, dict) else {"en": value})
                return {"description": as_languages(description), "exclusion": as_languages(exclusion)}
    raise SystemExit(f"{SUBCLASS} is not in {TAXONOMY}")


def relevance(embedder) -> list[dict]:
    """Cosine of each example text (Korean and English) to the subclass texts in each language."""
    targets = subclass_texts()
    labels = [(kind, language) for kind, texts in targets.items() for language in ("en", "ko")
              if language in texts]
    target_vectors = embedder.encode([targets[kind][language] for kind, language in labels])
    rows = []
    for topic, korean, english in RELEVANCE_TEXTS:
        vectors = embedder.encode([korean, english])
        for text_language, vector in zip(("ko", "en"), vectors):
            row = {"topic": topic, "text": text_language}
            row.update({f"{kind}_{language}": round(float(vector @ target), 3)
                        for (kind, language), target in zip(labels, target_vectors)})
            rows.append(row)
    return rows


def speed_texts(count: int) -> dict[str, list[str]]:
    """count real abstracts per language, the first distinct ones of each fixture."""
    return {
        "en": pl.read_csv(KOEHRSEN, infer_schema=False)["patent_abstract"].unique(maintain_order=True).head(count).to_list(),
        "ko": pl.read_csv(KIPRIS, infer_schema=False)["abstract_ko"].unique(maintain_order=True).head(count).to_list(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--texts", type=int, default=200, help="abstracts per language per speed run")
    parser.add_argument("--skip-quality", action="store_true")
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument("--models", nargs="+", default=list(PACKAGED_MODELS))
    args = parser.parse_args()

    embedders = {name: embedder_for(name) for name in args.models}
    results: dict = {"models": {name: e.model_id for name, e in embedders.items()}, "quality": {},
                     "cosines": {}, "relevance": {}, "load_seconds": {}, "speed": {}}
    for name, embedder in embedders.items():
        start = time.perf_counter()
        embedder.encode(["warm up"])
        results["load_seconds"][name] = round(time.perf_counter() - start, 2)

    for task, (queries, answers) in ({} if args.skip_quality else retrieval_sets()).items():
        for name, model in embedders.items():
            embedder = Remembered(model)
            found = top1_retrieval(embedder, queries, answers)
            results["quality"].setdefault(task, {})[name] = {
                "top1": round(found.accuracy, 3), "hits": found.hits, "queries": found.queries,
                "candidates": found.candidates}
            results["cosines"].setdefault(task, {})[name] = {
                key: round(value, 3) for key, value in pair_cosines(embedder, queries, answers).items()}
            print(f"{task:24} {name:18} top-1 {found.accuracy:.3f} ({found.hits}/{found.queries} "
                  f"among {found.candidates})  cosines {results['cosines'][task][name]}", flush=True)

    for name, embedder in ({} if args.skip_quality else embedders).items():
        results["relevance"][name] = relevance(embedder)
        print(f"\nrelevance to {SUBCLASS}, {name}")
        print(pl.DataFrame(results["relevance"][name]))

    if not args.skip_speed:
        texts = speed_texts(args.texts)
        timings: dict = {name: {language: [] for language in texts} for name in embedders}
        names = list(embedders)
        for run in range(args.runs):
            # Rotate the order so that no model always runs first (or last) on a shared CPU.
            for name in names[run % len(names):] + names[: run % len(names)]:
                for language, batch in texts.items():
                    start = time.perf_counter()
                    embedders[name].encode(batch)
                    timings[name][language].append(len(batch) / (time.perf_counter() - start))
        for name, per_language in timings.items():
            results["speed"][name] = {language: {"median_texts_per_s": round(statistics.median(rates), 1),
                                                 "runs": [round(rate, 1) for rate in rates]}
                                      for language, rates in per_language.items()}
            print(f"speed {name:18} " + "  ".join(
                f"{language} {values['median_texts_per_s']:.1f} texts/s {values['runs']}"
                for language, values in results["speed"][name].items())
                  + f"  (load {results['load_seconds'][name]} s)")
        results["speed_texts_per_language"] = args.texts
    RESULTS.mkdir(parents=True, exist_ok=True)
    name = "multilingual-speed.json" if args.skip_quality else "multilingual.json"
    (RESULTS / name).write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
