"""The synthetic demo corpus: it parses back into the planted records, deterministically, and the
planted dynamics (growth, Korean strength, emerging keywords, lexical noise, citations) show in it."""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter, defaultdict
from pathlib import Path

import pytest
import yaml

from roadmap_pipeline.demo.synthetic import (
    GROUND_TRUTH,
    LandingZoneNotEmpty,
    generate_corpus,
    main,
    read_header,
)
from roadmap_pipeline.demo.synthetic.families import NATIVE_LANGUAGE, Claim, Sampler, build_family
from roadmap_pipeline.demo.synthetic.topics import BY_KEY
from roadmap_pipeline.lib.formats.reader import read_file
from roadmap_pipeline.lib.numbers import application_id, publication_id
from roadmap_pipeline.lib.records import Document, Reject
from roadmap_pipeline.lib.search.normalize import is_substring_script
from roadmap_pipeline.settings import DEFAULT_TAXONOMY

TAXONOMY = DEFAULT_TAXONOMY
CORPUS_DOCUMENTS = 2500


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("synthetic")
    generate_corpus(root, CORPUS_DOCUMENTS, seed=7)
    return root


@pytest.fixture(scope="module")
def truth(corpus) -> dict:
    return json.loads((corpus / GROUND_TRUTH).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def parsed(corpus) -> tuple[list[tuple[str, Document]], list[Reject]]:
    """Every record of every landing-zone file, read by the project's own reader."""
    documents, rejects = [], []
    for path in sorted(corpus.rglob("*")):
        if path.is_file() and path.name != GROUND_TRUTH:
            relative = path.relative_to(corpus).as_posix()
            for record in read_file(path, relative):
                if isinstance(record, Document):
                    documents.append((relative, record))
                else:
                    rejects.append(record)
    return documents, rejects


@pytest.fixture(scope="module")
def truth_documents(truth) -> dict[str, tuple[dict, dict]]:
    return {d["doc_id"]: (family, d) for family in truth["families"] for d in family["documents"]}


# ------------------------------------------------------------------------------------- round trip


def test_every_file_parses_without_error(parsed):
    _, rejects = parsed
    errors = [r for r in rejects if r.severity == "error"]
    assert errors == []
    # What is skipped is only the USPTO zips' list and report members, as in the real ipgb zip.
    assert {re.sub(r"^ipgb\d{8}", "", r.source_file.rsplit("!", 1)[-1]) for r in rejects} <= {"lst.txt", "rpt.html"}


def test_every_document_arrives_from_each_of_its_sources(parsed, truth_documents):
    documents, _ = parsed
    seen = Counter((doc.doc_id, relative) for relative, doc in documents)
    expected = Counter((doc_id, path) for doc_id, (_, d) in truth_documents.items() for path in d["files"])
    assert seen == expected
    sources = Counter(source for _, d in truth_documents.values() for source in d["sources"])
    assert sources["kipris-biblio"] > 0 and sources["kipris-search"] > 0  # KR twice: DOCDB and KIPRIS


def _source(doc: Document) -> str:
    if doc.source_format.startswith("uspto"):
        return "uspto"
    return doc.source_format


def _expected_priorities(truth_doc: dict, source: str) -> dict[str, tuple]:
    """Priority id -> (date, active, linkage) as each source gives them."""
    claims = {pid: (day, active, linkage) for pid, day, active, linkage in truth_doc["priorities"]}
    if source == "kipris-search":
        return {}  # search items carry no priority data
    if source == "kipris-biblio":
        # Paris claims without flags, the PCT link inactive; a first filing claims nothing.
        return {pid: (day, False if linkage == "W" else None, "W" if linkage == "W" else None)
                for pid, (day, active, linkage) in claims.items() if pid != truth_doc["application_id"]}
    return claims


def test_documents_parse_back_into_the_planted_records(parsed, truth_documents):
    documents, _ = parsed
    for relative, doc in documents:
        family, expected = truth_documents[doc.doc_id]
        source = _source(doc)
        where = f"{doc.doc_id} from {relative} ({source})"
        assert doc.publication_date.isoformat() == expected["publication_date"], where
        assert doc.application_id == expected["application_id"], where
        assert doc.filing_date.isoformat() == expected["filing_date"], where
        assert doc.docdb_family_id == (expected["docdb_family_id"] if source == "docdb" else None), where
        priorities = {p.priority_id: (p.priority_date.isoformat(), p.active, p.linkage_type) for p in doc.priorities}
        assert priorities == _expected_priorities(expected, source), where
        english_title = family["title_en"]
        if source.startswith("kipris"):
            assert (doc.title, doc.abstract) == (family["title_ko"], family["abstract_ko"]), where
            assert doc.title_en == (english_title.upper() if english_title and source == "kipris-biblio" else None), where
        else:
            assert doc.title.casefold() == expected["title"].casefold(), where
            assert (doc.title_en or "").casefold() == (english_title or "").casefold(), where
            assert doc.abstract_en == family["abstract_en"], where
        if family["text_lang"] in ("ja", "zh"):
            assert (doc.abstract_lang, doc.abstract) == (family["text_lang"], family[f"abstract_{family['text_lang']}"]), where
        elif family["text_lang"] == "ko" and source == "docdb":
            assert doc.abstract is None, where  # the Korean abstract comes from KIPRIS
        ipc = {c.symbol for c in doc.classifications if c.scheme == "IPC"}
        cpc = {c.symbol for c in doc.classifications if c.scheme == "CPC"}
        assert ipc == set(family["ipc"]), where
        has_cpc = source == "docdb" or (source == "uspto" and doc.publication_date.year >= 2013)
        assert cpc == (set(family["cpc"]) if has_cpc else set()), where
        applicants = [p for p in doc.parties if p.role == "applicant"]
        assert [p.country for p in applicants if p.country] in ([], [a["country"] for a in family["applicants"]]), where
        assert len(applicants) == len(family["applicants"]), where
        if source != "kipris-search":
            cited = {c.cited_id for c in doc.citations}
            wanted = set(expected["cites"]) if source != "kipris-biblio" or doc.kind == "B1" else set()
            assert cited == wanted, where


def test_the_corpus_exercises_every_filing_route_and_notation(parsed):
    documents, _ = parsed
    seen = Counter()
    for relative, doc in documents:
        source = _source(doc)
        kinds = {p.priority_id.rsplit("-", 1)[-1] for p in doc.priorities if p.priority_id.count("-") == 2}
        seen[f"{source} provisional"] += "P" in kinds
        seen[f"{source} pct"] += "W" in kinds
        seen[f"{source} foreign priority"] += any(p.priority_id[:2] != doc.office for p in doc.priorities)
        seen[f"{source} {doc.source_format}"] += 1
        seen[f"{relative[:2]} {doc.office}"] += 1
    for wanted in ("uspto provisional", "uspto pct", "uspto foreign priority", "docdb pct", "docdb foreign priority",
                   "kipris-biblio pct", "kipris-biblio foreign priority", "uspto uspto-grant-v4.2",
                   "uspto uspto-application-v4.4", "EP WO", "EP DE"):
        assert seen[wanted] > 0, wanted
    # KR applications registered before their 18-month publication: B1 without an A.
    registered = {doc.application_id for _, doc in documents if doc.office == "KR" and doc.kind == "B1"}
    opened = {doc.application_id for _, doc in documents if doc.office == "KR" and doc.kind == "A"}
    assert registered - opened


def test_first_filings_carry_the_family_priority_and_the_pct_links_are_w(truth):
    for family in truth["families"]:
        for document in family["documents"]:
            active = {pid for pid, _, flag, _ in document["priorities"] if flag}
            assert active == set(family["priority_ids"]), document["doc_id"]
            pct = [pid for pid, _, flag, linkage in document["priorities"] if linkage == "W"]
            assert pct == ([family["pct"]] if document["route"] == "pct" else [])


def test_family_ids_are_on_some_docdb_documents_only(truth_documents):
    docdb = [d for _, d in truth_documents.values() if "docdb" in d["sources"]]
    with_id = sum(1 for d in docdb if d["docdb_family_id"])
    assert 0.8 * len(docdb) < with_id < len(docdb)
    assert all(d["docdb_family_id"] is None for _, d in truth_documents.values() if "docdb" not in d["sources"])


def test_every_notation_of_every_number_normalizes_to_one_id():
    """DOCDB docdb/epodoc/original, USPTO and KIPRIS notations of the same numbers agree."""
    sampler = Sampler(11)
    checked = Counter()
    for index in range(400):
        family = build_family(index, sampler)
        if family is None:
            continue
        for publication in family.publications:
            number = publication.number
            forms = [(number.country, number.number, "docdb"), ("", number.epodoc, "epodoc")]
            if number.original:
                forms.append((number.country, number.original, "original"))
            for country, text, fmt in forms:
                assert publication_id(country, text, number.kind, fmt) == number.id, (text, fmt)
            for claim in publication.claims + (Claim(publication.application, True),):
                app = claim.number
                country = "WO" if app.kind == "W" else app.country
                kind = app.kind if app.kind != "A" else None
                for text, fmt in ((app.number, "docdb"), (app.epodoc, "epodoc"), (app.original, "original"),
                                  (app.native, "uspto"), (app.original, "kipris")):
                    given = app.country if fmt == "docdb" else country
                    written_kind = app.kind if fmt == "docdb" else kind
                    assert application_id(given, text, written_kind, app.filed, fmt) == app.id, (text, fmt)
                    checked[app.country] += 1
    assert set(checked) >= {"KR", "US", "JP", "CN", "EP"}


# ------------------------------------------------------------------------------------- determinism


def _digest(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_same_seed_gives_identical_bytes(tmp_path):
    first, second, other = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    generate_corpus(first, 400, seed=3)
    generate_corpus(second, 400, seed=3)
    generate_corpus(other, 400, seed=4)
    assert _digest(first) == _digest(second)
    assert _digest(first) != _digest(other)
    assert any(name.endswith(".zip") for name in _digest(first))


def test_a_small_corpus_is_a_prefix_of_a_larger_one(tmp_path):
    small = json.loads(generate_corpus(tmp_path / "s", 300, seed=5).read_text(encoding="utf-8"))
    large = json.loads(generate_corpus(tmp_path / "l", 600, seed=5).read_text(encoding="utf-8"))
    assert small["families"] == large["families"][: len(small["families"])]


def test_refuses_a_landing_zone_that_holds_files(tmp_path):
    (tmp_path / "KR").mkdir()
    (tmp_path / "KR" / "real.xml").write_text("<x/>")
    with pytest.raises(LandingZoneNotEmpty):
        generate_corpus(tmp_path, 50)
    assert main(["--out", str(tmp_path), "--documents", "50", "--if-empty"]) == 0
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["KR", "real.xml"]


def test_command_line_says_synthetic(tmp_path, capsys):
    assert main(["--out", str(tmp_path / "z"), "--documents", "80", "--seed", "1"]) == 0
    out = capsys.readouterr().out
    assert "SYNTHETIC" in out and (tmp_path / "z" / GROUND_TRUTH).is_file()
    truth = json.loads((tmp_path / "z" / GROUND_TRUTH).read_text(encoding="utf-8"))
    assert truth["synthetic"] is True and truth["summary"]["documents"] >= 80
    assert read_header(tmp_path / "z")["notice"] == truth["notice"]
    assert read_header(tmp_path) is None
    sample = next((tmp_path / "z").rglob("DOCDB-*.xml")).read_text(encoding="utf-8")
    assert "SYNTHETIC DATA" in sample[:400]


# ------------------------------------------------------------------------------------- planted truth


def test_vocabulary_covers_the_taxonomy():
    taxonomy = yaml.safe_load(TAXONOMY.read_text(encoding="utf-8"))
    subclasses = [s for c in taxonomy["categories"] for s in c["subclasses"]]
    assert len(taxonomy["categories"]) == 5 and len(subclasses) == 12
    assert {s["key"] for s in subclasses} == set(BY_KEY)
    for subclass in subclasses:
        assert subclass["key"].split(".")[0] in {c["key"] for c in taxonomy["categories"]}
        assert subclass["name_ko"] and subclass["name_en"] and subclass["description"] and subclass["query"]


def _families_as_parsed(parsed, truth) -> dict[str, dict]:
    """Per family, from the parsed documents: earliest priority (year, country) and IP5 offices."""
    documents, _ = parsed
    family_of = {d["doc_id"]: f["family"] for f in truth["families"] for d in f["documents"]}
    seen: dict[str, dict] = defaultdict(lambda: {"earliest": None, "offices": set()})
    for _, doc in documents:
        entry = seen[family_of[doc.doc_id]]
        claims = [(p.priority_date, p.priority_id[:2]) for p in doc.priorities if p.priority_date]
        for claim in claims or [(doc.filing_date, doc.office)]:
            if entry["earliest"] is None or claim < entry["earliest"]:
                entry["earliest"] = claim
        if doc.office in ("KR", "US", "JP", "CN", "EP"):
            entry["offices"].add(doc.office)
    return seen


def test_planted_growth_shows_in_the_priority_years(parsed, truth):
    families = _families_as_parsed(parsed, truth)
    labels = {k: v["growth_label"] for k, v in truth["planted"]["subclasses"].items()}
    windows = defaultdict(Counter)
    for family in truth["families"]:
        year = families[family["family"]]["earliest"][0].year
        window = "recent" if 2019 <= year <= 2021 else "past" if 2009 <= year <= 2011 else None
        for subclass in family["subclasses"]:
            if window:
                windows[labels[subclass]][window] += 1
    assert windows["fast"]["recent"] > 3 * windows["fast"]["past"]
    flat = windows["flat"] + windows["shrinking"]
    assert flat["recent"] < 1.5 * flat["past"]


def test_planted_korean_strength_shows_in_first_filings_and_family_size(parsed, truth):
    families = _families_as_parsed(parsed, truth)
    strength = {k: v["korea"] for k, v in truth["planted"]["subclasses"].items()}
    share, size = defaultdict(Counter), defaultdict(list)
    for family in truth["families"]:
        if family["noise"]:
            continue
        label = strength[family["subclasses"][0]]
        seen = families[family["family"]]
        korean = seen["earliest"][1] == "KR"
        share[label][korean] += 1
        if korean:
            size[label].append(len(seen["offices"]))
    ratio = {label: counts[True] / sum(counts.values()) for label, counts in share.items()}
    assert ratio["strong"] > 2 * ratio["weak"]
    assert sum(size["strong"]) / len(size["strong"]) > 1.2 * sum(size["weak"]) / len(size["weak"])


def test_emerging_keywords_rise(parsed, truth):
    documents, _ = parsed
    keywords = {k: v["keywords"] for k, v in truth["planted"]["emerging"].items()}
    subclass_of = {d["doc_id"]: f["subclasses"] for f in truth["families"] for d in f["documents"]}
    rate = defaultdict(Counter)
    for _, doc in documents:
        if not doc.abstract_en or doc.source_format != "docdb":
            continue
        for subclass in subclass_of[doc.doc_id]:
            if subclass in keywords:
                year = doc.publication_date.year
                period = "late" if year >= 2023 else "early" if year <= 2019 else None
                if period:
                    rate[period]["documents"] += 1
                    rate[period]["hits"] += any(k in doc.abstract_en for k in keywords[subclass])
    late, early = rate["late"], rate["early"]
    assert late["hits"] / late["documents"] > 2 * early["hits"] / max(1, early["documents"])


def test_forward_citations_point_inside_the_corpus(parsed, truth):
    documents, _ = parsed
    ids = {doc.doc_id for _, doc in documents}
    inside = [c.cited_id for _, doc in documents for c in doc.citations if c.cited_id in ids]
    assert len(inside) > 0.2 * len(truth["families"])
    cited = Counter(key for f in truth["families"] for key in f["cites"])
    assert len(cited) > 0.1 * len(truth["families"])


# A small evaluator of the taxonomy's search expressions (the subset the YAML uses), to check that
# every family is a lexical candidate of its subclasses, noise included.
_TOKEN = re.compile(r'\s*(\(|\)|"[^"]*"|[A-Z]{2,3}:[^\s()]+|[^\s()"]+)')


def _match_term(term: str, words: list[str], text: str) -> bool:
    if is_substring_script(term):
        return term in text
    parts = term.lower().split()
    for start in range(len(words) - len(parts) + 1):
        ok = True
        for offset, part in enumerate(parts):
            word = words[start + offset]
            if not (word.startswith(part[:-1]) if part.endswith("*") else word == part):
                ok = False
                break
        if ok:
            return True
    return False


def _family_text(family: dict) -> str:
    """What the records of a family say: a native-only family's own language alone."""
    lang = family["text_lang"]
    if lang != "en":
        return " ".join([family[f"title_{lang}"], family[f"abstract_{lang}"]])
    return " ".join([family["title_en"], family["abstract_en"], family["title_ko"], family["abstract_ko"]])


def _evaluate(query: str, family: dict) -> bool:
    tokens = _TOKEN.findall(" ".join(query.split()))
    text = _family_text(family)
    words = re.findall(r"[a-z0-9]+", text.lower())
    position = 0

    def peek():
        return tokens[position] if position < len(tokens) else None

    def take():
        nonlocal position
        position += 1
        return tokens[position - 1]

    def primary():
        token = take()
        if token == "(":
            value = disjunction()
            assert take() == ")"
            return value
        if token.startswith("CPC:"):
            prefix = token[4:].rstrip("*")
            return any(symbol.startswith(prefix) for symbol in family["cpc"])
        if token.startswith("PY:"):
            low, high = token[3:].split("..")
            return int(low) <= family["priority_year"] <= int(high)
        return _match_term(token.strip('"'), words, text)

    def unary():
        if peek() == "NOT":
            take()
            return not unary()
        return primary()

    def conjunction():
        value = unary()
        while peek() not in (None, ")", "OR"):
            if peek() == "AND":
                take()
            value = unary() and value
        return value

    def disjunction():
        value = conjunction()
        while peek() == "OR":
            take()
            value = conjunction() or value
        return value

    result = disjunction()
    assert position == len(tokens), query
    return result


def test_every_family_hits_its_subclass_queries_and_noise_hits_lexically(truth):
    taxonomy = yaml.safe_load(TAXONOMY.read_text(encoding="utf-8"))
    queries = {s["key"]: s["query"] for c in taxonomy["categories"] for s in c["subclasses"]}
    noise = 0
    for family in truth["families"]:
        for subclass in family["query_hits"]:
            assert _evaluate(queries[subclass], family), (family["family"], subclass, family["title_en"])
        noise += family["noise"]
    assert 0.08 * len(truth["families"]) < noise < 0.25 * len(truth["families"])


def test_background_families_hit_no_query_and_leave_the_taxonomy_families_as_they_were(tmp_path):
    taxonomy = yaml.safe_load(TAXONOMY.read_text(encoding="utf-8"))
    queries = [s["query"] for c in taxonomy["categories"] for s in c["subclasses"]]
    plain = json.loads(generate_corpus(tmp_path / "plain", 600, seed=5).read_text(encoding="utf-8"))
    mixed = json.loads(generate_corpus(tmp_path / "mixed", 1500, seed=5, background_share=0.6)
                       .read_text(encoding="utf-8"))
    families = mixed["families"]
    background = [f for f in families if f["background"]]
    assert 0.5 * len(families) < len(background) < 0.7 * len(families)
    assert mixed["summary"]["background_families"] == len(background)
    assert mixed["planted"]["background_share"] == 0.6
    assert len({f["topic"] for f in background}) == 8
    for family in background:
        assert family["subclasses"] == [] and family["query_hits"] == [] and not family["noise"]
        assert not any(_evaluate(query, family) for query in queries), family["title_en"]
        assert not any(symbol.startswith("G06N") for symbol in family["cpc"])
    # The taxonomy families are those of the same indices in a corpus without background.
    plain_by_index = {f["index"]: f for f in plain["families"]}
    shared = [f for f in families if not f["background"] and f["index"] in plain_by_index]
    assert len(shared) > 80
    fields = ("family", "subclasses", "topic", "title_en", "abstract_en", "priority_date", "applicants", "cpc")
    for family in shared:
        other = plain_by_index[family["index"]]
        assert {k: family[k] for k in fields} == {k: other[k] for k in fields}
        assert [d["doc_id"] for d in family["documents"]] == [d["doc_id"] for d in other["documents"]]


def test_a_background_share_of_one_is_refused(tmp_path, capsys):
    assert main(["--out", str(tmp_path / "zone"), "--documents", "50", "--background-share", "1"]) == 2
    assert "background_share must be at least 0 and below 1" in capsys.readouterr().err
    assert not (tmp_path / "zone").exists()


# ------------------------------------------------------------------------------------- native-only families


def test_native_only_families_are_planted_in_every_subclass(truth):
    """KR-only families carry Korean alone (through KIPRIS), some JP- and CN-only ones their language alone."""
    home_only, native, per_subclass = Counter(), Counter(), defaultdict(Counter)
    for family in truth["families"]:
        office, lang = family["first_filing_office"], family["text_lang"]
        offices = {d["office"] for d in family["documents"]}
        if offices == {office} and office in NATIVE_LANGUAGE:
            home_only[office] += 1
            native[office] += lang != "en"
        if lang == "en":
            assert family["abstract_en"] and family["title_en"], family["family"]
            continue
        assert offices == {office} and lang == NATIVE_LANGUAGE[office], family["family"]
        assert family["abstract_en"] is None and family[f"abstract_{lang}"], family["family"]
        assert lang == "ko" or family["title_en"] is None, family["family"]
        if lang == "ko":  # every KR document comes from KIPRIS as well
            assert all({"kipris-biblio", "kipris-search"} & set(d["sources"]) for d in family["documents"])
        per_subclass[family["query_hits"][0]][(lang, family["noise"])] += 1
    # Families that look KR-only but filed abroad later (not yet published) keep their English.
    assert native["KR"] > 0.9 * home_only["KR"]
    for office in ("JP", "CN"):
        assert 0.15 * home_only[office] < native[office] < 0.45 * home_only[office], office
    korean_english_titles = [f["title_en"] is not None for f in truth["families"] if f["text_lang"] == "ko"]
    assert 0.45 < sum(korean_english_titles) / len(korean_english_titles) < 0.75
    assert set(per_subclass) == set(BY_KEY)
    assert all(counts[("ko", False)] > 0 for counts in per_subclass.values())
    noise = Counter(lang for counts in per_subclass.values() for (lang, is_noise), n in counts.items() if is_noise
                    for _ in range(n))
    assert noise["ko"] > 5 and noise["zh"] > 5 and noise["ja"] > 0
    summary = truth["summary"]["families_by_text_lang"]
    assert sum(summary.values()) == len(truth["families"]) and summary["ko"] == native["KR"]


def test_native_abstracts_name_their_sub_topic_in_their_language(truth):
    """A native abstract says what its English siblings say: the sub-topic's task, inputs, features, outputs."""
    checked = Counter()
    for family in truth["families"]:
        lang = family["text_lang"]
        if lang == "en":
            continue
        vocabulary = BY_KEY[family["query_hits"][0]]
        topic = next(t for t in vocabulary.subtopics + vocabulary.noise if t.key == family["topic"])
        title, abstract = family[f"title_{lang}"], family[f"abstract_{lang}"]
        assert getattr(topic.task, lang) in title, family["family"]
        named = [term for term in topic.inputs + topic.features + topic.outputs if getattr(term, lang) in abstract]
        assert len(named) >= 4, (family["family"], abstract)
        assert not re.search(r"[A-Za-z]{4,}", abstract.replace("Transformer", "")), abstract  # no English prose
        checked[lang] += 1
    assert min(checked.values()) > 10
    openings = {"ko": ("본 발명은", "개시된다"), "ja": ("【課題】",), "zh": ("本发明", "本申请")}
    for family in truth["families"]:
        lang = family["text_lang"]
        if lang != "en":
            assert any(o in family[f"abstract_{lang}"][:80] for o in openings[lang]), family[f"abstract_{lang}"]


def test_evaluation_scores_screening_per_language_and_korea_share(tmp_path):
    """On a warehouse whose screening misses every Japanese family and lets Korean noise through."""
    import duckdb

    from roadmap_pipeline.demo.synthetic.evaluate import korea_share_agreement, screening_scores_by_language

    raw = tmp_path / "raw"
    truth = json.loads(generate_corpus(raw, 3000, seed=5).read_text(encoding="utf-8"))["families"]
    members, rows, families = [], [], []
    for family in truth:
        key = family["family"]
        members += [(key, d["doc_id"]) for d in family["documents"]]
        families.append((key, family["first_filing_country"]))
        for subclass in family["query_hits"]:
            valid = (not family["noise"] or family["text_lang"] == "ko") and family["text_lang"] != "ja"
            rows.append((subclass, key, valid))
    warehouse = tmp_path / "wh.duckdb"
    with duckdb.connect(str(warehouse)) as conn:
        for schema in ("core", "taxonomy", "indicators"):
            conn.execute(f"CREATE SCHEMA {schema}")
        conn.execute("CREATE TABLE core.family_members (family_id VARCHAR, doc_id VARCHAR)")
        conn.executemany("INSERT INTO core.family_members VALUES (?, ?)", members)
        conn.execute("CREATE TABLE core.families (family_id VARCHAR, first_filing_country VARCHAR)")
        conn.executemany("INSERT INTO core.families VALUES (?, ?)", families)
        conn.execute("CREATE TABLE taxonomy.subclass_patents (subclass_key VARCHAR, family_id VARCHAR, is_valid BOOLEAN)")
        conn.executemany("INSERT INTO taxonomy.subclass_patents VALUES (?, ?, ?)", rows)
        conn.execute("CREATE TABLE indicators.subclass_indicators (subclass_key VARCHAR, korea_share DOUBLE)")
    scores = {row["text_lang"]: row for row in screening_scores_by_language(raw, warehouse).iter_rows(named=True)}
    assert set(scores) == {"en", "ko", "ja", "zh", "overall"}
    assert (scores["en"]["precision"], scores["en"]["recall"]) == (1.0, 1.0)
    assert (scores["zh"]["precision"], scores["zh"]["recall"]) == (1.0, 1.0)
    assert scores["ja"]["recall"] == 0.0 and scores["ja"]["planted"] > 0
    assert scores["ko"]["recall"] == 1.0 and scores["ko"]["precision"] < 1.0
    assert scores["overall"]["planted"] == sum(scores[lang]["planted"] for lang in ("en", "ko", "ja", "zh"))
    korea = korea_share_agreement(raw, warehouse)
    assert korea.height == 12 and korea["native_share_of_kr"].min() > 0
    # Korean noise counted as valid raises the found Korean share above the planted families' share.
    assert (korea["error_pp"] >= 0).all() and korea["error_pp"].max() > 0
