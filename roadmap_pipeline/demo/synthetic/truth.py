"""The ground truth beside the corpus: ``<landing zone>/ground_truth.json``, one JSON object.

Layout (keys in this order, one family per line so that the file can be grepped):

- ``synthetic``, ``notice``, ``generator``, ``seed``, ``requested_documents``, ``as_of``,
  ``taxonomy``: what this is and how it was made.
- ``planted``: the parameters the analysis should find again: per subclass the growth and Korean
  strength (`plan.PLANS`), the Korea effects, the emerging sub-topics with their keywords and start
  years, the noise share and the background share (families outside the taxonomy).
- ``families``: every family with at least one published document: its labels (``subclasses``,
  ``noise``, ``background``, ``query_hits``, ``topic``, ``emerging``, ``keywords``), priority,
  first-filing office and country, applicants, DOCDB family id, ``text_lang`` (``en``, or ``ko``,
  ``ja``, ``zh`` for a native-only family, whose records carry no English abstract), the English
  title and abstract (null where no record carries them), the Korean title and abstract (KIPRIS's),
  a native-only JP or CN family's Japanese or Chinese ones (``title_ja``/``abstract_ja``,
  ``title_zh``/``abstract_zh``), classes, cited families, and its ``documents`` (doc id, office, kind, dates,
  application id, route, sources and files, the DOCDB family id where the DOCDB record carries one,
  priority claims as DOCDB lists them ``[id, date, active, linkage]``, title in the publication
  language, cited documents).
- ``summary``: counts (families, documents per office and source, records, files, families per
  subclass and priority year, families per text language, overall and per subclass).

The file is written as the families are generated (streamed), so its size does not bound memory.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from roadmap_pipeline.demo.synthetic import plan
from roadmap_pipeline.demo.synthetic.families import NATIVE_LANGUAGE, Family, Publication
from roadmap_pipeline.demo.synthetic.markup import notice
from roadmap_pipeline.lib.records import IP5_OFFICES

GROUND_TRUTH = "ground_truth.json"
FORMAT_VERSION = 2


def header(seed: int, requested: int, background_share: float = 0.0) -> dict:
    """Everything known before the first family: provenance and the planted parameters."""
    return {
        "synthetic": True,
        "notice": notice(seed),
        "generator": {"module": "roadmap_pipeline.demo.synthetic", "format_version": FORMAT_VERSION},
        "seed": seed,
        "requested_documents": requested,
        "as_of": plan.AS_OF.isoformat(),
        "taxonomy": {"key": "manufacturing_ai", "file": "roadmap_pipeline/taxonomies/manufacturing_ai.yaml"},
        "planted": {
            "priority_years": [plan.FIRST_YEAR, plan.LAST_YEAR],
            "base_year": plan.BASE_YEAR,
            "subclasses": {
                p.key: {"weight": p.weight, "growth": p.growth, "growth_label": p.growth_label,
                        "korea": p.korea, "korea_share": p.korea_share}
                for p in plan.PLANS
            },
            "korea_effects": {label: {"kr_abroad_probability": abroad, "kr_citation_appeal": appeal}
                              for label, (abroad, appeal) in plan.KOREA_EFFECTS.items()},
            "emerging": {
                e.subclass: {"subtopic": e.subtopic, "start_year": e.start_year, "keywords": list(e.keywords),
                             "max_share": plan.EMERGING_MAX_SHARE}
                for e in plan.EMERGING
            },
            "noise_share": plan.NOISE_SHARE,
            "background_share": background_share,
            "secondary_share": plan.SECONDARY_SHARE,
            "docdb_family_id_missing": plan.DOCDB_FAMILY_ID_MISSING,
            "kipris_share_of_kr_applications": plan.KIPRIS_SHARE,
            "native_only_share_of_home_only_families": plan.NATIVE_ONLY,
            "kr_english_title_share": plan.KR_ENGLISH_TITLE,
        },
    }


class GroundTruthWriter:
    """Streams the ground truth: header, then one family per line, then the summary."""

    def __init__(self, path: Path, head: dict):
        self.path = path
        self._handle = path.open("w", encoding="utf-8", newline="\n")
        text = json.dumps(head, ensure_ascii=False, indent=1)
        self._handle.write(text[: text.rfind("}")].rstrip() + ',\n "families": [\n')
        self._first = True
        self.counts: Counter = Counter()
        self.by_subclass_year: dict[str, Counter] = {p.key: Counter() for p in plan.PLANS}
        self.by_subclass_lang: dict[str, Counter] = {p.key: Counter() for p in plan.PLANS}

    def add(self, family: Family, files: dict[int, list[tuple[str, str]]]) -> None:
        """Write one family; `files` maps a publication's slot to its (source, file) pairs."""
        entry = family_entry(family, files)
        text = json.dumps(entry, ensure_ascii=False, separators=(",", ":"))
        self._handle.write(text if self._first else ",\n" + text)
        self._first = False
        self.counts["families"] += 1
        self.counts["noise_families"] += family.noise
        self.counts["background_families"] += family.background
        self.counts[f"lang:{family.text_lang}"] += 1
        for subclass in entry["subclasses"]:
            self.by_subclass_year[subclass][family.year] += 1
            self.by_subclass_lang[subclass][family.text_lang] += 1
        for document in entry["documents"]:
            self.counts["documents"] += 1
            self.counts[f"office:{document['office']}"] += 1
            for source in document["sources"]:
                self.counts[f"source:{source}"] += 1
                self.counts["records"] += 1

    def close(self, extra: dict) -> None:
        """Write the summary and close the file."""
        counts = self.counts
        summary = {
            "families": counts["families"],
            "noise_families": counts["noise_families"],
            "background_families": counts["background_families"],
            "documents": counts["documents"],
            "documents_by_office": {k[7:]: v for k, v in sorted(counts.items()) if k.startswith("office:")},
            "records_by_source": {k[7:]: v for k, v in sorted(counts.items()) if k.startswith("source:")},
            "records": counts["records"],
            "families_by_subclass_year": {
                key: {str(year): years[year] for year in sorted(years)} for key, years in self.by_subclass_year.items()
            },
            "families_by_text_lang": {k[5:]: v for k, v in sorted(counts.items()) if k.startswith("lang:")},
            "families_by_subclass_text_lang": {key: dict(sorted(langs.items()))
                                               for key, langs in self.by_subclass_lang.items()},
            **extra,
        }
        self._handle.write('\n ],\n "summary": ' + json.dumps(summary, ensure_ascii=False) + "\n}\n")
        self._handle.close()


