"""Open any landing-zone file, detect its format and stream its records.

Zip and gzip containers are opened here (see `containers`), so that every format module sees one
plain stream.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from roadmap_pipeline.lib.formats import exchange, exports, kipris, uspto
from roadmap_pipeline.lib.formats.containers import RawReader, read_gzip, read_zip
from roadmap_pipeline.lib.formats.sniff import EXCHANGE, EXPORTS, GZIP, HEAD_BYTES, KIPRIS, USPTO, ZIP, sniff
from roadmap_pipeline.lib.records import Document, Reject

Record = Document | Reject

# The parser of each format `sniff` tells, and the reader of each container.
PARSERS: dict[str, Callable[[BinaryIO, str], Iterator[Record]]] = {
    USPTO.name: uspto.parse,
    EXCHANGE.name: exchange.parse,
    KIPRIS.name: kipris.parse,
    EXPORTS.name: exports.parse,
}
CONTAINERS = {ZIP.name: read_zip, GZIP.name: read_gzip}


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
    buffered = stream if isinstance(stream, io.BufferedReader) else io.BufferedReader(RawReader(stream), HEAD_BYTES)
    head = buffered.peek(HEAD_BYTES)[:HEAD_BYTES]
    fmt = sniff(head)
    if fmt.name in CONTAINERS:
        yield from CONTAINERS[fmt.name](buffered, name, read_stream)
    elif fmt.name in PARSERS:
        try:
            yield from PARSERS[fmt.name](buffered, name)
        except OSError as exc:  # the disk, not the content
            yield Reject(name, "rest of file", f"reading the file failed: {exc}", "")
    else:
        yield Reject(name, "file", f"unsupported format: {fmt.description}", _excerpt(head))


def _excerpt(head: bytes, size: int = 300) -> str:
    return head[:size].decode("utf-8", "replace")
