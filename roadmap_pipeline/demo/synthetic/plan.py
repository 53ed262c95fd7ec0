"""The planted truth: growth, Korean strength and emerging sub-topics per subclass, filing behaviour.

These are the parameters the analysis should find again in the synthetic corpus, and they are written
into the ground truth. The seed's table guides the six subclasses it names: 공정설계 (process design)
is core but weak in Korea, 제품설계/진단/예측 are core and strong (focus areas), 공정 재설계 and 모니터링
are not core but strong.

Family counts per priority year follow ``weight * exp(growth * (year - BASE_YEAR))``; Korean strength
acts through three channels that the Korea-competitiveness indicator reads: the share of families
first filed in KR (RTA), how often KR families file abroad (family size, PFS) and how often they are
cited (PII).
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

FIRST_YEAR, LAST_YEAR = 2005, 2025
BASE_YEAR = 2015
# The corpus is a snapshot: nothing published after this day is in it (so the last two priority
# years are incomplete, as in real data with its 18-month publication lag).
AS_OF = date(2026, 3, 31)
# Deliveries: one back file of everything published before FRONT_FILES_FROM, delivered in the month
# before it, then one front file a month, as bulk subscriptions (DOCDB, USPTO, KIPRIS) are delivered.
# It keeps the landing zone at 13 months, not 240: the monthly refresh has a history to add to.
FRONT_FILES_FROM = date(2025, 4, 1)
BACK_FILE_MONTH = "2025-03"


def delivery_month(published: date) -> str:
    """Landing-zone month (``YYYY-MM``) of a document published on `published`."""
    return BACK_FILE_MONTH if published < FRONT_FILES_FROM else f"{published:%Y-%m}"


class SubclassPlan(NamedTuple):
    """Planted dynamics of one subclass."""

    key: str
    weight: float  # relative number of families in BASE_YEAR
    growth: float  # annual log-growth of families by priority year
    growth_label: str  # fast, growing, flat, shrinking
    korea: str  # strong or weak
    korea_share: float  # share of families first filed in KR (the taxonomy mean is about 0.18)


PLANS: tuple[SubclassPlan, ...] = (
    SubclassPlan("design.process_design", 0.5, 0.20, "fast", "weak", 0.08),
    SubclassPlan("design.product_design", 1.0, 0.14, "growing", "strong", 0.27),
    SubclassPlan("design.process_redesign", 1.2, -0.04, "shrinking", "strong", 0.22),
    SubclassPlan("production.scheduling", 1.0, 0.01, "flat", "weak", 0.10),
    SubclassPlan("production.quality_control", 1.1, 0.07, "growing", "strong", 0.25),
    SubclassPlan("inspection.visual_inspection", 1.5, 0.17, "fast", "strong", 0.30),
    SubclassPlan("inspection.defect_classification", 1.0, 0.15, "fast", "weak", 0.10),
    SubclassPlan("logistics.agv_routing", 0.9, 0.09, "growing", "weak", 0.08),
    SubclassPlan("logistics.warehouse_picking", 0.8, 0.18, "fast", "weak", 0.07),
    SubclassPlan("health.monitoring", 1.2, 0.00, "flat", "strong", 0.30),
    SubclassPlan("health.diagnosis", 1.4, 0.16, "fast", "strong", 0.30),
    SubclassPlan("health.prediction", 1.1, 0.22, "fast", "strong", 0.28),
)
PLAN_BY_KEY = {plan.key: plan for plan in PLANS}


class Emerging(NamedTuple):
    """An emerging sub-topic: absent before `start_year`, then a rising share and rising keywords."""

    subclass: str
    subtopic: str
    start_year: int
    keywords: tuple[str, ...]


# Start years leave the emergence score (3 base + 7 active years ending at the last complete
# priority year, 2023 at AS_OF) at least three years of a sub-topic's terms: its eligibility rules
# reject younger terms, so a sub-topic planted from 2021 could not be found again.
EMERGING: tuple[Emerging, ...] = (
    Emerging("design.product_design", "generative_cad", 2019,
             ("diffusion model", "text-to-CAD", "large language model")),
    Emerging("inspection.visual_inspection", "foundation_inspection", 2020,
             ("vision transformer", "foundation model", "zero-shot anomaly detection")),
    Emerging("logistics.warehouse_picking", "language_pick_place", 2019,
             ("vision-language model", "foundation model", "imitation learning")),
    Emerging("health.diagnosis", "knowledge_root_cause", 2019,
             ("large language model", "retrieval-augmented generation", "knowledge graph")),
    Emerging("health.prediction", "twin_predictive_maintenance", 2018,
             ("digital twin", "physics-informed neural network", "transfer learning")),
)
EMERGING_BY_SUBCLASS = {item.subclass: item for item in EMERGING}
EMERGING_MAX_SHARE = 0.6  # share of its subclass the emerging sub-topic tends to


def emerging_share(start_year: int, year: int) -> float:
    """Share of a subclass's families in its emerging sub-topic in `year`."""
    if year < start_year:
        return 0.0
    return EMERGING_MAX_SHARE * (1.0 - 0.72 ** (year - start_year + 1))


