"""CSV and Parquet exports of the roadmap indicators and yearly counts.

CSV carries a UTF-8 byte-order mark: without it Excel reads the file in the system code page and
shows Korean names as mojibake. Parquet keeps the exact types for further analysis.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from roadmap_pipeline.lib.report.inputs import ReportInputs
from roadmap_pipeline.lib.report.tables import roadmap_frame

INDICATORS_EXPORT = "roadmap_indicators"
YEARLY_EXPORT = "yearly_counts"


def export_frames(inputs: ReportInputs) -> dict[str, pl.DataFrame]:
    """The exported tables by file stem.

    ``roadmap_indicators``: every indicator column with the Korean and English names and the
    display position, one row per subclass in report order. ``yearly_counts``: as given.
    """
    return {INDICATORS_EXPORT: roadmap_frame(inputs), YEARLY_EXPORT: inputs.yearly_counts}


def write_exports(inputs: ReportInputs, directory: str | Path) -> dict[str, dict[str, Path]]:
    """Write each export as ``<stem>.csv`` (UTF-8 with BOM) and ``<stem>.parquet``.

    Args:
        inputs: What the report shows.
        directory: Folder to write into (made when missing).

    Returns:
        The paths written by stem, then by format (``csv``, ``parquet``).
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths = {}
    for stem, frame in export_frames(inputs).items():
        csv_path, parquet_path = directory / f"{stem}.csv", directory / f"{stem}.parquet"
        _csv_ready(frame).write_csv(csv_path, include_bom=True)
        frame.write_parquet(parquet_path)
        paths[stem] = {"csv": csv_path, "parquet": parquet_path}
    return paths


def _csv_ready(frame: pl.DataFrame) -> pl.DataFrame:
    """CSV has no lists: list columns become '; '-joined text."""
    lists = [name for name, dtype in frame.schema.items() if isinstance(dtype, pl.List)]
    return frame.with_columns(pl.col(lists).cast(pl.List(pl.String)).list.join("; ")) if lists else frame
