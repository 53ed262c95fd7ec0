"""The search-expression language (검색식) of taxonomy subclasses: parser and SQL compiler.

``parse`` turns an expression such as ``TI:(robot* OR manipulator) AND "pick and place"
NOT CPC:B25J9/16`` into a tree of small frozen nodes; ``compile_expression`` turns the tree into
a boolean DuckDB expression whose every user value is a named parameter. The language is
documented for analysts in the README ("Search expressions").

Matching, in brief: texts are compared after `normalize_text` (NFKC, lower case); Hangul, CJK and
kana terms match as substrings, other terms as whole words (``*`` truncates a word; phrase words
may be separated by any non-letter/digit characters); ``CPC:``/``IPC:`` match a subclass
(``G06N``), a main group (``G06N3`` = ``G06N3/…``), an exact symbol (``G06N3/08``) or, with ``*``,
a plain prefix; ``PY:`` is an inclusive range of priority years.
"""

from .compiler import Compiled, CompiledTerm, compile_expression
from .errors import SearchSyntaxError
from .nodes import And, ClassTerm, Leaf, Node, Not, Or, TextTerm, Word, YearRange
from .normalize import normalize_text
from .parser import parse

__all__ = [
    "And",
    "ClassTerm",
    "Compiled",
    "CompiledTerm",
    "Leaf",
    "Node",
    "Not",
    "Or",
    "SearchSyntaxError",
    "TextTerm",
    "Word",
    "YearRange",
    "compile_expression",
    "normalize_text",
    "parse",
]
