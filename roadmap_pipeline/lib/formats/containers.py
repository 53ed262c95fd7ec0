"""Zip and gzip containers, and the stream adapters that let a parser read what a damaged one holds.

A container cut short (an interrupted download) still holds every byte before the cut. The
adapters here hand a parser those bytes and then a plain end of stream, whatever error the
decompressor raised; the parser reports the document the cut falls in, as for any file that ends
inside a document, and the container adds one reject saying where and why its stream ended.

A zip is read through its central directory when the archive has one (`zipfile`); an archive cut
short has lost it (it is written last), and is then read front to back from its members' local
headers with `stream_unzip`, so that the members before the cut are recovered. A stream that
cannot seek (a zip inside a gzip) is read that way too.
"""

from __future__ import annotations

import gzip
import io
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from typing import BinaryIO

from roadmap_pipeline.lib.records import Document, Reject

Record = Document | Reject
ReadStream = Callable[[BinaryIO, str], Iterator[Record]]

# Errors a decompressing stream raises where its data is cut or damaged.
STREAM_ERRORS = (EOFError, OSError, zlib.error, zipfile.BadZipFile)
# The USPTO weekly zips carry a list of numbers and a report next to the XML.
_ANCILLARY_SUFFIXES = (".txt", ".html", ".htm", ".dtd", ".ent", ".xsl", ".xsd", ".pdf", ".tif", ".tiff", ".jpg", ".png")
_STREAM_CHUNK = 1 << 16


class SalvagingReader(io.RawIOBase):
    """A raw stream over a decompressing one that turns a read error into the end of the stream.

    Bytes decompressed before the error are all delivered (reads go through ``read1`` where the
    stream has it, so that one failing read does not take the bytes of earlier ones with it);
    `error` then holds the exception, for the container's reject.
    """

    def __init__(self, stream: BinaryIO):
        self._read = getattr(stream, "read1", stream.read)
        self.error: BaseException | None = None
        self.position = 0  # decompressed bytes delivered

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self.error is not None:
            return 0
        try:
            data = self._read(len(buffer))
        except STREAM_ERRORS as exc:
            self.error = exc
            return 0
        buffer[: len(data)] = data
        self.position += len(data)
        return len(data)


class ChunkReader(io.RawIOBase):
    """A raw stream over an iterable of byte chunks (a `stream_unzip` member), errors as in `SalvagingReader`.

    Args:
        chunks: the byte chunks.
        errors: the exceptions that end the stream (`STREAM_ERRORS` and the chunk source's own).
    """

    def __init__(self, chunks: Iterable[bytes], errors: tuple[type[BaseException], ...] = STREAM_ERRORS):
        self._chunks = iter(chunks)
        self._errors = errors
        self._pending = b""
        self.error: BaseException | None = None
        self.position = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while not self._pending and self.error is None:
            try:
                self._pending = next(self._chunks)
            except StopIteration:
                break
            except self._errors as exc:
                self.error = exc
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        self.position += size
        return size

    def drain(self) -> None:
        """Read the chunks the parser left (a member must be read to its end before the next one)."""
        self._pending = b""
        while self.error is None:
            try:
                next(self._chunks)
            except StopIteration:
                return
            except self._errors as exc:
                self.error = exc


class Prefixed:
    """A read-only binary stream: bytes already read (to sniff a format), then the rest of a stream."""

    def __init__(self, head: bytes, rest: BinaryIO):
        self._head = head
        self._rest = rest

    def read(self, size: int = -1) -> bytes:
        """Read up to `size` bytes (all when negative), head first."""
        if not self._head:
            return self._rest.read(size)
        if size is None or size < 0:
            data, self._head = self._head + self._rest.read(), b""
        else:
            data, self._head = self._head[:size], self._head[size:]
        return data


class RawReader(io.RawIOBase):
    """Any binary file object as a raw stream, so that it can sit under a `io.BufferedReader`."""

    def __init__(self, stream: BinaryIO):
        self._stream = stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self._stream.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def read_gzip(stream: BinaryIO, name: str, read_stream: ReadStream) -> Iterator[Record]:
    """The records of a gzip stream's content; a reject where the compressed stream is cut or damaged."""
    salvage = SalvagingReader(gzip.GzipFile(fileobj=stream))
    yield from _read_member(salvage, name, read_stream)
    if salvage.error is not None:
        yield Reject(name, f"gzip content byte {salvage.position}", _ended(salvage.error, "gzip stream"), "")


