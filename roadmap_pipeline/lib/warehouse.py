"""The runner of the SQL files shipped in the package (`roadmap_pipeline/sql/`) and DuckDB's memory limit.

Connections come from `defs.resources.warehouse_resource` (dagster-duckdb's resource).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import duckdb
import jinja2

SQL_DIR = Path(__file__).resolve().parents[1] / "sql"
_IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*$")
# DuckDB's own default is 80 % of the machine's memory; a fixed cap keeps a stage's peak RSS
# predictable (it spills larger sorts and joins to disk instead). ROADMAP_DUCKDB_MEMORY overrides it.
DEFAULT_MEMORY_LIMIT = "4GB"


def memory_limit() -> str:
    """DuckDB's memory limit for the warehouse connections (ROADMAP_DUCKDB_MEMORY, e.g. "6GB")."""
    return os.environ.get("ROADMAP_DUCKDB_MEMORY") or DEFAULT_MEMORY_LIMIT


@cache
def load_sql(name: str) -> str:
    """Text of `sql/<name>.sql`."""
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


@cache
def _template(name: str) -> jinja2.Template:
    environment = jinja2.Environment(undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    return environment.from_string((SQL_DIR / f"{name}.sql.j2").read_text(encoding="utf-8"))


def statements(name: str, identifiers: Mapping[str, Any] | None = None) -> list[str]:
    """The statements of a SQL file, with placeholders filled by checked identifiers only.

    `sql/<name>.sql` has `{placeholders}`; `sql/<name>.sql.j2` is a Jinja2 template, for SQL whose
    shape follows a list (one statement per table, one column line per column). Identifiers (schema,
    table, column and type names; in a template also lists and mappings of them, and flags) are the
    only thing ever formatted into SQL; each must be a lower-case ASCII word. Data always travels
    as parameters.
    """
    return [_strip_comments(s.query) for s in _parse(name, identifiers)]


def _parse(name: str, identifiers: Mapping[str, Any] | None) -> list[duckdb.Statement]:
    """The file rendered with its identifiers, cut into statements by DuckDB's own parser."""
    identifiers = identifiers or {}
    for key, value in identifiers.items():
        _check_identifiers(key, value)
    if (SQL_DIR / f"{name}.sql.j2").is_file():
        text = _template(name).render(identifiers)
    else:
        text = load_sql(name)
        for key, value in identifiers.items():
            text = text.replace("{" + key + "}", value)
    return duckdb.extract_statements(text)


def _strip_comments(statement: str) -> str:
    """A statement as DuckDB's parser cut it, without its leading comment lines and final semicolon."""
    lines = statement.strip().splitlines()
    while lines and lines[0].lstrip().startswith("--"):
        lines.pop(0)
    return "\n".join(lines).strip().rstrip(";").strip()


def _check_identifiers(key: str, value: Any) -> None:
    if isinstance(value, bool):
        return
    if isinstance(value, Mapping):
        for k, v in value.items():
            _check_identifiers(key, k)
            _check_identifiers(key, v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            _check_identifiers(key, v)
    elif not (isinstance(value, str) and _IDENTIFIER.match(value)):
        raise ValueError(f"not a safe SQL identifier for {{{key}}}: {value!r}")


def run_sql(
    conn: duckdb.DuckDBPyConnection,
    name: str,
    params: Mapping[str, Any] | None = None,
    identifiers: Mapping[str, Any] | None = None,
) -> None:
    """Execute every statement of `sql/<name>.sql`, passing each the named parameters it uses."""
    params = params or {}
    for statement in _parse(name, identifiers):
        missing = statement.named_parameters - params.keys()
        if missing:
            raise ValueError(f"sql/{name}: no value for parameter(s) {sorted(missing)}")
        conn.execute(statement, {k: params[k] for k in statement.named_parameters} or None)
