"""Reports stage: the roadmap report an analyst reads, as HTML, Excel and CSV/Parquet."""

from datetime import datetime, timezone
from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource
import polars as pl

from roadmap_pipeline.defs.indicators.assets import INDICATORS, YEARLY
from roadmap_pipeline.defs.indicators.lineage import LINEAGE, SUBCLASS_PATENTS, SUBCLASSES
from roadmap_pipeline.defs.raw.assets import data_source
from roadmap_pipeline.defs.reports.lineage import EXPORT_LINEAGE, REPORT_LINEAGE
from roadmap_pipeline.defs.resources import LandingZone, TaxonomyFile
from roadmap_pipeline.defs.taxonomy.assets import TAXONOMY_FILE, search_texts
from roadmap_pipeline.defs.topics.assets import CLUSTERS, EMERGING, THEMES, TRENDS
from roadmap_pipeline.lib.indicators import Window
from roadmap_pipeline.lib.language_counts import valid_families_per_language
from roadmap_pipeline.lib.review import valid_patent_rows
from roadmap_pipeline.lib.report import (
    INDICATORS_EXPORT,
    YEARLY_EXPORT,
    ReportHeader,
    ReportInputs,
    SubclassTopics,
    export_frames,
    markdown_table,
    render_html,
    subclass_names,
    write_exports,
    write_workbook,
)
from roadmap_pipeline.lib.topics import SUBCLASS_WIDE
from roadmap_pipeline.lib.warehouse import load_sql, run_sql

REPORT_NAME = "roadmap_report"
REPORT = dg.AssetKey(["reports", REPORT_NAME])
# Every table the report reads, and the taxonomy file whose version and path head it.
_READS = [INDICATORS, YEARLY, CLUSTERS, TRENDS, THEMES, EMERGING, SUBCLASS_PATENTS, search_texts.key, SUBCLASSES, TAXONOMY_FILE,
          dg.AssetKey(["core", "families"]), dg.AssetKey(["core", "documents"])]  # the valid patents' sheets


def _export(stem: str, deps: list[dg.AssetKey], description: str) -> dg.AssetSpec:
    return dg.AssetSpec(
        ["reports", stem], group_name="reports", deps=deps, kinds={"csv", "parquet"},
        description=f"{description}\n\nROADMAP_ARTIFACTS/reports/{stem}.csv (UTF-8 with BOM, for Excel) and .parquet.",
        metadata={LINEAGE: EXPORT_LINEAGE[stem]},
    )


