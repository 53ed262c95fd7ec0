"""Metadata helpers shared by the assets."""

import dagster as dg


def table_schema(columns: list[tuple[str, str, str]]) -> dg.TableSchema:
    """`dagster/column_schema` from (name, type, description) triples."""
    return dg.TableSchema(columns=[dg.TableColumn(name, type_, description=desc) for name, type_, desc in columns])
