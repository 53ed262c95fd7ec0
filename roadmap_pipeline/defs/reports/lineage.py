"""Column lineage of the report's tables: the indicator and taxonomy columns each printed column shows."""

from roadmap_pipeline.defs.indicators.assets import INDICATORS, YEARLY
from roadmap_pipeline.defs.indicators.lineage import INDICATOR_COLUMNS, SUBCLASSES, YEARLY_SOURCES, column_lineage
from roadmap_pipeline.lib.report import INDICATORS_EXPORT, YEARLY_EXPORT
from roadmap_pipeline.lib.report.inputs import NAME_SCHEMA
from roadmap_pipeline.lib.report.tables import ROADMAP_COLUMNS

# The printed roadmap table (ROADMAP_COLUMNS): names from the taxonomy, figures and marks from the indicators.
_PRINTED = {"category": [(SUBCLASSES, "category_name_ko"), (SUBCLASSES, "category_name_en")],
            "subclass": [(SUBCLASSES, "name_ko"), (SUBCLASSES, "name_en")],
            "core": [(INDICATORS, "is_core")], "focus": [(INDICATORS, "is_focus")]}
REPORT_LINEAGE = column_lineage(
    {c.key: _PRINTED.get(c.key) or [(INDICATORS, c.key)] for c in ROADMAP_COLUMNS}
)

# The exports: the taxonomy's names and display position, then every indicator column as it is.
EXPORT_LINEAGE = {
    INDICATORS_EXPORT: column_lineage({
        **{column: [(SUBCLASSES, column)] for column in NAME_SCHEMA},
        **{column: [(INDICATORS, column)] for column in INDICATOR_COLUMNS if column not in NAME_SCHEMA},
    }),
    YEARLY_EXPORT: column_lineage({column: [(YEARLY, column)] for column in YEARLY_SOURCES}),
}
