"""Retrieval accuracy of an embedder on paired texts: how an embedding model is chosen on real text.

A pair is two texts about one thing, e.g. a patent's Korean abstract and its English title. Each
first text is embedded, and so is every distinct second text; a hit is a first text whose most
similar second text is its own. The pairs come from real records, which repeat: a query text that
occurs in several pairs counts once, and a hit on any of its answers counts; answers that differ
only in case or surrounding spaces are one candidate, since no embedding could tell them apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from roadmap_pipeline.lib.embeddings.embedders import Embedder


@dataclass(frozen=True)
class Retrieval:
    """Top-1 retrieval over distinct queries among distinct candidates.

    Attributes:
        hits: Queries whose most similar candidate is one of their answers.
        queries: Distinct query texts.
        candidates: Distinct answer texts, each a candidate for every query.
    """

    hits: int
    queries: int
    candidates: int

    @property
    def accuracy(self) -> float:
        """hits / queries."""
        return self.hits / self.queries if self.queries else 0.0


def top1_retrieval(
    embedder: Embedder, queries: Sequence[str], answers: Sequence[str], distractors: Sequence[str] = ()
) -> Retrieval:
    """Embeds both sides and counts the queries whose nearest candidate is their answer.

    Args:
        embedder: The model under test (vectors L2-normalized, so a dot product is the cosine).
        queries: First text of each pair.
        answers: Second text of each pair, aligned with queries.
        distractors: Further candidates that answer no query (a sample of the queries can then be
            searched among all the answers, as hard a task as the whole set at a fraction of the cost).

    Returns:
        The counts.

    Raises:
        ValueError: queries and answers differ in length.
    """
    if len(queries) != len(answers):
        raise ValueError(f"{len(queries)} queries but {len(answers)} answers")
    candidate_of: dict[str, int] = {}
    candidate_texts: list[str] = []
    wanted: dict[str, set[int]] = {}
    for text in [*answers, *distractors]:
        key = text.strip().casefold()
        if key not in candidate_of:
            candidate_of[key] = len(candidate_texts)
            candidate_texts.append(text.strip())
    for query, answer in zip(queries, answers):
        wanted.setdefault(query, set()).add(candidate_of[answer.strip().casefold()])
    if not wanted:
        return Retrieval(0, 0, 0)
    query_texts = list(wanted)
    nearest = np.argmax(embedder.encode(query_texts) @ embedder.encode(candidate_texts).T, axis=1)
    hits = sum(int(best) in wanted[text] for text, best in zip(query_texts, nearest))
    return Retrieval(hits, len(query_texts), len(candidate_texts))
