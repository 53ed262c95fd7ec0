"""How far the pipeline's answers on the synthetic corpus agree with the planted truth.

Families are matched through their documents: a warehouse family is the planted family of its
documents (the planted truth names every document id). Screening is scored per subclass and per
text language of the families (English, or the Korean, Japanese or Chinese of native-only
families), and Korea's share per subclass is compared with the planted one, since most Korean
families are native-only and a screening blind to Korean text would bias it.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import polars as pl

from roadmap_pipeline.defs.resources import connect
from roadmap_pipeline.demo.synthetic.truth import GROUND_TRUTH


def planted_families(landing_zone: Path) -> dict[str, dict]:
    """Planted family key → its ground-truth record."""
    with (Path(landing_zone) / GROUND_TRUTH).open(encoding="utf-8") as handle:
        return {family["family"]: family for family in json.load(handle)["families"]}


def family_map(conn: duckdb.DuckDBPyConnection, planted: dict[str, dict]) -> dict[str, str]:
    """Warehouse family_id → planted family key (by shared documents)."""
    doc_family = {d["doc_id"]: key for key, family in planted.items() for d in family["documents"]}
    rows = conn.sql("SELECT family_id, doc_id FROM core.family_members").fetchall()
    return {family_id: doc_family[doc_id] for family_id, doc_id in rows if doc_id in doc_family}


def _screening(landing_zone: Path, warehouse: Path) -> tuple[dict[str, dict], dict[str, set[str]], dict[str, set[str]]]:
    """Planted families, and per subclass the planted families among its candidates and its valid ones."""
    planted = planted_families(landing_zone)
    with connect(warehouse) as conn:
        mapping = family_map(conn, planted)
        rows = conn.sql("SELECT subclass_key, family_id, is_valid FROM taxonomy.subclass_patents").fetchall()
    predicted: dict[str, set[str]] = {}
    candidates: dict[str, set[str]] = {}
    for subclass, family_id, is_valid in rows:
        key = mapping.get(family_id)
        if key is None:
            continue
        candidates.setdefault(subclass, set()).add(key)
        if is_valid:
            predicted.setdefault(subclass, set()).add(key)
    return planted, candidates, predicted


def _with_scores(frame: pl.DataFrame, key: str) -> pl.DataFrame:
    total = frame.select(pl.lit("overall").alias(key), pl.exclude(key).sum())
    return pl.concat([frame, total]).with_columns(
        (pl.col("true_positives") / pl.col("valid")).round(3).alias("precision"),
        (pl.col("true_positives") / pl.col("planted")).round(3).alias("recall"),
    )


def screening_scores(landing_zone: Path, warehouse: Path) -> pl.DataFrame:
    """Precision and recall of `is_valid` per subclass, with an ``overall`` row (micro-averaged).

    Truth: the planted families whose labels name the subclass (planted noise never does).
    Recall counts every planted family, found by the search expression or not.
    """
    planted, candidates, predicted = _screening(landing_zone, warehouse)
    records = []
    for subclass in sorted(candidates):
        truth = {key for key, family in planted.items() if subclass in family["subclasses"]}
        valid = predicted.get(subclass, set())
        records.append({
            "subclass_key": subclass,
            "planted": len(truth),
            "candidates": len(candidates[subclass]),
            "valid": len(valid),
            "true_positives": len(truth & valid),
            "planted_noise_candidates": sum(planted[k]["noise"] for k in candidates[subclass]),
        })
    return _with_scores(pl.DataFrame(records), "subclass_key")


def screening_scores_by_language(landing_zone: Path, warehouse: Path) -> pl.DataFrame:
    """Precision and recall of `is_valid` per text language of the families (en, ko, ja, zh).

    A family's language is the planted ``text_lang``: ``en`` where any record carries an English
    abstract, else its home office's language (a native-only family). Counts are (subclass, family)
    pairs summed over the subclasses, as in the ``overall`` row of `screening_scores`.
    """
    planted, candidates, predicted = _screening(landing_zone, warehouse)
    counts: dict[str, dict[str, int]] = {}
    for subclass in sorted(candidates):
        truth = {key for key, family in planted.items() if subclass in family["subclasses"]}
        valid = predicted.get(subclass, set())
        for group, keys in (("planted", truth), ("candidates", candidates[subclass]), ("valid", valid),
                            ("true_positives", truth & valid)):
            for key in keys:
                row = counts.setdefault(planted[key]["text_lang"], dict.fromkeys(
                    ("planted", "candidates", "valid", "true_positives", "planted_noise_candidates"), 0))
                row[group] += 1
                row["planted_noise_candidates"] += group == "candidates" and planted[key]["noise"]
    frame = pl.DataFrame([{"text_lang": lang, **row} for lang, row in sorted(counts.items())])
    return _with_scores(frame, "text_lang")


def korea_share_agreement(landing_zone: Path, warehouse: Path) -> pl.DataFrame:
    """Korea's share of each subclass: planted, in the planted families, and among the valid families.

    ``planted`` is the subclass's planted probability of a KR first filing; ``in_truth`` the KR
    share among the families planted in the subclass, ``native_share_of_kr`` how many of those
    KR families carry Korean text alone; ``found`` the KR share (first-filing country) among the
    families screening found valid, all priority years, and ``indicator`` the indicator's own
    ``korea_share`` (over its counting window). ``error_pp``: found minus in_truth, in points.
    """
    with (Path(landing_zone) / GROUND_TRUTH).open(encoding="utf-8") as handle:
        head = handle.read(1 << 16)
    plan = json.loads(head[: head.find(',\n "families": [')] + "\n}")["planted"]["subclasses"]
    planted = planted_families(landing_zone)
    in_truth: dict[str, list[dict]] = {}
    for family in planted.values():
        for subclass in family["subclasses"]:
            in_truth.setdefault(subclass, []).append(family)
    with connect(warehouse) as conn:
        found = dict(conn.sql(
            "SELECT p.subclass_key, avg(CASE WHEN f.first_filing_country = 'KR' THEN 1.0 ELSE 0.0 END)"
            " FROM taxonomy.subclass_patents AS p JOIN core.families AS f USING (family_id)"
            " WHERE p.is_valid GROUP BY 1").fetchall())
        indicator = dict(conn.sql("SELECT subclass_key, korea_share FROM indicators.subclass_indicators").fetchall())
    records = []
    for subclass, parameters in plan.items():
        families = in_truth.get(subclass, [])
        korean = [f for f in families if f["first_filing_country"] == "KR"]
        truth_share = len(korean) / len(families) if families else None
        found_share = found.get(subclass)
        records.append({
            "subclass_key": subclass,
            "planted": parameters["korea_share"],
            "in_truth": round(truth_share, 3) if truth_share is not None else None,
            "native_share_of_kr": round(sum(f["text_lang"] == "ko" for f in korean) / len(korean), 3) if korean else None,
            "found": round(found_share, 3) if found_share is not None else None,
            "indicator": round(indicator[subclass], 3) if indicator.get(subclass) is not None else None,
            "error_pp": round(100 * (found_share - truth_share), 1)
            if found_share is not None and truth_share is not None else None,
        })
    return pl.DataFrame(records)


def indicator_agreement(landing_zone: Path, warehouse: Path) -> pl.DataFrame:
    """Planted dynamics next to the indicators found: growth rate and label, Korean strength.

    `growth` in the warehouse is relative to the whole taxonomy (DESIGN.md), so its sign is compared
    with the planted rate minus the taxonomy's family-weighted mean rate (`planted_relative`).
    """
    with (Path(landing_zone) / GROUND_TRUTH).open(encoding="utf-8") as handle:
        head = handle.read(1 << 16)
    planted = json.loads(head[: head.find(',\n "families": [')] + "\n}")["planted"]["subclasses"]
    with connect(warehouse) as conn:
        found = conn.sql(
            "SELECT subclass_key, n_families, growth, korea_competitiveness, korea_strength, is_core, is_focus"
            " FROM indicators.subclass_indicators"
        ).pl()
    plan = pl.DataFrame([
        {"subclass_key": key, "planted_growth": p["growth"], "growth_label": p["growth_label"], "planted_korea": p["korea"]}
        for key, p in planted.items()
    ])
    frame = plan.join(found, on="subclass_key", how="left")
    mean_rate = (frame["planted_growth"] * frame["n_families"]).sum() / frame["n_families"].sum()
    return frame.with_columns(
        (pl.col("planted_growth") - mean_rate).round(3).alias("planted_relative"),
        pl.col("growth").round(3),
        pl.col("korea_competitiveness").round(3),
        (pl.col("planted_korea") == pl.when(pl.col("korea_strength") == "强").then(pl.lit("strong")).otherwise(pl.lit("weak"))).alias("strength_agrees"),
    ).with_columns(
        ((pl.col("planted_relative") > 0) == (pl.col("growth") > 0)).alias("growth_sign_agrees"),
    ).sort("planted_growth", descending=True)


def emerging_recovery(landing_zone: Path, warehouse: Path, top: int = 15) -> pl.DataFrame:
    """Where the planted emerging keywords rank among their subclass's eligible emerging terms.

    A planted keyword counts as found when one of its multi-word terms (or the keyword itself when it
    is a single token, like ``text-to-cad``) is among the subclass-wide top `top` terms by EScore.
    """
    from roadmap_pipeline.lib.keywords import tokenize
    from roadmap_pipeline.lib.topics import SUBCLASS_WIDE

    with (Path(landing_zone) / GROUND_TRUTH).open(encoding="utf-8") as handle:
        head = handle.read(1 << 16)
    emerging = json.loads(head[: head.find(',\n "families": [')] + "\n}")["planted"]["emerging"]
    records = []
    with connect(warehouse) as conn:
        for subclass, planted in emerging.items():
            rows = conn.execute(
                "SELECT keyword, eligible FROM topics.emerging_keywords WHERE subclass_key = ? AND cluster_id = ?"
                " ORDER BY escore DESC, keyword", [subclass, SUBCLASS_WIDE]).fetchall()
            eligible = [k for k, ok in rows if ok][:top]
            every = [k for k, _ in rows][:top]
            for keyword in planted["keywords"]:
                tokens = tokenize(keyword)
                terms = [t for t in tokens if " " in t] or tokens
                records.append({"subclass_key": subclass, "keyword": keyword, "start_year": planted["start_year"],
                                "rank_eligible": _best_rank(terms, eligible), "rank_any": _best_rank(terms, every)})
    return pl.DataFrame(records)


def _best_rank(terms: list[str], ranked: list[str]) -> int | None:
    ranks = [ranked.index(t) + 1 for t in terms if t in ranked]
    return min(ranks) if ranks else None


def cluster_agreement(landing_zone: Path, warehouse: Path) -> pl.DataFrame:
    """Adjusted Rand index of each subclass's clusters against the planted sub-topics of its families.

    ``ari`` counts outliers (-1) as one more cluster; ``ari_clustered`` leaves them out.
    """
    from sklearn.metrics import adjusted_rand_score

    planted = planted_families(landing_zone)
    with connect(warehouse) as conn:
        mapping = family_map(conn, planted)
        members = conn.sql("SELECT subclass_key, family_id, cluster_id FROM topics.cluster_members").pl()
    records = []
    for (subclass,), group in members.group_by("subclass_key", maintain_order=True):
        rows = [(planted[mapping[f]]["topic"], c) for f, c in zip(group["family_id"], group["cluster_id"]) if f in mapping]
        topics, clusters = [t for t, _ in rows], [c for _, c in rows]
        kept = [(t, c) for t, c in rows if c >= 0]
        records.append({
            "subclass_key": subclass, "families": len(rows), "planted_topics": len(set(topics)),
            "clusters": len({c for c in clusters if c >= 0}), "outliers": sum(c < 0 for c in clusters),
            "ari": round(adjusted_rand_score(topics, clusters), 3),
            "ari_clustered": round(adjusted_rand_score([t for t, _ in kept], [c for _, c in kept]), 3) if kept else None,
        })
    return pl.DataFrame(records).sort("subclass_key")
