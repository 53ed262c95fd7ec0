"""XML parser set-up shared by the XML formats, and telling a file cut short from a malformed one.

Every parser is built here with the same guards: no DTD loaded, no entity resolved, nothing fetched
from the network (bulk files name DTDs that are not shipped), and no limit on text size (a
description or an abstract can be large).
"""

from __future__ import annotations

import re
from typing import BinaryIO

from lxml import etree

SAFE = {"resolve_entities": False, "no_network": True, "load_dtd": False, "huge_tree": True}
EXCERPT_BYTES = 300


def xml_parser(**options) -> etree.XMLParser:
    """A parser with the shared guards; `options` add to them (``remove_comments=True`` …)."""
    return etree.XMLParser(**SAFE, **options)


def iterparse(stream: BinaryIO, **options) -> etree.iterparse:
    """`lxml.etree.iterparse` with the shared guards; `options` add to them (``events``, ``tag`` …)."""
    return etree.iterparse(stream, **SAFE, **options)


class EndTracker:
    """A binary stream that counts what it hands on: bytes, lines, whether its end was reached.

    It keeps the first bytes too, for the excerpt of a file-level reject.
    """

    def __init__(self, stream: BinaryIO):
        self._stream = stream
        self.position = 0
        self.lines = 1
        self.at_end = False
        self.head = b""

    def read(self, size: int = -1) -> bytes:
        data = self._stream.read(size)
        if not data and size != 0:
            self.at_end = True
        if len(self.head) < EXCERPT_BYTES:
            self.head += data[: EXCERPT_BYTES - len(self.head)]
        self.position += len(data)
        self.lines += data.count(b"\n")
        return data

    def truncation(self, exc: etree.XMLSyntaxError, kept: str) -> str | None:
        """The reject reason when a syntax error is the file ending inside an element, else None.

        libxml2 reports a file that stops inside an element (``Premature end of data``,
        ``Couldn't find end of Start Tag`` …) on the file's last line once all of it was read.

        Args:
            exc: the error.
            kept: what was read before the cut (``the 4 documents before it``).
        """
        if not (self.at_end and self.position and exc.lineno is not None and exc.lineno >= self.lines):
            return None
        return f"file ends at byte {self.position}, inside an element (truncated): {message(exc)}; {kept} were kept"

    def excerpt(self) -> str:
        return self.head.decode("utf-8", "replace")


_LXML_WHERE = re.compile(r"\s*\(<string>, line \d+\)$")


def message(exc: etree.XMLSyntaxError) -> str:
    """lxml's message without the ``(<string>, line N)`` it appends (the line is in the message)."""
    return _LXML_WHERE.sub("", str(exc))
