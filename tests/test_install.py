"""`pip install .` (not editable) into a fresh environment, then the demo runs from a folder outside the
source tree: the SQL files, report templates and the DOCDB entity DTD are found as package data.

The fresh environment reuses the installed dependencies through a .pth file naming this interpreter's
site-packages (nothing is downloaded); only the project itself is built and installed into it, with
`--no-deps --no-build-isolation --no-index`. A .pth line adds a folder to the path without running the
.pth files inside it, so the editable install of the checkout stays out of the fresh environment.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
PACKAGE_DATA = ("*.sql", "*.sql.j2", "*.dtd", "lib/report/templates/*", "taxonomies/*.yaml")


def _package_data(package: Path) -> set[str]:
    return {p.relative_to(package).as_posix() for pattern in PACKAGE_DATA for p in package.rglob(pattern)
            if p.is_file()}


def _run(command: list, **kwargs) -> subprocess.CompletedProcess:
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, **kwargs)
    assert done.returncode == 0, f"{command[:3]} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


def test_a_non_editable_install_runs_the_demo_outside_the_checkout(tmp_path):
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    shutil.copytree(ROOT / "roadmap_pipeline", source / "roadmap_pipeline",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))

    env_dir = tmp_path / "env"
    _run([sys.executable, "-m", "venv", "--without-pip", str(env_dir)])
    python = env_dir / "bin" / "python"
    site = Path(_run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).stdout.strip())
    base = dict.fromkeys([sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]])
    (site / "installed_dependencies.pth").write_text("\n".join(base) + "\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ROADMAP_", "DAGSTER_HOME", "PYTHON"))}
    _run([python, "-m", "pip", "install", "--no-deps", "--no-build-isolation", "--no-index", "--ignore-installed",
          "--disable-pip-version-check", "--quiet", str(source)], env=env)

    installed = Path(_run([python, "-c", "import roadmap_pipeline; print(roadmap_pipeline.__file__)"],
                          env=env, cwd=tmp_path).stdout.strip()).parent
    assert installed == site / "roadmap_pipeline"
    assert _package_data(installed) == _package_data(ROOT / "roadmap_pipeline")

    work = tmp_path / "work"
    work.mkdir()
    env.update(ROADMAP_RAW_DIR=str(work / "raw"), ROADMAP_WAREHOUSE=str(work / "wh.duckdb"),
               ROADMAP_ARTIFACTS=str(work / "artifacts"), ROADMAP_LABELS_DIR=str(work / "labels"),
               ROADMAP_EMBEDDING_BACKEND="hashing")
    roadmap = env_dir / "bin" / "roadmap"
    _run([roadmap, "generate", "--documents", "200", "--seed", "3"], env=env, cwd=work)
    _run([roadmap, "materialize"], env=env, cwd=work)

    reports = work / "artifacts" / "reports"
    assert "한국경쟁력" in (reports / "roadmap_report.html").read_text(encoding="utf-8")
    assert (reports / "roadmap_report.xlsx").stat().st_size > 0
    with duckdb.connect(str(work / "wh.duckdb"), read_only=True) as conn:
        assert conn.sql("SELECT count(*) FROM indicators.subclass_indicators").fetchone()[0] == 12

    # A DOCDB file's named entities resolve from the DTD inside the installed package.
    docdb = (ROOT / "tests" / "fixtures" / "epo-docdb" / "go-epo-bdds__DE-backfile.xml").read_bytes()
    title = b"Kraftstoffeinspritzpumpe fuer mehrzylindrige Brennkraftmaschinen"
    (work / "entities.xml").write_bytes(docdb.replace(title, b"&alpha;-Pumpe", 1))
    parsed = _run([roadmap, "parse", "entities.xml"], env=env, cwd=work).stdout
    assert "\u03b1-Pumpe" in [json.loads(line)["title"] for line in parsed.splitlines()]
