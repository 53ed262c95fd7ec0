"""Citations between families, so that forward citations (the PII indicator) exist.

A family cites families generated shortly before it (a sliding window of `plan.CITATION_WINDOW`
families), mostly of its own subclass. Family indices carry no date, so the window is a random sample
of the whole period; a citation is kept on a citing document only when the cited document was
published before it. Candidates are accepted in proportion to their appeal, which plants the Korean
strength or weakness in citations. The window keeps memory bounded at any corpus size, and since a
family only looks at families before it, a corpus is a prefix of any larger one with the same seed.

Citing documents also list some prior art outside the corpus (US grants, JP and KR publications
from before 2005), as real search reports do.
"""

from __future__ import annotations

import math
import random
from collections import deque
from datetime import date
from typing import NamedTuple

from roadmap_pipeline.demo.synthetic import plan
from roadmap_pipeline.demo.synthetic.families import Family
from roadmap_pipeline.demo.synthetic.numbering import PubNumber
from roadmap_pipeline.lib.records import IP5_OFFICES

_MAX_APPEAL = max(effect[1] for effect in plan.KOREA_EFFECTS.values())
_SAME_SUBCLASS = 0.85


class _Citable(NamedTuple):
    index: int
    document: PubNumber  # the family's first published document
    appeal: float


class CitationWindow:
    """Recently generated families, by subclass, and the citing step of each new family."""

    def __init__(self, seed: int, window: int = plan.CITATION_WINDOW):
        self._seed = seed
        self._all: deque[_Citable] = deque(maxlen=window)
        self._by_group: dict[str, deque[_Citable]] = {}
        self._group_size = max(16, window // 8)

    def cite(self, family: Family) -> None:
        """Fill `family`'s documents' `cites` and its `cited_families`."""
        rng = random.Random(f"cite:{self._seed}:{family.index}")
        citing = [p for p in family.publications if p.citing]
        if not citing:
            return
        latest = max(p.number.published for p in citing)
        chosen = self._choose(rng, _group(family), latest)
        external = _external(rng)
        cited: set[int] = set()
        for publication in citing:
            day = publication.number.published
            for candidate in chosen:
                if candidate.document.published < day:
                    publication.cites.append(candidate.document)
                    cited.add(candidate.index)
            if publication.grant or publication.route == "wo":
                publication.cites.extend(external)
        family.cited_families = sorted(cited)

    def remember(self, family: Family) -> None:
        """Make `family` citable by the families that follow it."""
        documents = sorted(family.publications, key=lambda p: (p.number.published, p.slot))
        first = next((p for p in documents if p.office in IP5_OFFICES), documents[0]).number
        item = _Citable(family.index, first, family.appeal)
        self._all.append(item)
        group = self._by_group.get(_group(family))
        if group is None:
            group = self._by_group[_group(family)] = deque(maxlen=self._group_size)
        group.append(item)

    def _choose(self, rng: random.Random, group_key: str, before: date) -> list[_Citable]:
        wanted = _poisson(rng, plan.CITATIONS_MEAN)
        group = self._by_group.get(group_key) or self._all
        chosen: list[_Citable] = []
        for _ in range(wanted * 4):
            if len(chosen) >= wanted or not self._all:
                break
            pool = group if rng.random() < _SAME_SUBCLASS and group else self._all
            candidate = pool[rng.randrange(len(pool))]
            if candidate.document.published >= before or candidate in chosen:
                continue
            if rng.random() * _MAX_APPEAL < candidate.appeal:
                chosen.append(candidate)
        return chosen


def _group(family: Family) -> str:
    if family.background:
        return "background"
    return "noise" if family.noise else family.subclass


def _poisson(rng: random.Random, mean: float) -> int:
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def _external(rng: random.Random) -> list[PubNumber]:
    """Prior art from before the corpus period (numbers that no corpus document uses)."""
    found = []
    for _ in range(rng.randint(0, plan.EXTERNAL_CITATIONS_MAX)):
        year = rng.randint(2001, 2004)
        day = date(year, rng.randint(1, 12), rng.randint(1, 28))
        choice = rng.randrange(3)
        if choice == 0:
            number = str(rng.randint(6_200_000, 6_999_999))
            found.append(PubNumber("US", number, "B2", day, f"{int(number):08d}", f"US{number}"))
        elif choice == 1:
            serial = f"{rng.randrange(10**6):06d}"
            found.append(PubNumber("JP", f"{year}{serial}", "A", day, f"{year}-{serial}", f"JP{year}{serial}"))
        else:
            serial = f"{rng.randrange(10**7):07d}"
            found.append(PubNumber("KR", f"{year}{serial}", "A", day, f"10{year}{serial}", f"KR{year}{serial}"))
    return found