@dg.multi_asset(
    name="report",  # not "roadmap_report": a job has that name, and op and job names share one namespace
    specs=[
        dg.AssetSpec(
            REPORT, group_name="reports", deps=_READS, kinds={"plotly", "excel", "html"},
            description="The roadmap report: the seed's table (출원점유율, 기술중요도, 한국경쟁력, o/强弱/V) with its "
            "charts, and per focus subclass its topic clusters, keyword trends, emerging keywords and candidate "
            "R&D task themes.\n\nOne self-contained HTML page (opens offline) and an Excel workbook under "
            "ROADMAP_ARTIFACTS/reports/. The header names the data source, taxonomy and version, window, model "
            "and this run, so a printed copy can be traced back to its lineage.",
            metadata={LINEAGE: REPORT_LINEAGE},
        ),
        _export(INDICATORS_EXPORT, [INDICATORS, SUBCLASSES], "One row per subclass, in report order: the taxonomy's names and every indicator column."),
        _export(YEARLY_EXPORT, [YEARLY], "One row per (subclass, priority year of the window): the families behind the growth chart."),
    ],
    pool="duckdb",
    code_version="1",
)
def roadmap_report(
    context: dg.AssetExecutionContext, warehouse: DuckDBResource, taxonomy_file: TaxonomyFile, landing_zone: LandingZone
):
    """The report page and workbook and their CSV/Parquet exports, from one read of the warehouse."""
    taxonomy = taxonomy_file.load()
    with warehouse.get_connection() as conn:
        indicators = conn.sql("SELECT * FROM indicators.subclass_indicators").pl()
        yearly = conn.sql("SELECT * FROM indicators.yearly_counts").pl()
        focus = indicators.filter(pl.col("is_focus"))["subclass_key"].to_list()
        topics = {key: _topics(conn, key) for key in focus}
        languages = valid_families_per_language(conn)
        run_sql(conn, "taxonomy_schema")  # a table written before verdicts were read back gains their columns
        valid_patents = valid_patent_rows(conn.execute(load_sql("review_candidates")).pl())
        models = [r[0] for r in conn.sql("SELECT DISTINCT model FROM taxonomy.subclass_patents WHERE model IS NOT NULL").fetchall()]
        valid, title_only = conn.sql(
            "SELECT count(DISTINCT p.family_id), count(DISTINCT p.family_id) FILTER (WHERE t.title_only)"
            " FROM taxonomy.subclass_patents AS p JOIN taxonomy.search_texts AS t USING (family_id) WHERE p.is_valid"
        ).fetchone()
    first = indicators.drop_nulls("window_first_year").head(1)
    window = None
    if first.height:
        row = first.row(0, named=True)
        window = Window(row["window_first_year"], row["window_last_year"],
                        row["window_last_year"] - row["recent_last_year"],
                        row["recent_last_year"] - row["recent_first_year"] + 1)
    source = data_source(Path(landing_zone.raw_dir))
    if title_only:
        source += (f"; {title_only} of {valid} valid families have a title only, no abstract"
                   " (exports without abstracts): their screening and topics rest on weaker evidence")
    header = ReportHeader(
        data_source=source,
        taxonomy_key=taxonomy.key, taxonomy_name_ko=taxonomy.name_ko, taxonomy_name_en=taxonomy.name_en,
        taxonomy_version=taxonomy.version, taxonomy_file=taxonomy.path, window=window,
        model_id=", ".join(models), run_id=context.run.run_id, generated_at=datetime.now(timezone.utc),
        thresholds={name: float(indicators[name].max() or 0.0) for name in ("core_threshold", "strength_threshold")}
        if indicators.height else {},
    )
    inputs = ReportInputs(indicators=indicators, yearly_counts=yearly, header=header,
                          subclasses=subclass_names(taxonomy), topics=topics, languages=languages)
    folder = Path(landing_zone.artifacts_dir) / "reports"
    folder.mkdir(parents=True, exist_ok=True)
    html = render_html(inputs, folder / f"{REPORT_NAME}.html")
    workbook = write_workbook(inputs, folder / f"{REPORT_NAME}.xlsx", valid_patents)
    exports = write_exports(inputs, folder)
    context.log.info(f"roadmap report: {html}")
    yield dg.MaterializeResult(asset_key=REPORT, metadata={
        "report (HTML)": dg.MetadataValue.path(str(html)),
        "workbook (Excel)": dg.MetadataValue.path(str(workbook)),
        "roadmap table": dg.MetadataValue.md(markdown_table(inputs)),
        "data source": header.data_source,
        "focus subclasses": ", ".join(focus) or "none",
        LINEAGE: REPORT_LINEAGE,
    })
    for stem, frame in export_frames(inputs).items():
        yield dg.MaterializeResult(asset_key=["reports", stem], metadata={
            **{name: dg.MetadataValue.path(str(path)) for name, path in exports[stem].items()},
            "dagster/row_count": frame.height,
            LINEAGE: EXPORT_LINEAGE[stem],
        })


def _topics(conn, key: str) -> SubclassTopics:
    def frame(sql: str) -> pl.DataFrame:
        return conn.execute(sql, [key]).pl()

    return SubclassTopics(
        clusters=frame("SELECT cluster_id, size, label, keywords FROM topics.clusters WHERE subclass_key = ? ORDER BY cluster_id"),
        keyword_trends=frame(
            "SELECT cluster_id, window_start, window_end, keyword, weight, emergence FROM topics.keyword_trends"
            " WHERE subclass_key = ? ORDER BY cluster_id, window_start, weight DESC"),
        themes=frame(
            "SELECT cluster_id, growth, n_recent, n_before, top_emerging, label, rank FROM topics.task_themes"
            " WHERE subclass_key = ? ORDER BY rank"),
        emerging=conn.execute(
            "SELECT keyword, escore, eligible FROM topics.emerging_keywords WHERE subclass_key = ? AND cluster_id = ?"
            " ORDER BY escore DESC LIMIT 25", [key, SUBCLASS_WIDE]).pl(),
    )
