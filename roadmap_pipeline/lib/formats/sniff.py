"""Format detection by content (never by file name)."""

from __future__ import annotations

import re
from dataclasses import dataclass

HEAD_BYTES = 16384

_FIRST_TAG = re.compile(rb"<([A-Za-z_][\w.:-]*)")
_DOCTYPE = re.compile(rb"<!DOCTYPE\s+([\w.:-]+)", re.IGNORECASE)


@dataclass(frozen=True)
class Format:
    """What a file looks like: the parser module to use, or why it is not read."""

    name: str  # a key of reader.PARSERS or reader.CONTAINERS, or a label of an unsupported format
    supported: bool
    description: str


USPTO = Format("uspto", True, "USPTO ICE XML v4 (us-patent-grant / us-patent-application)")
EXCHANGE = Format("exchange", True, "EPO exchange documents (DOCDB bulk or OPS response)")
KIPRIS = Format("kipris", True, "KIPRIS Plus XML response")
ZIP = Format("zip", True, "zip archive")
EXPORTS = Format("exports", True, "analyst export of a search tool (Lens, Espacenet, Google Patents, KIPRIS; CSV or XLSX)")
GZIP = Format("gzip", True, "gzip stream")

_XML_ROOTS = {
    "us-patent-grant": USPTO,
    "us-patent-application": USPTO,
    "sequence-cwu": USPTO,
    "exchange-documents": EXCHANGE,
    "exchange-document": EXCHANGE,
    "world-patent-data": EXCHANGE,
    "response": KIPRIS,
    "patent-application-publication": Format(
        "uspto-pap", False, "USPTO pre-grant publication XML (PAP v1.x, 2001-2004), not supported"
    ),
    "PATDOC": Format("uspto-sgml", False, "USPTO ST.32 SGML/XML grant (PATDOC v2.x, 2001-2004), not supported"),
    "us-patent-grant-v2": Format("uspto-v2", False, "USPTO grant XML v2.x (2002-2004), not supported"),
}


def sniff(head: bytes) -> Format:
    """Tell the format of a file from its first bytes (HEAD_BYTES are enough).

    Args:
        head: the first bytes of the file (or zip member).

    Returns:
        The detected format; `supported` is False for formats we recognise but do not read, and for
        unknown content, with a description naming what the file looks like.
    """
    if head.startswith(b"PK\x03\x04"):
        return EXPORTS if _is_export(head) else ZIP
    if head.startswith(b"\x1f\x8b"):
        return GZIP
    if head.startswith(b"PK\x05\x06") or head.startswith(b"PK\x07\x08"):
        return Format("zip-empty", False, "empty or spanned zip archive")
    if head.startswith(b"%PDF"):
        return Format("pdf", False, "PDF document, not a data file")
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return Format("ole", False, "legacy Microsoft Office file (xls/doc), not supported")
    if _is_export(head):
        return EXPORTS
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", "ignore").encode("utf-8")
    text = _strip_bom(head).lstrip()
    if text.startswith(b"<"):
        return _sniff_xml(text)
    if text.startswith((b"{", b"[")):
        return _sniff_json(text)
    if text.startswith(b"PATN") or b"\nPATN" in text[:2000]:
        return Format("uspto-aps", False, "USPTO APS 'Green Book' text (1976-2001), not supported")
    return _sniff_text(text)


def _is_export(head: bytes) -> bool:
    from roadmap_pipeline.lib.formats.exports import detect  # the export reader pulls in csv/openpyxl code

    return detect(head) is not None


def _strip_bom(head: bytes) -> bytes:
    return head[3:] if head.startswith(b"\xef\xbb\xbf") else head


def _sniff_xml(text: bytes) -> Format:
    doctype = _DOCTYPE.search(text)
    if doctype and doctype.group(1).upper() == b"PATDOC":
        return _XML_ROOTS["PATDOC"]
    # The first element that is not a declaration, processing instruction or comment.
    body = re.sub(rb"<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>\[]*(\[.*?\])?\s*>", b"", text, flags=re.S)
    match = _FIRST_TAG.search(body)
    if not match:
        return Format("xml-unknown", False, "XML without a recognisable root element")
    root = match.group(1).decode("ascii", "replace").split(":")[-1]
    if root == "us-patent-grant" and re.search(rb'dtd-version="v?2', body[:2000]):
        return _XML_ROOTS["us-patent-grant-v2"]
    fmt = _XML_ROOTS.get(root)
    if fmt is KIPRIS and not re.search(rb"<(header|body|items|resultCode|successYN)\b", body):
        fmt = None
    return fmt or Format("xml-unknown", False, f"XML with root element <{root}>, not a supported patent format")


def _sniff_json(text: bytes) -> Format:
    if b'"lens_id"' in text or b'"lens_id"' in text.replace(b" ", b""):
        return Format("lens-json", False, "Lens.org patent API JSON, not supported as a dump")
    if re.search(rb'"(zhuanlimc|shenqingh|sqxx|shenqingr)"', text):
        return Format("cnipa-json", False, "CNIPA CPQuery JSON response, not supported")
    return Format("json", False, "JSON of an unknown schema, not supported")


def _sniff_text(text: bytes) -> Format:
    sample = text[:4000]
    try:
        decoded = sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(sample) - 4:  # not merely a character cut at the end of the sample
            return Format("binary", False, "binary data or non-UTF-8 text of an unknown format")
        decoded = sample[: exc.start].decode("utf-8")
    if "\x00" in decoded:
        return Format("binary", False, "binary data of an unknown format")
    first = decoded.splitlines()[0] if decoded.splitlines() else ""
    if first.count(",") >= 3 or first.count(";") >= 3 or first.count("\t") >= 3:
        return Format("csv", False, "delimited text (CSV/TSV) of no known export tool")
    if not decoded.strip():
        return Format("empty", False, "empty file")
    return Format("text", False, "plain text of an unknown format")
