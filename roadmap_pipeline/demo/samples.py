"""A landing zone made of the real sample files shipped with the tests (`roadmap seed-samples`).

They are real office data: USPTO bulk XML (grants and applications, plain and zipped), EPO DOCDB and
OPS exchange documents, KIPRIS Plus responses, and files of formats we recognise but do not read
(legacy USPTO, CNIPA JSON), which the pipeline quarantines with a reason.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from roadmap_pipeline.settings import PROJECT_ROOT

FIXTURES = PROJECT_ROOT / "tests" / "fixtures"

# fixture folder -> landing folder <OFFICE>/<YYYY-MM> of the delivering source
LAYOUT = {
    "uspto": "US/2022-10",
    "epo-docdb": "EP/2024-07",
    "epo-ops": "EP/2024-08",
    "kipo-kipris": "KR/2026-10",
    "cnipa": "CN/2026-10",
}


def seed_landing_zone(raw_dir: Path, fixtures: Path = FIXTURES) -> int:
    """Copy the sample files into an empty landing zone; return how many files were copied.

    A landing zone that already holds files is left alone, so real deliveries are never mixed with
    samples.
    """
    if raw_dir.is_dir() and any(p.is_file() for p in raw_dir.rglob("*")):
        return 0
    copied = 0
    for folder, target in LAYOUT.items():
        for path in sorted((fixtures / folder).glob("*")):
            if path.is_file() and path.name != "SOURCES.md":
                destination = raw_dir / target / path.name
                destination.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, destination)
                copied += 1
    return copied
