"""Keyword tokens of patent titles and abstracts, in English and Korean.

English: lower-cased words of letters, digits and inner hyphens; numbers, one-character words and
stop words are dropped; plurals are reduced by a few suffix rules (``networks`` -> ``network``);
bigrams join two kept words that follow each other with only white space between them, so a
bigram never spans a stop word, a number or punctuation.

Korean: nouns (NNG, NNP) from kiwipiepy, with noun-deriving suffixes joined to their noun
(``성형기``, ``최적화``), plus one compound token per run of nouns written solid
(``인공`` + ``지능`` -> ``인공지능``), the Korean counterpart of a bigram. Latin parts of a Korean text
(``CNN``, ``AI``) go through the English rules. A text is Korean when it contains any Hangul.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import cache
from typing import TYPE_CHECKING

from roadmap_pipeline.lib.keywords.stopwords import (
    ENGLISH_STOP_PHRASES,
    ENGLISH_STOP_WORDS,
    KOREAN_STOP_WORDS,
)

if TYPE_CHECKING:
    from kiwipiepy import Kiwi

_HANGUL_RUN = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]+")
_WORD = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_HAS_LETTER = re.compile(r"[a-z]")
_GAP = re.compile(r"\s*")
_STOP_PHRASE = re.compile(r"\b(?:" + "|".join(re.escape(p) for p in ENGLISH_STOP_PHRASES) + r")\b")
_KOREAN_NOUN_TAGS = frozenset({"NNG", "NNP"})

# Words whose final "s" is not a plural ending, and irregular plurals of technical writing.
_SINGULAR_EXCEPTIONS = frozenset(
    "alias atlas bias canvas chassis lens means news series species gas".split()
)
_IRREGULAR_PLURALS = {
    "analyses": "analysis",
    "axes": "axis",
    "buses": "bus",
    "caches": "cache",
    "criteria": "criterion",
    "gases": "gas",
    "indices": "index",
    "matrices": "matrix",
    "niches": "niche",
    "phenomena": "phenomenon",
    "vertices": "vertex",
}


def is_korean(text: str) -> bool:
    """Whether a text takes the Korean pipeline: it contains at least one Hangul character."""
    return _HANGUL_RUN.search(text) is not None


def singular(word: str) -> str:
    """The singular of an English word by a few suffix rules; other words come back unchanged.

    Rules, applied to the last hyphen-separated part: irregular plurals from a small table;
    ``-ies`` -> ``-y``; ``-sses``/``-shes``/``-ches``/``-xes`` lose ``es``; otherwise a final
    ``s`` is dropped unless the word ends in ``ss``, ``us``, ``is`` or ``ics``, is listed as an
    exception (``bias``, ``lens``, ``series``) or has at most three letters.
    """
    head, _, last = word.rpartition("-")
    if last in _IRREGULAR_PLURALS:
        last = _IRREGULAR_PLURALS[last]
    elif len(last) <= 3 or last in _SINGULAR_EXCEPTIONS or last.endswith(("ss", "us", "is", "ics")):
        pass
    elif last.endswith("ies") and len(last) > 4:
        last = last[:-3] + "y"
    elif last.endswith(("sses", "shes", "ches", "xes")):
        last = last[:-2]
    elif last.endswith("s"):
        last = last[:-1]
    return f"{head}-{last}" if head else last


def tokenize_english(
    text: str,
    stop_words: frozenset[str] = ENGLISH_STOP_WORDS,
    bigrams: bool = True,
    singularize: bool = True,
) -> list[str]:
    """Unigram and bigram keyword tokens of an English text, in text order.

    Args:
        text: Any text; characters other than Latin letters, digits and hyphens separate words.
        stop_words: Words dropped; matched before and after singularization.
        bigrams: Whether to add ``"w1 w2"`` for adjacent kept words.
        singularize: Whether to reduce plurals with :func:`singular`.

    Returns:
        Tokens; a bigram follows the unigram that ends it.
    """
    folded = unicodedata.normalize("NFKD", text.lower())
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    # Stop phrases become punctuation: their words are dropped and no bigram bridges them.
    folded = _STOP_PHRASE.sub(" | ", folded)
    tokens: list[str] = []
    previous: str | None = None
    previous_end = -1
    for match in _WORD.finditer(folded):
        adjacent = previous is not None and bool(_GAP.fullmatch(folded, previous_end, match.start()))
        previous_end = match.end()
        word = match.group()
        if len(word) < 2 or not _HAS_LETTER.search(word) or word in stop_words:
            previous = None
            continue
        if singularize:
            word = singular(word)
            if word in stop_words:
                previous = None
                continue
        tokens.append(word)
        if bigrams and adjacent:
            tokens.append(f"{previous} {word}")
        previous = word
    return tokens


@cache
def korean_analyzer() -> Kiwi:
    """The process-wide kiwipiepy analyzer; built on first use because loading takes seconds.

    The multi-word dictionary (named entities spanning spaces) is not loaded: it would fuse
    separate nouns into one token, and skipping it halves the load time.
    """
    from kiwipiepy import Kiwi

    return Kiwi(load_multi_dict=False)


def _korean_match_options() -> int:
    from kiwipiepy import Match

    return Match.ALL | Match.JOIN_NOUN_SUFFIX


def _korean_nouns(morphemes: Iterable, stop_words: frozenset[str], compounds: bool) -> list[str]:
    tokens: list[str] = []
    run: list[str] = []
    run_end = -1

    def close_run() -> None:
        if compounds and len(run) > 1:
            tokens.append("".join(run))
        run.clear()

    for morpheme in morphemes:
        is_noun = morpheme.tag in _KOREAN_NOUN_TAGS and morpheme.form not in stop_words
        if not is_noun or morpheme.start != run_end:
            close_run()
        if is_noun:
            tokens.append(morpheme.form)
            run.append(morpheme.form)
            run_end = morpheme.start + morpheme.len
    close_run()
    return tokens


def _latin_parts(text: str) -> str:
    return _HANGUL_RUN.sub(" | ", text)


def tokenize_korean(
    text: str,
    stop_words: frozenset[str] = KOREAN_STOP_WORDS,
    english_stop_words: frozenset[str] = ENGLISH_STOP_WORDS,
    compounds: bool = True,
) -> list[str]:
    """Noun tokens of a Korean text, plus English tokens of its Latin parts.

    Args:
        text: Text containing Hangul.
        stop_words: Korean nouns dropped; a dropped noun also ends a compound.
        english_stop_words: Stop words for the Latin parts.
        compounds: Whether to add the solid-written noun compounds.

    Returns:
        Korean tokens in text order, then the English tokens.
    """
    morphemes = korean_analyzer().tokenize(text, match_options=_korean_match_options())
    return _korean_nouns(morphemes, stop_words, compounds) + tokenize_english(
        _latin_parts(text), english_stop_words
    )


def tokenize(text: str | None) -> list[str]:
    """Keyword tokens of one text, Korean or English by its script (see the module docstring)."""
    if not text:
        return []
    return tokenize_korean(text) if is_korean(text) else tokenize_english(text)


def tokenize_many(texts: Sequence[str | None]) -> list[list[str]]:
    """Keyword tokens of many texts; Korean texts go through kiwipiepy in one batch.

    Args:
        texts: Texts in any mix of languages; None and empty texts give no tokens.

    Returns:
        One token list per text, in input order.
    """
    result: list[list[str]] = [[] for _ in texts]
    korean_positions = [i for i, text in enumerate(texts) if text and is_korean(text)]
    korean = set(korean_positions)
    for i, text in enumerate(texts):
        if text and i not in korean:
            result[i] = tokenize_english(text)
    if korean_positions:
        analyses = korean_analyzer().tokenize(
            [texts[i] for i in korean_positions], match_options=_korean_match_options()
        )
        for i, morphemes in zip(korean_positions, analyses, strict=True):
            result[i] = _korean_nouns(morphemes, KOREAN_STOP_WORDS, True) + tokenize_english(
                _latin_parts(texts[i])
            )
    return result
