"""Open any landing-zone file, detect its format and stream its records.

Zip and gzip containers are opened here (see `containers`), so that every format module sees one
plain stream.
"""

from __future__ import annotations

import importlib
import io
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from roadmap_pipeline.lib.formats.containers import read_gzip, read_zip
from roadmap_pipeline.lib.formats.sniff import HEAD_BYTES, sniff
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
        yield from read_zip(buffered, name, read_stream)
    elif fmt.name == "gzip":
        yield from read_gzip(buffered, name, read_stream)
    elif fmt.supported:
        parser = importlib.import_module(f"roadmap_pipeline.lib.formats.{fmt.name}")
        try:
            yield from parser.parse(buffered, name)
        except OSError as exc:  # the disk, not the content
            yield Reject(name, "rest of file", f"reading the file failed: {exc}", "")
    else:
        yield Reject(name, "file", f"unsupported format: {fmt.description}", _excerpt(head))


def _excerpt(head: bytes, size: int = 300) -> str:
    return head[:size].decode("utf-8", "replace")


class _Raw(io.RawIOBase):
    """Adapter so that any binary file object can sit under a BufferedReader."""

    def __init__(self, stream: BinaryIO):
        self._stream = stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self._stream.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)
