"""Analysts in the loop (유효특허 선별): review workbooks of the candidates, and their verdicts read back.

The screening hands the analyst, per subclass, every candidate of the search expression with its
texts, the terms it hit, its relevance and the current verdict (the model's, or an earlier analyst
verdict), ordered for review: the candidates the model is least sure of come first. The analyst
writes ``valid`` or ``noise`` (also 유효 / 노이즈) in the verdict column and drops the workbook, or a
CSV, in the labels folder (``data/labels``); the next screening reads every file there.

Reading is strict but never loses a row silently: a verdict in an unknown word, without a family id
or a subclass, for a family the warehouse does not know, or contradicting another verdict on the same
family (in the same file or another) is a `Problem` naming the file, the sheet and the row, and is
left out; every other verdict is used. A row whose verdict cell is empty is simply not judged yet.

Order of review, chosen by measurement (bench/review_bench.py, demo corpus with its exclusions
removed, multilingual-e5-small): uncertainty sampling, i.e. the smallest distance between relevance
and threshold first, with the text languages taking turns (`review_order`), against uncertainty
sampling alone and candidates in random order.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from roadmap_pipeline.lib.screening import NOISE_WORDS, VALID_WORDS

GUIDE_SHEET = "안내 Guide"
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
VERDICT_CHOICES = ("valid", "noise", "유효", "노이즈")
# Files in the labels folder that hold no verdicts: documentation, and Excel's lock files (~$name.xlsx).
_NOT_VERDICTS = (".md", ".txt")
_LOCK_PREFIX = "~$"
# A header is looked for in the first rows of a sheet (the review workbook has it in row 1).
_HEADER_ROWS = 5


@dataclass(frozen=True)
class ReviewColumn:
    """A column of the review sheet: the key its header carries (what the reader matches), Korean and English names."""

    key: str
    ko: str
    en: str
    width: int

    @property
    def header(self) -> str:
        return f"{self.ko}\n{self.key}"


REVIEW_COLUMNS = (
    ReviewColumn("review_rank", "검토순서", "Review order", 7),
    ReviewColumn("review_reason", "검토사유", "Why review it", 22),
    ReviewColumn("subclass_key", "세부기술", "Subclass", 18),
    ReviewColumn("family_id", "패밀리", "Family id", 14),
    ReviewColumn("representative_doc_id", "대표문헌", "Representative publication", 20),
    ReviewColumn("offices", "출원국", "Offices", 12),
    ReviewColumn("priority_year", "우선권연도", "Priority year", 8),
    ReviewColumn("text_lang", "언어", "Text language", 6),
    ReviewColumn("title", "발명의 명칭(원문)", "Title (native)", 40),
    ReviewColumn("title_en", "영문 명칭", "Title (English)", 40),
    ReviewColumn("abstract", "요약(원문)", "Abstract (native)", 60),
    ReviewColumn("abstract_en", "영문 요약", "Abstract (English)", 60),
    ReviewColumn("matched_terms", "검색어", "Terms hit", 24),
    ReviewColumn("relevance", "관련도", "Relevance", 9),
    ReviewColumn("threshold", "기준값", "Threshold", 9),
    ReviewColumn("current_verdict", "현재 판정", "Current verdict", 10),
    ReviewColumn("verdict_source", "판정 주체", "Verdict by", 10),
    ReviewColumn("verdict", "판정", "Your verdict: valid / noise (유효 / 노이즈)", 12),
    ReviewColumn("note", "메모", "Note", 30),
)
_VERDICT_KEYS = ("verdict", "label")  # `label`: the column of the earlier labels CSV


@dataclass(frozen=True)
class Verdict:
    """An analyst's verdict on one family for one subclass, and where it was read."""

    subclass_key: str
    family_id: str
    valid: bool
    where: str
    note: str = ""


