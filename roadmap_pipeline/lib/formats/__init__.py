"""Parsers of the offices' native formats and analysts' exports, all yielding `records.Document`.

Layout: one subpackage per format (`uspto`, `exchange` for DOCDB and OPS, `kipris`, `exports`),
the pieces they share once (`classification` symbols, `dates`, `containers` for zip/gzip and
stream adapters, `xmlparse` for the XML parser set-up, `number_issues` for the rejects of unusable
numbers), and `reader`, which sniffs a file (`sniff`) and hands it to its parser through the
explicit table `reader.PARSERS`.

Contract of every format parser: ``parse(stream, source_file) -> Iterator[Document | Reject]``,
where ``stream`` is a binary file object positioned at the start of one file (a zip member is
passed as its own stream) and ``source_file`` names it in locators and rejects. A parser streams
(bounded memory), never raises on bad content inside the file: a bad record becomes a `Reject` and
the parser continues with the next one. A file that ends inside a record (cut short) gives the
records before the cut and an error `Reject` saying where it ends. A document kept without one of
its application or priority numbers is followed by a `Reject` naming the number (`number_issues`):
of severity ``warning`` where only a fact DOCDB's form needs is missing (a US filing date), else
``error``; no id is made up for it.
"""