def read_zip(stream: BinaryIO, name: str, read_stream: ReadStream) -> Iterator[Record]:
    """The records of every member of a zip archive, a cut-short archive's members before the cut included."""
    if not stream.seekable():
        yield from _read_zip_front_to_back(stream, name, read_stream)
        return
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError, EOFError):
        stream.seek(0)
        yield from _read_zip_front_to_back(stream, name, read_stream)
        return
    with archive:
        for info in archive.infolist():
            if info.is_dir():
                continue
            member = f"{name}!{info.filename}"
            if is_ancillary(info.filename):
                yield _ancillary(member)
                continue
            try:
                handle = archive.open(info)
            except (zipfile.BadZipFile, OSError, EOFError, zlib.error, NotImplementedError) as exc:
                yield Reject(member, "file", f"unreadable zip member: {exc}", "")
                continue
            with handle:
                salvage = SalvagingReader(handle)
                yield from _read_member(salvage, member, read_stream)
            if salvage.error is not None:
                reason = _ended(salvage.error, "zip member")
                yield Reject(member, f"member byte {salvage.position}", reason, "")


def _read_zip_front_to_back(stream: BinaryIO, name: str, read_stream: ReadStream) -> Iterator[Record]:
    """Members in file order from their local headers, up to where the archive is cut or damaged."""
    import stream_unzip  # only archives without their directory need it (it pulls in asyncio and pycryptodome)

    errors = (*STREAM_ERRORS, stream_unzip.UnzipError)
    counted = _Counted(stream)
    members = stream_unzip.stream_unzip(counted.chunks())
    last, count = None, 0
    while True:
        try:
            filename, _, chunks = next(members)
        except StopIteration:
            break
        except errors as exc:
            where = f"after member {last}" if last else "before its first member"
            yield Reject(name, f"archive byte {counted.position}", _archive_cut(exc, where, count), "")
            return
        filename = filename.decode("utf-8", "replace")
        member = f"{name}!{filename}"
        reader = ChunkReader(chunks, errors)
        if is_ancillary(filename):
            yield _ancillary(member)
        elif not filename.endswith("/"):
            yield from _read_member(reader, member, read_stream)
        reader.drain()
        if reader.error is not None:
            reason = _archive_cut(reader.error, f"inside member {filename}", count)
            yield Reject(name, f"archive byte {counted.position}", reason, "")
            return
        last, count = filename, count + 1
    if not _has_end_record(counted.tail):  # every member was read; the directory after them is cut
        yield Reject(
            name,
            f"archive byte {counted.position}",
            f"zip archive ends inside its central directory, after its last member ({last}): "
            f"truncated; the {count} members were read",
            "",
        )


class _Counted:
    """The chunks of a stream, counting the bytes read and keeping the last ones (the archive's end)."""

    def __init__(self, stream: BinaryIO):
        self._stream = stream
        self.position = 0
        self.tail = b""

    def chunks(self) -> Iterator[bytes]:
        while chunk := self._stream.read(_STREAM_CHUNK):
            self.position += len(chunk)
            self.tail = (self.tail + chunk)[-_END_RECORD_SPAN:]
            yield chunk


# The end-of-central-directory record: 22 bytes and a comment of up to 65535.
_END_RECORD = b"PK\x05\x06"
_END_RECORD_SPAN = 22 + 0xFFFF


def _has_end_record(tail: bytes) -> bool:
    """Whether the archive's last bytes hold a complete end-of-central-directory record."""
    at = tail.rfind(_END_RECORD)
    while at >= 0:
        if len(tail) - at >= 22 and len(tail) - at - 22 >= int.from_bytes(tail[at + 20 : at + 22], "little"):
            return True
        at = tail.rfind(_END_RECORD, 0, at)
    return False


def _read_member(raw: SalvagingReader | ChunkReader, name: str, read_stream: ReadStream) -> Iterator[Record]:
    """The records of a decompressed stream; nothing when it failed before its first byte."""
    buffered = io.BufferedReader(raw, 1 << 20)
    if buffered.peek(1) or raw.error is None:
        yield from read_stream(buffered, name)


def is_ancillary(filename: str) -> bool:
    """Whether a zip member is a companion file (list, report, DTD, image) rather than records."""
    lowered = filename.lower()
    return lowered.endswith(_ANCILLARY_SUFFIXES) or lowered.split("/")[-1].startswith(".")


def _ancillary(member: str) -> Reject:
    return Reject(member, "file", "ancillary file in archive (not patent records)", "", "skipped")


def _ended(error: BaseException, what: str) -> str:
    """Reason for a compressed stream that stopped early; the records before the cut were kept."""
    cut = isinstance(error, EOFError) or "truncat" in str(error).lower()
    how = "ends before its end (truncated)" if cut else "is corrupt"
    return f"{what} {how}: {error or type(error).__name__}; the records before this point were kept"


def _archive_cut(error: BaseException, where: str, members_read: int) -> str:
    import stream_unzip

    if isinstance(error, (EOFError, stream_unzip.TruncatedDataError)):
        what = f"zip archive ends {where} (truncated)"
    else:
        what = f"zip archive is damaged {where} ({type(error).__name__}{': ' * bool(str(error))}{error})"
    return f"{what}; the {members_read} members before it were read"
