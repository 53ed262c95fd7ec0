"""Column lineage of the indicator tables: the columns of core and taxonomy each figure is computed from.

Shown by the Dagster UI as `dagster/column_lineage` (one hop per asset: an indicator names the columns
of indicators.subclass_facts it is computed from, and each fact names the core and taxonomy columns it
copies), so that an analyst follows korea_competitiveness back to core.families.first_filing_country.
The column sets restate lib/indicators.py's formulas; every count is of families whose priority
year lies in the window, hence family_id and priority_year in each.
"""

import dagster as dg

from roadmap_pipeline.defs.core.families import FAMILIES
from roadmap_pipeline.defs.taxonomy.assets import subclass_patents, subclasses

LINEAGE = "dagster/column_lineage"
SUBCLASSES, SUBCLASS_PATENTS = subclasses.key, subclass_patents.key
FACTS = dg.AssetKey(["indicators", "subclass_facts"])

# indicators.subclass_facts: copies of the subclass's and its valid families' columns.
FACT_SOURCES: dict[str, list[tuple[dg.AssetKey, str]]] = {
    "subclass_key": [(SUBCLASS_PATENTS, "subclass_key")],
    "category": [(SUBCLASSES, "category")],
    "family_id": [(SUBCLASS_PATENTS, "family_id"), (SUBCLASS_PATENTS, "is_valid")],
    "priority_year": [(FAMILIES, "earliest_priority_date")],
    "first_filing_country": [(FAMILIES, "first_filing_country")],
    "forward_citations": [(FAMILIES, "forward_citations")],
    "family_size": [(FAMILIES, "family_size")],
}

_COUNT = ("family_id", "priority_year")
_KR = (*_COUNT, "first_filing_country")
_IMPORTANCE = (*_COUNT, "forward_citations", "family_size")  # ln N, growth, PII, PFS
_COMPETITIVENESS = (*_KR, "forward_citations", "family_size")  # RSCA, PII_KR, PFS_KR

# indicators.subclass_indicators: the columns of indicators.subclass_facts behind each column.
INDICATOR_SOURCES: dict[str, tuple[str, ...]] = {
    "subclass_key": ("subclass_key",),
    "category": ("category",),
    "n_families": _COUNT,
    "application_share": (*_COUNT, "category"),
    "korea_share": _KR,
    "growth": _COUNT,
    "importance": _IMPORTANCE,
    "korea_competitiveness": _COMPETITIVENESS,
    "is_core": _IMPORTANCE,
    "korea_strength": _COMPETITIVENESS,
    "is_focus": tuple(dict.fromkeys((*_IMPORTANCE, *_COMPETITIVENESS))),
    "category_families": (*_COUNT, "category"),
    "n_recent": _COUNT,
    "n_base": _COUNT,
    "kr_families": _KR,
    "mean_citations": (*_COUNT, "forward_citations"),
    "mean_family_size": (*_COUNT, "family_size"),
    "log_n": _COUNT,
    "pii": (*_COUNT, "forward_citations"),
    "pfs": (*_COUNT, "family_size"),
    "z_log_n": _COUNT,
    "z_growth": _COUNT,
    "z_pii": (*_COUNT, "forward_citations"),
    "z_pfs": (*_COUNT, "family_size"),
    "rta_kr": _KR,
    "rsca_kr": _KR,
    "pii_kr": (*_KR, "forward_citations"),
    "pii_kr_symmetric": (*_KR, "forward_citations"),
    "pfs_kr": (*_KR, "family_size"),
    "pfs_kr_symmetric": (*_KR, "family_size"),
    "citations_available": (*_COUNT, "forward_citations"),
    "window_first_year": ("priority_year",),
    "window_last_year": ("priority_year",),
    "recent_first_year": ("priority_year",),
    "recent_last_year": ("priority_year",),
}

# Every column of indicators.subclass_indicators; the thresholds come from the run's configuration.
INDICATOR_COLUMNS = (*INDICATOR_SOURCES, "core_threshold", "strength_threshold")

# indicators.yearly_counts: families per subclass and priority year of the window.
YEARLY_SOURCES: dict[str, tuple[str, ...]] = {
    "subclass_key": ("subclass_key",),
    "category": ("category",),
    "priority_year": ("priority_year",),
    "families": _COUNT,
    "kr_families": _KR,
    "period": ("priority_year",),
}


def column_lineage(sources: dict[str, list[tuple[dg.AssetKey, str]]]) -> dg.TableColumnLineage:
    """`dagster/column_lineage` from each column's (asset key, column) sources."""
    return dg.TableColumnLineage(deps_by_column={
        column: [dg.TableColumnDep(asset_key=key, column_name=name) for key, name in deps]
        for column, deps in sources.items()
    })


def from_asset(key: dg.AssetKey, sources: dict[str, tuple[str, ...]]) -> dict[str, list[tuple[dg.AssetKey, str]]]:
    """Column sources that all lie in one upstream asset `key`."""
    return {column: [(key, name) for name in names] for column, names in sources.items()}


FACT_LINEAGE = column_lineage(FACT_SOURCES)
INDICATOR_LINEAGE = column_lineage(from_asset(FACTS, INDICATOR_SOURCES))
YEARLY_LINEAGE = column_lineage(from_asset(FACTS, YEARLY_SOURCES))
