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


def test_summary_prints_documents_and_valid_families_per_language(tmp_path):
    from types import SimpleNamespace

    import duckdb

    from roadmap_pipeline.run import summary_text

    path = tmp_path / "w.duckdb"
    with duckdb.connect(str(path)) as conn:
        conn.execute("CREATE SCHEMA core; CREATE SCHEMA taxonomy")
        conn.execute("CREATE TABLE core.documents (office VARCHAR, docdb_family_id VARCHAR, sources VARCHAR[],"
                     " title VARCHAR, title_lang VARCHAR, title_en VARCHAR, abstract VARCHAR, abstract_lang VARCHAR,"
                     " abstract_en VARCHAR)")
        conn.execute("INSERT INTO core.documents VALUES"
                     " ('US', NULL, ['uspto'], 'Robot', 'en', NULL, 'An arm.', 'en', NULL),"
                     " ('KR', NULL, ['kipris'], '로봇', 'ko', 'Robot', '본 발명은 로봇에 관한 것이다.', 'ko', NULL),"
                     " ('KR', NULL, ['kipris'], '로봇 팔', 'ko', NULL, '본 발명은 팔에 관한 것이다.', 'ko', NULL),"
                     " ('JP', '7', ['docdb'], 'ロボット', 'ja', NULL, NULL, NULL, NULL)")
        conn.execute("CREATE TABLE core.rejected_records (severity VARCHAR)")
        conn.execute("CREATE TABLE taxonomy.subclass_patents (subclass_key VARCHAR, family_id VARCHAR, is_valid BOOLEAN)")
        conn.execute("INSERT INTO taxonomy.subclass_patents VALUES ('a.robot', 'f1', true), ('a.robot', 'f2', true),"
                     " ('a.robot', 'f3', true), ('a.robot', 'f4', false), ('b.arm', 'f3', true)")
        conn.execute("CREATE TABLE taxonomy.search_texts (family_id VARCHAR, embed_lang VARCHAR)")
        conn.execute("INSERT INTO taxonomy.search_texts VALUES ('f1', 'en'), ('f2', 'ko'), ('f3', 'ko'), ('f4', 'ja')")
    definitions = SimpleNamespace(resources={
        "warehouse": SimpleNamespace(database=str(path)),
        "landing_zone": SimpleNamespace(raw_dir=str(tmp_path / "raw"), artifacts_dir=str(tmp_path / "artifacts")),
    })
    lines = summary_text(definitions).splitlines()
    documents = lines[lines.index("documents per language   titles  abstracts") + 1:][:3]
    assert [line.split() for line in documents] == [["en", "2", "1"], ["ko", "2", "2"], ["ja", "1", "0"]]
    header = next(line for line in lines if line.startswith("subclass "))
    assert header.split() == ["subclass", "candidates", "valid", "en", "ko"]
    assert lines[lines.index(header) + 1].split() == ["a.robot", "4", "3", "1", "2"]
    assert lines[lines.index(header) + 2].split() == ["b.arm", "1", "1", "0", "1"]
    assert "valid families per text language: en 1, ko 3 (a family valid in several subclasses counts in each)" in lines
