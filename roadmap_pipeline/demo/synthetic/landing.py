"""Writing the landing zone: many files filled in interleaved order, with bounded memory.

Families are generated in index order while their documents belong to every month of twenty years,
so records for a few thousand files arrive interleaved. Keeping them all open would exceed the
process's file limit, and keeping them all in memory would not be bounded: records are buffered up to
`buffer_chars` and then appended file by file. A file's header is written when it is created, and its
`close` callback (footer, record count, zipping) runs once everything is written. Each file's bytes
depend only on the order of its own records, so the result is the same whatever the buffer size.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_BUFFER_CHARS = 24 << 20


@dataclass
class FileSpec:
    """How a file starts and ends.

    Attributes:
        header: text written when the file is created.
        close: called with the file's path and record count after the last record is written.
    """

    header: str = ""
    close: Callable[[Path, int], None] | None = None


@dataclass
class _Target:
    spec: FileSpec
    count: int = 0
    created: bool = False
    pending: list[str] = field(default_factory=list)


class LandingZone:
    """Appends records to files under `root`, buffering them in memory up to a bound."""

    def __init__(self, root: Path, buffer_chars: int = DEFAULT_BUFFER_CHARS):
        self.root = root
        self._buffer_chars = buffer_chars
        self._buffered = 0
        self._targets: dict[str, _Target] = {}

    def count(self, relative: str) -> int:
        """How many records were added to `relative` so far."""
        target = self._targets.get(relative)
        return target.count if target else 0

    def add(self, relative: str, text: str, spec: Callable[[], FileSpec] | None = None) -> None:
        """Append one record to the file `relative` (created with `spec()` on its first record)."""
        target = self._targets.get(relative)
        if target is None:
            target = self._targets[relative] = _Target(spec() if spec else FileSpec())
        target.count += 1
        target.pending.append(text)
        self._buffered += len(text)
        if self._buffered >= self._buffer_chars:
            self.flush()

    def flush(self) -> None:
        """Write every buffered record to its file."""
        for relative in sorted(self._targets):
            target = self._targets[relative]
            if not target.pending:
                continue
            path = self.root / relative
            if not target.created:
                path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("a" if target.created else "w", encoding="utf-8", newline="\n") as handle:
                if not target.created:
                    handle.write(target.spec.header)
                    target.created = True
                handle.write("".join(target.pending))
            target.pending.clear()
        self._buffered = 0

    def close(self) -> int:
        """Flush, then finish every file (footers, counts, archives); return the number of files."""
        self.flush()
        for relative in sorted(self._targets):
            target = self._targets[relative]
            if target.spec.close is not None:
                target.spec.close(self.root / relative, target.count)
        return len(self._targets)
