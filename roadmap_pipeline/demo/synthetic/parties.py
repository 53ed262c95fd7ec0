"""Invented applicants and inventors, with the name forms each source writes.

Applicants come from a fixed pool per country, drawn once from the corpus seed with a skewed
popularity (a few prolific applicants, a long tail), as in real portfolios. DOCDB writes a
standardized upper-case name (``HANBIT ROBOTICS CO LTD``) next to the name as filed (``docdba``),
USPTO the name as filed, KIPRIS the Korean name with the English one beside it.
"""

from __future__ import annotations

import random
import re
from typing import NamedTuple

from roadmap_pipeline.demo.synthetic.lexicon import (
    CITIES,
    COMPANY_STEMS,
    COMPANY_SUFFIXES,
    PEOPLE,
)

POOL_SIZE = 24
_EU_SUFFIX = {"DE": ("GMBH", "AG", "SE"), "FR": ("S.A.",), "NL": ("B.V.",), "SE": ("AB",),
              "IT": ("S.P.A.",), "CH": ("AG",), "FI": ("OY",)}
_PUNCT = re.compile(r"[.,]")


class Applicant(NamedTuple):
    """An applicant organisation."""

    name: str  # as filed: HANBIT ROBOTICS CO., LTD.
    native: str  # 한빛로보틱스 주식회사 (KR/JP/CN), else ""
    country: str
    city: str
    code: str  # KIPRIS applicant code (12 digits)

    @property
    def docdb(self) -> str:
        """DOCDB's standardized form: upper case, without punctuation."""
        return " ".join(_PUNCT.sub(" ", self.name).split())


class Inventor(NamedTuple):
    """An inventor; Korean inventors also carry their Hangul name (KIPRIS)."""

    family: str  # KIM
    given: str  # Min Su
    native: str  # 김민수 (KR only)
    country: str
    city: str

    @property
    def docdb(self) -> str:
        """``KIM MIN SU``."""
        return f"{self.family} {self.given.upper()}"

    @property
    def filed(self) -> str:
        """``KIM, Min Su`` (DOCDB docdba, KIPRIS engName)."""
        return f"{self.family}, {self.given}"


def _people_key(country: str) -> str:
    return country if country in PEOPLE else "EU"


def applicant_pools(seed: int) -> dict[str, tuple[list[Applicant], list[float]]]:
    """Applicants per country and their cumulative popularity weights, fixed by the seed."""
    rng = random.Random(f"applicants:{seed}")
    pools = {}
    for country in ("KR", "US", "JP", "CN", "DE", "FR", "NL", "SE", "IT", "CH", "FI"):
        group = country if country in COMPANY_STEMS else "EU"
        stems = COMPANY_STEMS[group]
        suffixes = COMPANY_SUFFIXES[group] if group != "EU" else [(s, "") for s in _EU_SUFFIX[country]]
        combos = [(stem, suffix) for stem in stems for suffix in suffixes]
        rng.shuffle(combos)
        size = POOL_SIZE if group != "EU" else 8
        members = []
        for rank, ((stem, stem_native), (suffix, suffix_native)) in enumerate(combos[:size]):
            native = f"{stem_native}{suffix_native}" if stem_native else ""
            city = CITIES[country][rank % len(CITIES[country])]
            code = f"{1 + rank % 9}{rng.randrange(10**11):011d}"
            members.append(Applicant(f"{stem} {suffix}", native, country, city, code))
        weights = [1.0 / (rank + 1) ** 0.9 for rank in range(len(members))]
        total, cumulative = 0.0, []
        for weight in weights:
            total += weight
            cumulative.append(total)
        pools[country] = (members, cumulative)
    return pools


def draw_inventors(rng: random.Random, country: str, count: int) -> list[Inventor]:
    """`count` distinct inventors of `country`."""
    families, givens = PEOPLE[_people_key(country)]
    cities = CITIES.get(country, ("Berlin",))
    inventors, seen = [], set()
    while len(inventors) < count:
        (family, family_native), (given, given_native) = rng.choice(families), rng.choice(givens)
        if (family, given) in seen:
            continue
        seen.add((family, given))
        native = f"{family_native}{given_native}" if family_native else ""
        inventors.append(Inventor(family, given, native, country, rng.choice(cities)))
    return inventors