def family_entry(family: Family, files: dict[int, list[tuple[str, str]]]) -> dict:
    """The ground-truth record of one family."""
    hits = [] if family.background else [family.subclass] + ([family.secondary] if family.secondary else [])
    texts = family.texts
    native = {} if family.text_lang in ("en", "ko") else {
        f"title_{family.text_lang}": texts.title(family.text_lang),
        f"abstract_{family.text_lang}": texts.abstract(family.text_lang),
    }
    return {
        "family": family.key,
        "index": family.index,
        "subclasses": [] if family.noise else hits,
        "noise": family.noise,
        "background": family.background,
        "query_hits": hits,
        "topic": family.topic.key,
        "emerging": family.emerging,
        "keywords": list(texts.keywords),
        "method": texts.method,
        "priority_year": family.year,
        "priority_date": family.priority.filed.isoformat(),
        "priority_ids": [family.priority.id],
        "first_filing_office": family.office,
        "first_filing_country": family.priority.country,
        "applicants": [{"name": a.name, "country": a.country} for a in family.applicants],
        "inventors": [{"name": i.filed, "country": i.country} for i in family.inventors],
        "docdb_family_id": family.docdb_family_id,
        "pct": family.pct.id if family.pct else None,
        "text_lang": family.text_lang,
        "title_en": texts.title_en if family.english_title else None,
        "abstract_en": None if family.native else texts.abstract_en,
        "title_ko": texts.title_ko,
        "abstract_ko": texts.abstract_ko,
        **native,
        "cpc": family.cpc,
        "ipc": family.ipc,
        "cites": [f"SYN-{index:07d}" for index in family.cited_families],
        "documents": [_document(family, p, files.get(p.slot, [])) for p in family.publications],
    }


def _document(family: Family, publication: Publication, files: list[tuple[str, str]]) -> dict:
    number, application = publication.number, publication.application
    sources = [source for source, _ in files]
    lang = NATIVE_LANGUAGE.get(number.country) or (NATIVE_LANGUAGE.get(family.office) if number.country == "WO" else None)
    title = {"ko": family.texts.title_ko, "ja": family.texts.title_ja, "zh": family.texts.title_zh}.get(lang)
    return {
        "doc_id": number.id,
        "office": number.country,
        "kind": number.kind,
        "publication_date": number.published.isoformat(),
        "application_id": application.id,
        "filing_date": application.filed.isoformat(),
        "route": publication.route,
        "in_scope": number.country in IP5_OFFICES,
        "sources": sources,
        "files": [path for _, path in files],
        "docdb_family_id": family.docdb_family_id if "docdb" in sources and publication.family_id_written else None,
        "priorities": [[c.number.id, c.number.filed.isoformat(), c.active, c.linkage] for c in publication.claims],
        "pct": publication.pct.id if publication.pct else None,
        "title": title or family.texts.title_en,
        "title_lang": lang or "en",
        "cites": [cited.id for cited in publication.cites],
    }


def read_header(landing_zone: Path) -> dict | None:
    """The ground truth's header (``synthetic``, ``notice``, ``seed``, ``planted`` …) of a landing zone.

    Lets the pipeline and its reports say that they show synthetic data without loading the families.

    Returns:
        The header, or None when `landing_zone` holds no ground truth of this generator.
    """
    path = Path(landing_zone) / GROUND_TRUTH
    if not path.is_file():
        return None
    with path.open("r", encoding="utf-8") as handle:
        head = handle.read(1 << 16)
    cut = head.find(',\n "families": [')
    if cut < 0:
        return None
    try:
        value = json.loads(head[:cut] + "\n}")
    except ValueError:
        return None
    return value if isinstance(value, dict) and value.get("synthetic") is True else None
