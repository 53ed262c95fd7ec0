"""Generating a whole landing zone: families in index order, each document to its office's files.

Memory stays bounded at any size: a family is generated, cited, written and forgotten; only the
citation window, the file buffers of `landing.LandingZone` and per-file counters stay in memory.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from roadmap_pipeline.demo.synthetic import docdb, kipris, uspto
from roadmap_pipeline.demo.synthetic.citations import CitationWindow
from roadmap_pipeline.demo.synthetic.families import Family, Sampler, build_family
from roadmap_pipeline.demo.synthetic.landing import FileSpec, LandingZone
from roadmap_pipeline.demo.synthetic.markup import ymd
from roadmap_pipeline.demo.synthetic.numbering import MAX_FAMILIES
from roadmap_pipeline.demo.synthetic.plan import delivery_month
from roadmap_pipeline.demo.synthetic.truth import GROUND_TRUTH, GroundTruthWriter, header

DEFAULT_DOCUMENTS = 5_000
DEFAULT_SEED = 42


class LandingZoneNotEmpty(FileExistsError):
    """The target directory already holds files; the generator never mixes or deletes data."""


def is_empty(directory: Path) -> bool:
    """True when `directory` does not exist or holds no file (empty sub-folders allowed)."""
    return not directory.is_dir() or not any(p.is_file() for p in directory.rglob("*"))


def generate_corpus(
    out_dir: str | Path,
    n_documents: int = DEFAULT_DOCUMENTS,
    seed: int = DEFAULT_SEED,
    *,
    background_share: float = 0.0,
    progress: Callable[[int, int], None] | None = None,
) -> Path:
    """Write a synthetic five-office landing zone and its ground truth into `out_dir`.

    Args:
        out_dir: the landing zone to create (``<OFFICE>/<YYYY-MM>/<files>``); must be empty.
        n_documents: publications to generate; the last family is completed, so the corpus may hold
            a few more.
        seed: the same seed gives byte-identical files.
        background_share: the share of families outside the taxonomy (`background.py`), as in an
            office's bulk data; 0 (the demo) makes every family a taxonomy or noise family.
        progress: called now and then with (documents written, families written).

    Returns:
        The path of the ground truth, ``<out_dir>/ground_truth.json``.

    Raises:
        LandingZoneNotEmpty: when `out_dir` already holds files.
        ValueError: when `n_documents` needs more families than the numbering supports, or
            `background_share` is not in [0, 1).
    """
    out_dir = Path(out_dir)
    if n_documents < 1:
        raise ValueError("n_documents must be at least 1")
    if not 0.0 <= background_share < 1.0:
        raise ValueError(f"background_share must be at least 0 and below 1, not {background_share}")
    if not is_empty(out_dir):
        raise LandingZoneNotEmpty(f"{out_dir} already holds files; generate into an empty directory")
    out_dir.mkdir(parents=True, exist_ok=True)
    sampler = Sampler(seed, background_share)
    window = CitationWindow(seed)
    zone = LandingZone(out_dir)
    truth = GroundTruthWriter(out_dir / GROUND_TRUTH, header(seed, n_documents, background_share))
    documents = index = skipped = families = 0
    while documents < n_documents:
        if index >= MAX_FAMILIES:
            raise ValueError(f"{n_documents} documents need more than {MAX_FAMILIES} families")
        family = build_family(index, sampler)
        index += 1
        if family is None:
            skipped += 1
            continue
        window.cite(family)
        window.remember(family)
        truth.add(family, _write(zone, family, seed))
        documents += len(family.publications)
        families += 1
        if progress is not None and families % 10_000 == 0:
            progress(documents, families)
    files = zone.close()
    truth.close({"files": files, "families_not_yet_published": skipped})
    if progress is not None:
        progress(documents, families)
    return truth.path


def _write(zone: LandingZone, family: Family, seed: int) -> dict[int, list[tuple[str, str]]]:
    """Hand every document of `family` to its file; return each publication's (source, file)."""
    files: dict[int, list[tuple[str, str]]] = {}
    for publication in family.publications:
        number = publication.number
        day = number.published
        if number.country == "US":
            text = uspto.document(family, publication, seed)
            if publication.grant:
                archive = uspto.grant_zip(day)
                plain = f"US/{delivery_month(day)}/ipgb{ymd(day)}.xml"
                zone.add(plain, text, _grant_spec(zone.root / archive, day, seed))
                files[publication.slot] = [("uspto", archive)]
            else:
                relative = uspto.application_file(day)
                zone.add(relative, text)
                files[publication.slot] = [("uspto", relative)]
            continue
        exchange = docdb.exchange_date(day)
        name = docdb.file_name(number.country, exchange)
        relative = f"{docdb.folder_office(number.country)}/{delivery_month(day)}/{name}"
        zone.add(relative, docdb.record(family, publication, exchange), _docdb_spec(name, exchange, seed))
        files[publication.slot] = [("docdb", relative)]
    if family.kipris is not None:
        if family.kipris == "biblio":
            relative = kipris.biblio_file(family)
            zone.add(relative, kipris.biblio_response(family, seed))
            source = "kipris-biblio"
        else:
            relative = kipris.search_file(family)
            zone.add(relative, kipris.search_item(family, zone.count(relative) + 1),
                     _search_spec(kipris.delivery_day(family), seed))
            source = "kipris-search"
        for publication in family.publications:
            if publication.office == "KR":
                files[publication.slot].append((source, relative))
    return files


def _docdb_spec(name: str, exchange, seed: int) -> Callable[[], FileSpec]:
    def make() -> FileSpec:
        head = docdb.header(name, exchange, seed)
        where = head.index('no-of-documents="') + len('no-of-documents="')

        def close(path: Path, count: int) -> None:
            with path.open("a", encoding="utf-8", newline="\n") as handle:
                handle.write(docdb.FOOTER)
            with path.open("r+b") as handle:  # the header is ASCII: characters are bytes
                handle.seek(where)
                handle.write(f"{count:0{docdb.COUNT_WIDTH}d}".encode("ascii"))

        return FileSpec(head, close)

    return make


def _search_spec(day, seed: int) -> Callable[[], FileSpec]:
    def make() -> FileSpec:
        def close(path: Path, count: int) -> None:
            with path.open("a", encoding="utf-8", newline="\n") as handle:
                handle.write(kipris.search_footer(count))

        return FileSpec(kipris.search_header(day, seed), close)

    return make


def _grant_spec(archive: Path, issued, seed: int) -> Callable[[], FileSpec]:
    def make() -> FileSpec:
        return FileSpec("", lambda path, count: uspto.zip_weekly_grants(path, archive, issued, seed))

    return make
