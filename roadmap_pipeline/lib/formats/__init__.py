"""Parsers of the offices' native formats; one module per format, all yielding `records.Document`.

Contract of every format module: ``parse(stream, source_file) -> Iterator[Document | Reject]``,
where ``stream`` is a binary file object positioned at the start of one file (a zip member is
passed as its own stream) and ``source_file`` names it in locators and rejects. A parser streams
(bounded memory), never raises on bad content inside the file: a bad record becomes a `Reject` and
the parser continues with the next one.
"""
