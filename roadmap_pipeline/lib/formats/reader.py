"""Open any landing-zone file, detect its format and stream its records.

Zip and gzip containers are opened here, so that every format module sees one plain stream.
"""

from __future__ import annotations

import gzip
import importlib
import io
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from roadmap_pipeline.lib.formats.sniff import HEAD_BYTES, Format, sniff
from roadmap_pipeline.lib.records import Document, Reject

Record = Document | Reject


class UnreadableFile(Exception):
    """The file cannot be opened at all (missing, a directory, no permission)."""


def read_file(path: str | Path, name: str | None = None) -> Iterator[Record]:
    """Stream the documents and rejects of one landing-zone file.

    Args:
        path: the file.
        name: how the file is named in locators and rejects (defaults to the path).

    Raises:
        UnreadableFile: when the file cannot be opened. Content problems never raise: they are
            yielded as `Reject` records.
    """
    path = Path(path)
    name = name or str(path)
    try:
        stream = path.open("rb", buffering=1 << 20)
    except OSError as exc:
        raise UnreadableFile(f"{path}: {exc.strerror or exc}") from exc
    with stream:
        yield from read_stream(stream, name)


def read_stream(stream: BinaryIO, name: str) -> Iterator[Record]:
    """Sniff `stream` and dispatch it to its format's parser, containers included."""
    buffered = stream if isinstance(stream, io.BufferedReader) else io.BufferedReader(_Raw(stream), HEAD_BYTES)
    head = buffered.peek(HEAD_BYTES)[:HEAD_BYTES]
    fmt = sniff(head)
    if fmt.name == "zip":
        yield from _read_zip(buffered, name)
    elif fmt.name == "gzip":
        yield from _guard(read_stream(gzip.GzipFile(fileobj=buffered), name), name, "gzip stream")
    elif fmt.supported:
        parser = importlib.import_module(f"roadmap_pipeline.lib.formats.{fmt.name}")
        yield from _guard(parser.parse(buffered, name), name, fmt.description)
    else:
        yield Reject(name, "file", f"unsupported format: {fmt.description}", _excerpt(head))


def _read_zip(stream: BinaryIO, name: str) -> Iterator[Record]:
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        yield Reject(name, "file", f"truncated or corrupt zip archive: {exc}", "")
        return
    with archive:
        for info in archive.infolist():
            if info.is_dir():
                continue
            member = f"{name}!{info.filename}"
            if _is_ancillary(info.filename):
                yield Reject(member, "file", "ancillary file in archive (not patent records)", "", "skipped")
                continue
            try:
                with archive.open(info) as handle:
                    yield from _guard(read_stream(handle, member), member, "zip member")
            except (zipfile.BadZipFile, OSError, EOFError, zlib.error, NotImplementedError) as exc:
                yield Reject(member, "file", f"unreadable zip member: {exc}", "")


# The USPTO weekly zips carry a list of numbers and a report next to the XML.
_ANCILLARY_SUFFIXES = (".txt", ".html", ".htm", ".dtd", ".ent", ".xsl", ".xsd", ".pdf", ".tif", ".tiff", ".jpg", ".png")


def _is_ancillary(filename: str) -> bool:
    lowered = filename.lower()
    return lowered.endswith(_ANCILLARY_SUFFIXES) or lowered.split("/")[-1].startswith(".")


def _guard(records: Iterator[Record], name: str, what: str) -> Iterator[Record]:
    """Turn a stream-level failure (truncated zip member, bad gzip) into a reject of the rest."""
    try:
        yield from records
    except (EOFError, OSError, zlib.error, zipfile.BadZipFile) as exc:
        yield Reject(name, "rest of file", f"{what} ends abruptly or is corrupt: {exc}", "")


def _excerpt(head: bytes, size: int = 300) -> str:
    return head[:size].decode("utf-8", "replace")


class _Raw(io.RawIOBase):
    """Adapter so that any binary file object can sit under a BufferedReader (zip/gzip members)."""

    def __init__(self, stream: BinaryIO):
        self._stream = stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self._stream.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)
