"""Markdown tables for asset metadata previews."""

from __future__ import annotations

from collections.abc import Iterable, Sequence


def markdown_table(columns: Sequence[str], rows: Iterable[Sequence], width: int = 80) -> str:
    """A Markdown table; cells are cut to `width` characters and pipes are escaped."""
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for row in rows:
        cells = ("" if v is None else str(v).replace("|", "\\|").replace("\n", " ")[:width] for v in row)
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