def keyword_probability(start_year: int, year: int) -> float:
    """Probability that an emerging family of `year` names each planted keyword."""
    return min(0.95, 0.35 + 0.12 * (year - start_year))


NOISE_SHARE = 0.15  # families that hit a query lexically but belong to another field
SECONDARY_SHARE = 0.05  # relevant families that also belong to a second subclass of their category

# Origins other than KR: share of the non-Korean families in BASE_YEAR, and annual log-trend.
FOREIGN_ORIGINS = {"US": (0.32, 0.0), "JP": (0.26, -0.04), "CN": (0.24, 0.16), "EU": (0.18, 0.0)}

# Korean strength, applied to KR-origin families: probability of filing abroad, citation appeal.
KOREA_EFFECTS = {"strong": (0.55, 1.6), "weak": (0.15, 0.6)}

# Filing behaviour by first-filing office.
ABROAD = {"US": 0.5, "JP": 0.45, "CN": 0.12, "EP": 0.6, "DE": 0.65}
PCT_ROUTE = {"KR": 0.5, "US": 0.6, "JP": 0.45, "CN": 0.7, "EP": 0.6, "DE": 0.6}
DESTINATIONS = {
    "KR": {"US": 0.85, "CN": 0.5, "JP": 0.35, "EP": 0.4},
    "US": {"EP": 0.6, "CN": 0.5, "JP": 0.4, "KR": 0.3},
    "JP": {"US": 0.85, "CN": 0.6, "EP": 0.4, "KR": 0.35},
    "CN": {"US": 0.8, "EP": 0.3, "JP": 0.2, "KR": 0.15},
    "EP": {"US": 0.85, "CN": 0.5, "JP": 0.35, "KR": 0.25},
    "DE": {"EP": 0.9, "US": 0.7, "CN": 0.45, "JP": 0.3, "KR": 0.15},
}
GRANT_RATE = {"KR": 0.65, "US": 0.62, "JP": 0.6, "CN": 0.55, "EP": 0.45}
KR_FAST_GRANT = 0.08  # KR applications registered before the 18-month publication: B1 without A
US_PROVISIONAL = 0.3  # US first filings that start with a provisional application
EU_FIRST_AT_DE = 0.35  # European applicants (DE) who file first at the DPMA rather than the EPO

# Native-only families: of the families filed only at their home office KR, JP or CN (never abroad),
# the share whose records carry that office's language alone. Every KR-only family: KIPRIS delivers
# them with a Korean title and abstract, and DOCDB holds no English abstract for them (they are
# most of Korea's first filings, and the Korea indicators live on them). A minority of JP-only and
# CN-only ones: DOCDB carries English titles and abstracts for most JP and CN publications (the
# real CN record in samples/epo-ops has nothing else), so native-only is the exception there.
NATIVE_ONLY = {"KR": 1.0, "JP": 0.3, "CN": 0.3}
# KIPO's English title (KIPRIS inventionTitleEng, and DOCDB's English title of the KR document) of a
# KR-only family: 612 of the 1,009 real KIPRIS records of corpora/kipris_inu_korean carry one.
KR_ENGLISH_TITLE = 0.6

# Sources: share of KR applications also delivered by KIPRIS, and of those as a biblio-detail
# response (the rest as items of monthly search responses); DOCDB records without a family id.
KIPRIS_SHARE = 0.4
KIPRIS_BIBLIO_SHARE = 0.5
DOCDB_FAMILY_ID_MISSING = 0.08

# Citations: families looked back on for citing, mean cited families, outside prior art.
CITATION_WINDOW = 1500
CITATIONS_MEAN = 2.2
EXTERNAL_CITATIONS_MAX = 2
