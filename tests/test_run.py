"""The main job's helpers: month ranges for single-run backfills, the data-source label."""

from roadmap_pipeline.defs.raw.assets import data_source
from roadmap_pipeline.demo.synthetic import generate_corpus
from roadmap_pipeline.run import landing_months, month_ranges


def test_month_ranges_split_at_gaps_and_cross_years():
    months = ["2025-01", "2024-11", "2024-12", "2025-03", "2010-02"]
    assert month_ranges(months) == [("2010-02", "2010-02"), ("2024-11", "2025-01"), ("2025-03", "2025-03")]


def test_landing_months_ignore_other_folders(tmp_path):
    for folder in ["KR/2025-03", "US/2025-04", "US/notes", "XX/2025-05", "EP/2025-13"]:
        (tmp_path / folder).mkdir(parents=True)
    assert landing_months(tmp_path) == ["2025-03", "2025-04"]


def test_synthetic_data_is_labelled_as_such(tmp_path):
    assert data_source(tmp_path).startswith("real data")
    generate_corpus(tmp_path / "raw", n_documents=50, seed=7)
    assert data_source(tmp_path / "raw").startswith("SYNTHETIC")
