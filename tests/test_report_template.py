"""The report page from its Jinja2 templates: the same document as the snapshot, templates found as package data.

The snapshot holds the page of `make_inputs()` with every script emptied (plotly.js and the figures'
data), as the page was written before it moved to templates. After an intended change of the page,
regenerate with: ROADMAP_UPDATE_SNAPSHOT=1 pytest tests/test_report_template.py
"""

import os
import re
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path

from test_report import make_inputs

from roadmap_pipeline.lib.report import report_html

SNAPSHOT = Path(__file__).parent / "snapshots" / "report_page.html"
_SCRIPT = re.compile(r"(<script[^>]*>).*?</script>", re.S)


class _Document(HTMLParser):
    """Elements, attributes and text of a page (entities decoded, whitespace between elements ignored)."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.events: list[tuple] = []
        self.feed(page)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.events.append(("start", tag, tuple(attrs)))

    def handle_endtag(self, tag):
        self.events.append(("end", tag))

    def handle_data(self, data):
        if data.strip():
            self.events.append(("text", data.strip()))


def test_page_is_the_snapshot_document():
    page = _SCRIPT.sub(r"\1</script>", report_html(make_inputs()))
    if os.environ.get("ROADMAP_UPDATE_SNAPSHOT"):
        SNAPSHOT.write_text(page, encoding="utf-8")
    expected = _Document(SNAPSHOT.read_text(encoding="utf-8")).events
    actual = _Document(page).events
    assert len(actual) == len(expected) > 500
    assert actual == expected, next(f"first difference: {a} != {e}" for a, e in zip(actual, expected) if a != e)


def test_the_document_comparison_sees_a_changed_cell():
    page = SNAPSHOT.read_text(encoding="utf-8")
    changed = page.replace(">26.0%<", ">26.1%<", 1)
    assert changed != page and _Document(changed).events != _Document(page).events


def test_templates_are_package_data():
    folder = resources.files("roadmap_pipeline.lib.report") / "templates"
    assert {p.name for p in folder.iterdir()} >= {"report.html.j2", "tables.html.j2", "report.css"}
    pyproject = (Path(__file__).parents[1] / "pyproject.toml").read_text(encoding="utf-8")
    package_data = pyproject[pyproject.index("[tool.setuptools.package-data]"):].split("\n[", 1)[0]
    assert '"lib/report/templates/*"' in package_data
