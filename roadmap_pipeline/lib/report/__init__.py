"""The roadmap report: HTML page (plotly), Excel workbook, CSV/Parquet exports, Markdown preview.

Typical use, with the indicator tables and the topics of the focus subclasses:

    inputs = ReportInputs(indicators=tables.subclasses, yearly_counts=tables.yearly_counts,
                          header=ReportHeader(data_source="...", window=tables.window, ...),
                          subclasses=subclass_names(taxonomy),
                          topics={key: SubclassTopics(clusters, trends, themes, emerging)})
    render_html(inputs, out / "roadmap.html")
    write_workbook(inputs, out / "roadmap.xlsx")
    write_exports(inputs, out)
    preview = markdown_table(inputs)
"""

from roadmap_pipeline.lib.report.excel import sheet_name, write_workbook
from roadmap_pipeline.lib.report.exports import INDICATORS_EXPORT, YEARLY_EXPORT, export_frames, write_exports
from roadmap_pipeline.lib.report.html import render_html, report_html
from roadmap_pipeline.lib.report.inputs import ReportHeader, ReportInputs, SubclassTopics, subclass_names
from roadmap_pipeline.lib.report.tables import markdown_table, roadmap_frame

__all__ = [
    "INDICATORS_EXPORT",
    "YEARLY_EXPORT",
    "ReportHeader",
    "ReportInputs",
    "SubclassTopics",
    "export_frames",
    "markdown_table",
    "render_html",
    "report_html",
    "roadmap_frame",
    "sheet_name",
    "subclass_names",
    "write_exports",
    "write_workbook",
]