@dataclass(frozen=True)
class Problem:
    """A verdict row that was not used, and why; `where` names the file, sheet and row."""

    where: str
    message: str
    subclass_key: str | None = None
    family_id: str | None = None

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass
class Verdicts:
    """Every usable verdict in the labels folder, per subclass, and every row that was not used."""

    by_subclass: dict[str, dict[str, Verdict]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    unjudged_rows: int = 0

    def of(self, subclass_key: str) -> dict[str, Verdict]:
        """family_id → verdict for one subclass."""
        return self.by_subclass.get(subclass_key, {})

    def labels(self, subclass_key: str) -> dict[str, bool]:
        """family_id → True (valid) or False (noise) for one subclass."""
        return {family: verdict.valid for family, verdict in self.of(subclass_key).items()}

    def problems_of(self, subclass_key: str) -> list[Problem]:
        """The problems of one subclass's rows, and those of rows or files that name no subclass."""
        return [p for p in self.problems if p.subclass_key in (subclass_key, None)]

    def digest(self, subclass_key: str) -> str:
        """A hash of one subclass's verdicts: changes exactly when they do (the sensor's trigger)."""
        pairs = sorted((family, verdict.valid) for family, verdict in self.of(subclass_key).items())
        return hashlib.sha256(json.dumps(pairs).encode()).hexdigest()[:16]

    def drop_unknown_families(self, subclass_key: str, known: Collection[str]) -> list[Problem]:
        """Leave out (as problems, returned) the verdicts of `subclass_key` on families not in `known`."""
        current = self.of(subclass_key)
        found = []
        for family in sorted(set(current) - set(known)):
            verdict = current.pop(family)
            found.append(Problem(verdict.where, f"family {family!r} is not a family of the warehouse "
                                 "(core.families): verdict not used", subclass_key, family))
        self.problems.extend(found)
        return found


@dataclass(frozen=True)
class _Row:
    where: str
    subclass_key: str | None
    family_id: str
    word: str
    note: str


def folder_state(folder: str | Path) -> str:
    """A hash of the names, sizes and modification times of the files in `folder`: cheap to take, and
    unchanged while no file is added, removed or saved again (so the files need not be read)."""
    folder = Path(folder)
    entries = sorted((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in folder.iterdir() if p.is_file()) \
        if folder.is_dir() else []
    return hashlib.sha256(json.dumps(entries).encode()).hexdigest()[:16]


def parse_verdict(word: str) -> bool | None:
    """True for valid, False for noise, None for any other word (case and spaces ignored)."""
    word = word.strip().lower()
    if word in VALID_WORDS:
        return True
    if word in NOISE_WORDS:
        return False
    return None


def read_verdicts(folder: str | Path, subclass_keys: Collection[str] | None) -> Verdicts:
    """Every verdict in the review workbooks and CSV files of `folder`, validated row by row.

    Args:
        folder: The labels folder; absent, there are no verdicts.
        subclass_keys: The taxonomy's subclasses: a row naming another is a problem; None: any
            subclass is taken as named (when one subclass's verdicts are wanted).

    Returns:
        The usable verdicts per subclass and the problems, each naming its file, sheet and row.
    """
    folder = Path(folder)
    result = Verdicts()
    if not folder.is_dir():
        return result
    rows: list[_Row] = []
    for path in sorted(folder.iterdir()):
        if not path.is_file() or path.name.startswith((".", _LOCK_PREFIX)) or path.suffix.lower() in _NOT_VERDICTS:
            continue
        result.files.append(path.name)
        suffix = path.suffix.lower()
        if suffix == ".csv":
            read = _csv_rows(path, subclass_keys, result.problems)
        elif suffix in WORKBOOK_SUFFIXES:
            read = _workbook_rows(path, subclass_keys, result.problems)
        else:
            result.problems.append(Problem(path.name, f"a {suffix or 'suffix-less'} file is not read: save verdicts "
                                           "as .xlsx (the review workbook) or .csv"))
            continue
        for row in read:
            if row.word.strip():
                rows.append(row)
            else:
                result.unjudged_rows += 1
    _validate(rows, None if subclass_keys is None else set(subclass_keys), result)
    return result


def _validate(rows: Sequence[_Row], subclass_keys: set[str] | None, result: Verdicts) -> None:
    """Usable rows into `result.by_subclass`, the others into `result.problems`; conflicts use neither side."""
    usable: dict[tuple[str, str], list[tuple[_Row, bool]]] = {}
    for row in rows:
        problem = None
        valid = parse_verdict(row.word)
        if not row.family_id:
            problem = f"verdict {row.word!r} without a family id"
        elif valid is None:
            problem = f"{row.word!r} is not a verdict: write valid or noise (유효 or 노이즈)"
        elif not row.subclass_key:
            problem = "no subclass: add a subclass_key column or name the file <subclass_key>.csv"
        elif subclass_keys is not None and row.subclass_key not in subclass_keys:
            problem = f"subclass {row.subclass_key!r} is not in the taxonomy"
        if problem:
            result.problems.append(Problem(row.where, problem, row.subclass_key, row.family_id or None))
            continue
        usable.setdefault((row.subclass_key, row.family_id), []).append((row, valid))
    for (subclass, family), found in usable.items():
        if len({valid for _, valid in found}) > 1:
            for row, valid in found:
                others = "; ".join(f"{'valid' if v else 'noise'} in {r.where}" for r, v in found if r is not row)
                result.problems.append(Problem(
                    row.where, f"conflicting verdicts on family {family!r}: {'valid' if valid else 'noise'} here, "
                    f"{others}; neither is used", subclass, family))
            continue
        row, valid = found[-1]
        result.by_subclass.setdefault(subclass, {})[family] = Verdict(
            subclass, family, valid, row.where, "; ".join(r.note for r, _ in found if r.note))


def _header_keys(cells: Sequence[object]) -> dict[str, int]:
    """Column index of each key a header row names: a cell names ``key`` when one of its words is it."""
    keys: dict[str, int] = {}
    for index, cell in enumerate(cells):
        for word in str(cell or "").replace("\ufeff", "").lower().split():
            keys.setdefault(word, index)
    return keys


def _default_subclass(path: Path, subclass_keys: Collection[str] | None) -> str | None:
    """The subclass a file named ``<subclass_key>.csv`` (or .xlsx) gives rows that name none."""
    return path.stem if subclass_keys is None or path.stem in subclass_keys else None


def _csv_rows(path: Path, subclass_keys: Collection[str] | None, problems: list[Problem]) -> Iterator[_Row]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        keys = _header_keys(header or [])
        verdict_column = next((keys[k] for k in _VERDICT_KEYS if k in keys), None)
        if "family_id" not in keys or verdict_column is None:
            problems.append(Problem(f"{path.name} line 1", "the header must name the columns family_id and "
                                    "verdict (or label): no verdict read from this file"))
            return
        default_subclass = _default_subclass(path, subclass_keys)
        for cells in reader:
            # The reader's own count: blank lines and quoted line breaks shift it from the row count.
            where = f"{path.name} line {reader.line_num}"
            if not any(cell.strip() for cell in cells):
                continue
            yield _row(where, cells, keys, verdict_column, default_subclass)


def _workbook_rows(path: Path, subclass_keys: Collection[str] | None, problems: list[Problem]) -> Iterator[_Row]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises zipfile, KeyError or XML errors for files it cannot read
        problems.append(Problem(path.name, f"not a readable Excel workbook ({type(error).__name__}: {error})"))
        return
    default_subclass = _default_subclass(path, subclass_keys)
    try:
        for sheet in workbook.worksheets:
            lines = sheet.iter_rows(values_only=True)
            keys, verdict_column, header_row = {}, None, 0
            for header_row, cells in enumerate(lines, start=1):
                keys = _header_keys(cells)
                verdict_column = next((keys[k] for k in _VERDICT_KEYS if k in keys), None)
                if "family_id" in keys or header_row >= _HEADER_ROWS:
                    break
            if "family_id" not in keys:
                continue  # a sheet of notes (the guide), not of candidates
            if verdict_column is None:
                problems.append(Problem(f"{path.name} sheet '{sheet.title}' row {header_row}",
                                        "a family_id column but no verdict column: no verdict read from this sheet"))
                continue
            for number, cells in enumerate(lines, start=header_row + 1):
                if cells and any(cell not in (None, "") for cell in cells):
                    yield _row(f"{path.name} sheet '{sheet.title}' row {number}", cells, keys, verdict_column,
                               default_subclass)
    finally:
        workbook.close()


def _row(where: str, cells: Sequence[object], keys: Mapping[str, int], verdict_column: int,
         default_subclass: str | None) -> _Row:
    def cell(index: int | None) -> str:
        if index is None or index >= len(cells) or cells[index] is None:
            return ""
        value = cells[index]
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # a numeric family id Excel stored as a number
        return str(value).strip()

    return _Row(where, cell(keys.get("subclass_key")) or default_subclass, cell(keys["family_id"]),
                cell(verdict_column), cell(keys.get("note")))


# --- the workbook ---------------------------------------------------------------------------------


def review_order(candidates: pl.DataFrame, by_language: bool = True) -> pl.DataFrame:
    """One subclass's candidates in the order of review, with `review_rank` and `review_reason`.

    The candidates no analyst judged come first, the judged ones last. Within a text language, those
    where the model and the description alone disagree (the classifier overturned the unlabelled
    screening) lead, then the distance between relevance and threshold, smallest first (uncertainty
    sampling). The languages take turns in proportion to the square root of their candidates, so
    that the first rows of a sheet hold some Korean, Japanese and Chinese families too: by distance
    alone the first 20 verdicts per subclass are nearly all English ones and the native noise stays
    (bench/review_bench.py: Japanese precision 0.894, Chinese 0.903 against 1.000 and 0.985).

    Args:
        candidates: Rows of taxonomy.subclass_patents (at least family_id, relevance, threshold,
            is_valid, verdict_source; text_lang, model_valid and description_valid where present).
        by_language: False orders by the distance to the threshold alone (uncertainty sampling as
            such), for comparison.
    """
    frame = candidates.with_columns(
        (pl.col("relevance") - pl.col("threshold")).abs().alias("_margin"),
        (pl.col("verdict_source") == "analyst").fill_null(False).alias("_judged"),
    )
    if by_language and {"model_valid", "description_valid"} <= set(frame.columns):
        disagree = (pl.col("model_valid") != pl.col("description_valid")).fill_null(False)
    else:
        disagree = pl.lit(False)
    language = pl.col("text_lang").fill_null("?") if by_language and "text_lang" in frame.columns else pl.lit("?")
    frame = frame.with_columns(disagree.alias("_disagree"), language.alias("_lang")).sort(
        ["_judged", "_lang", "_disagree", "_margin", "family_id"], descending=[False, False, True, False, False],
        nulls_last=True,
    ).with_columns(
        # Turn of each row within its language: (position + 1/2) / sqrt(the language's candidates).
        ((pl.int_range(pl.len()).over("_judged", "_lang") + 0.5) / pl.len().over("_lang").sqrt()).alias("_turn"),
    ).sort(["_judged", "_turn", "_margin", "family_id"], nulls_last=True)
    reason = (
        pl.when(pl.col("_judged")).then(pl.lit("판정 완료 judged"))
        .when(pl.col("_disagree")).then(pl.lit("모델과 설명 불일치 model and description disagree"))
        .otherwise(pl.format("기준값과의 차이 distance to threshold {}", pl.col("_margin").round(3)))
    )
    return frame.with_columns(
        pl.int_range(1, pl.len() + 1).alias("review_rank"), reason.alias("review_reason"),
    ).drop("_margin", "_judged", "_disagree", "_lang", "_turn")


def review_rows(candidates: pl.DataFrame, by_language: bool = True) -> pl.DataFrame:
    """The review sheet's columns (`REVIEW_COLUMNS`) from candidates with texts, in order of review.

    The verdict column holds the analyst's earlier verdict, so that a returned workbook carries every
    verdict of the subclass and replaces the earlier file.
    """
    return _with_texts(review_order(candidates, by_language)).with_columns(
        pl.when(pl.col("is_valid")).then(pl.lit("valid")).otherwise(pl.lit("noise")).alias("current_verdict"),
        pl.when(pl.col("verdict_source") == "analyst").then(pl.col("label")).otherwise(None).alias("verdict"),
        pl.lit(None, dtype=pl.String).alias("note"),
    ).select([c.key for c in REVIEW_COLUMNS])


# The valid-patents sheet of the report: the review sheet's columns that describe a valid patent.
VALID_PATENT_COLUMNS = tuple(next(c for c in REVIEW_COLUMNS if c.key == key) for key in (
    "family_id", "representative_doc_id", "offices", "priority_year", "title", "title_en", "matched_terms",
    "relevance", "verdict_source"))


def valid_patent_rows(candidates: pl.DataFrame) -> pl.DataFrame:
    """The valid patents (the roadmap's patent DB) of candidates with texts: `subclass_key` and
    `VALID_PATENT_COLUMNS`, analysts' verdicts first, then by relevance."""
    return _with_texts(candidates.filter(pl.col("is_valid"))).sort(
        ["subclass_key", "verdict_source", "relevance", "family_id"], descending=[False, False, True, False],
        nulls_last=True,
    ).select("subclass_key", *[c.key for c in VALID_PATENT_COLUMNS])


def _with_texts(frame: pl.DataFrame) -> pl.DataFrame:
    """Title and abstract in the representative's own language (when not English) and in English."""
    native = pl.col("title_lang").fill_null("") != "en"
    return frame.with_columns(
        pl.when(native).then(pl.col("title")).otherwise(None).alias("title"),
        pl.coalesce(pl.col("title_en"), pl.when(~native).then(pl.col("title"))).alias("title_en"),
        pl.when(pl.col("abstract_lang").fill_null("") != "en").then(pl.col("abstract")).otherwise(None).alias("abstract"),
        pl.coalesce(pl.col("abstract_en"),
                    pl.when(pl.col("abstract_lang") == "en").then(pl.col("abstract"))).alias("abstract_en"),
    )


def write_review_workbook(sheets: Mapping[str, tuple[str, pl.DataFrame]], path: str | Path, guide: str) -> Path:
    """Write a review workbook: one sheet per subclass, in order of review, and a guide sheet.

    Each sheet has one header row (Korean name and the column key the reader matches), frozen with
    the id columns, an autofilter over every column, and a list of the verdict words on the verdict
    column (other words stay possible, and are reported when read back).

    Args:
        sheets: subclass_key → (sheet title, rows as `review_rows` makes them).
        path: The ``.xlsx`` file (parent folders are made).
        guide: Text of the guide sheet, one paragraph per line.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    from roadmap_pipeline.lib.report.excel import safe_value, sheet_name

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook = Workbook()
    workbook.remove(workbook.active)
    taken: set[str] = set()
    verdict_letter = get_column_letter(_column_index("verdict"))
    for title, rows in sheets.values():
        sheet = workbook.create_sheet(sheet_name(title, taken))
        for column, spec in enumerate(REVIEW_COLUMNS, start=1):
            cell = sheet.cell(1, column, spec.header)
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            sheet.column_dimensions[get_column_letter(column)].width = spec.width
        for number, values in enumerate(rows.iter_rows(), start=2):
            for column, value in enumerate(values, start=1):
                cell = sheet.cell(number, column, safe_value(value))
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"  # text from data must never become a formula
        last = rows.height + 1
        for number in range(2, last + 1):
            sheet.cell(number, _column_index("relevance")).number_format = "0.000"
            sheet.cell(number, _column_index("threshold")).number_format = "0.000"
            sheet.cell(number, _column_index("verdict")).fill = PatternFill("solid", fgColor="FFF3B0")
        sheet.freeze_panes = sheet.cell(2, _column_index("family_id") + 1)
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(REVIEW_COLUMNS))}{last}"
        validation = DataValidation(type="list", formula1='"' + ",".join(VERDICT_CHOICES) + '"', allow_blank=True,
                                    errorStyle="warning", showErrorMessage=True,
                                    error="valid, noise, 유효 or 노이즈", errorTitle="판정 verdict")
        validation.add(f"{verdict_letter}2:{verdict_letter}{max(last, 2)}")
        sheet.add_data_validation(validation)
    sheet = workbook.create_sheet(sheet_name(GUIDE_SHEET, taken))
    for number, line in enumerate(guide.splitlines(), start=1):
        sheet.cell(number, 1, line).alignment = Alignment(wrap_text=True, vertical="top")
    sheet.column_dimensions["A"].width = 120
    workbook.save(path)
    return path


def _column_index(key: str) -> int:
    return next(i for i, c in enumerate(REVIEW_COLUMNS, start=1) if c.key == key)


GUIDE = """유효특허 검토 Review of the screening (유효특허 선별)
각 행은 검색식에 걸린 후보 패밀리입니다. Each row is a candidate family the search expression found.
'판정 verdict' 열에 valid 또는 noise (유효 / 노이즈)를 적으세요. Write valid or noise in the verdict column; leave it empty for families you did not judge.
위에서부터 검토하세요: 모델이 가장 불확실한 후보가 먼저입니다. Review from the top: the candidates the model is least sure of come first.
저장한 파일을 labels 폴더(기본 data/labels)에 넣으면 해당 세부기술만 다시 선별됩니다. Save the workbook into the labels folder (data/labels by default): the subclasses whose verdicts changed are screened again, and your verdicts win over the model.
다시 받은 검토 파일에는 이전 판정이 들어 있으므로 이전 파일을 바꿔 넣으세요. A new review workbook carries your earlier verdicts: let it replace the earlier file (two files that disagree on a family are reported, and neither verdict is used)."""
