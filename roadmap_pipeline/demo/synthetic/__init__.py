"""A deterministic synthetic five-office patent corpus with planted ground truth (the demo data).

`generate_corpus` writes a landing zone ``<OFFICE>/<YYYY-MM>/<files>`` in the offices' native formats,
structurally faithful to the real samples in tests/fixtures: US documents as USPTO ICE XML weekly
files (grants zipped like ``ipgb…_wk43.zip``, applications plain), EP, JP, CN and KR documents (with
WO and DE ones) as EPO DOCDB bulk files, and part of the KR applications also as KIPRIS Plus
responses, so that the same publication arrives from two sources. ``ground_truth.json`` beside it
records every family, its documents, its planted labels and the planted parameters (`truth`).

The content is built for the analysis: families filed across the five offices with realistic
priority chains, applicants with countries, CPC/IPC classes and citations; topics for every subclass
of roadmap_pipeline/taxonomies/manufacturing_ai.yaml with sub-topics and lexical noise; growth, Korean strength and
emerging keywords planted over 2005-2025 (`plan`). Same seed, same bytes; sizes from the default few
thousand documents (about a second) to millions, streamed with bounded memory.

Every file carries a notice that the data is synthetic; the names of applicants and inventors are
invented.
"""

from roadmap_pipeline.demo.synthetic.cli import add_arguments, main, run
from roadmap_pipeline.demo.synthetic.corpus import (
    DEFAULT_DOCUMENTS,
    DEFAULT_SEED,
    LandingZoneNotEmpty,
    generate_corpus,
    is_empty,
)
from roadmap_pipeline.demo.synthetic.truth import GROUND_TRUTH, read_header

__all__ = [
    "DEFAULT_DOCUMENTS",
    "DEFAULT_SEED",
    "GROUND_TRUTH",
    "LandingZoneNotEmpty",
    "add_arguments",
    "generate_corpus",
    "is_empty",
    "main",
    "read_header",
    "run",
]
