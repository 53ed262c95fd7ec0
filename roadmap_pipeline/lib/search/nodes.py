"""The syntax tree of a search expression: small immutable nodes.

Leaves carry the position of their value in the expression (the word, the opening quote, the
symbol or the years, not the field prefix) for messages; positions take no part in equality, so
two expressions that mean the same thing parse to equal trees.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union

TEXT_FIELDS = ("TA", "TI", "AB", "AP")
CLASS_FIELDS = ("CPC", "IPC")
YEAR_FIELD = "PY"
FIELDS = TEXT_FIELDS + CLASS_FIELDS + (YEAR_FIELD,)


@dataclass(frozen=True)
class Word:
    """One normalized word of a text term; ``truncated`` when written with a trailing ``*``."""

    text: str
    truncated: bool = False

    def __str__(self) -> str:
        return f"{self.text}*" if self.truncated else self.text


@dataclass(frozen=True)
class TextTerm:
    """A word or a quoted phrase searched in a text field (TA, TI, AB or AP)."""

    field: str
    words: tuple[Word, ...]
    position: int = field(default=0, compare=False)

    @property
    def label(self) -> str:
        """Display form, e.g. ``TA:robot*`` or ``TA:"neural network*"``."""
        text = " ".join(str(word) for word in self.words)
        return f'{self.field}:"{text}"' if len(self.words) > 1 else f"{self.field}:{text}"


@dataclass(frozen=True)
class ClassTerm:
    """A CPC or IPC symbol, normalized (``G06N3/08``); ``truncated`` for a plain prefix match."""

    scheme: str
    symbol: str
    truncated: bool = False
    position: int = field(default=0, compare=False)

    @property
    def label(self) -> str:
        """Display form, e.g. ``CPC:G06N3/08`` or ``IPC:G05B23/02*``."""
        return f"{self.scheme}:{self.symbol}{'*' if self.truncated else ''}"


@dataclass(frozen=True)
class YearRange:
    """Priority years from ``start`` to ``end`` inclusive; None leaves that side open."""

    start: int | None
    end: int | None
    position: int = field(default=0, compare=False)

    @property
    def label(self) -> str:
        """Display form, e.g. ``PY:2015..2024``, ``PY:2015``, ``PY:..2024``."""
        if self.start is not None and self.start == self.end:
            return f"PY:{self.start}"
        start = "" if self.start is None else str(self.start)
        end = "" if self.end is None else str(self.end)
        return f"PY:{start}..{end}"


@dataclass(frozen=True)
class Not:
    """True where the operand is false."""

    operand: Node


@dataclass(frozen=True)
class And:
    """True where every operand is true (explicit ``AND`` or adjacency)."""

    operands: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    """True where any operand is true."""

    operands: tuple[Node, ...]


Leaf = Union[TextTerm, ClassTerm, YearRange]
Node = Union[TextTerm, ClassTerm, YearRange, Not, And, Or]
