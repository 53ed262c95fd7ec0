"""Recursive-descent parser of the search-expression language.

Grammar (upper-case operators only; adjacency is an implicit AND)::

    expression := or_expr END
    or_expr    := and_expr ("OR" and_expr)*
    and_expr   := unary (["AND"] unary)*
    unary      := "NOT" unary | primary
    primary    := [FIELD] (WORD | PHRASE | "(" or_expr ")")

A field prefix on a group applies to the text terms inside it that carry no prefix of their own.
``CPC:``/``IPC:`` take a symbol (a bare word, or a phrase for a symbol written with spaces) and
``PY:`` a year range; neither takes a group.
"""

from __future__ import annotations

import re
import unicodedata

from . import lexer
from .errors import SearchSyntaxError
from .lexer import Token
from .nodes import CLASS_FIELDS, FIELDS, TEXT_FIELDS, YEAR_FIELD, And, Node, Not, Or
from .values import SYMBOL_EXAMPLES, YEAR_EXAMPLES, class_term, text_term, year_range

_OPERAND_STARTS = (lexer.WORD, lexer.PHRASE, lexer.FIELD, lexer.LPAREN, lexer.NOT)
_TERM_EXPECTED = "a term, a phrase or '('"
# Bounds the recursion of the parser and the compiler, far above any expression written by hand.
MAX_NESTING = 100
# `CPC:G06N 3/08` as copied from a patent document: the group after the space belongs to it.
_BARE_SUBCLASS = re.compile(r"[A-HYa-hy]\d{2}[A-Za-z]")
_DETACHED_GROUP = re.compile(r"\d{1,4}/\d+\*?")


def parse(expression: str) -> Node:
    """Parse a search expression into its syntax tree.

    Args:
        expression: E.g. ``TI:(robot* OR manipulator) AND "pick and place" NOT CPC:B25J9/16``.

    Returns:
        The root node; terms without a prefix are in field TA.

    Raises:
        SearchSyntaxError: With the position and what was expected, on any malformed input.
    """
    return _Parser(expression).parse()


class _Parser:
    def __init__(self, expression: str) -> None:
        self.expression = expression
        self.tokens = lexer.tokenize(expression)
        self.index = 0
        self.depth = 0

    @property
    def current(self) -> Token:
        return self.tokens[self.index]

    def advance(self) -> Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def fail(self, token: Token, expected: str) -> SearchSyntaxError:
        return SearchSyntaxError(self.expression, token.position, expected, _describe(token))

    def parse(self) -> Node:
        if self.current.kind == lexer.END:
            raise SearchSyntaxError(self.expression, 0, "a term", "an empty expression")
        node = self.or_expr("TA")
        if self.current.kind != lexer.END:
            raise self.fail(self.current, "an operator or the end of the expression")
        return node

    def or_expr(self, field: str) -> Node:
        operands = [self.and_expr(field)]
        while self.current.kind == lexer.OR:
            self.advance()
            operands.append(self.and_expr(field))
        return _combine(Or, operands)

    def and_expr(self, field: str) -> Node:
        operands = [self.unary(field)]
        while True:
            if self.current.kind == lexer.AND:
                self.advance()
            elif self.current.kind not in _OPERAND_STARTS:
                break
            operands.append(self.unary(field))
        return _combine(And, operands)

    def unary(self, field: str) -> Node:
        if self.current.kind == lexer.NOT:
            self.nest(self.advance())
            node = Not(self.unary(field))
            self.depth -= 1
            return node
        return self.primary(field)

    def nest(self, token: Token) -> None:
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise self.fail(token, f"at most {MAX_NESTING} nested parentheses and NOTs")

    def primary(self, field: str) -> Node:
        if self.current.kind != lexer.FIELD:
            return self.operand(field, _TERM_EXPECTED)
        prefix = self.advance()
        name = unicodedata.normalize("NFKC", prefix.text[:-1]).upper()
        if name not in FIELDS:
            known = ", ".join(f"{known}:" for known in FIELDS)
            raise self.fail(prefix, f"a known field prefix ({known})")
        if name in TEXT_FIELDS:
            return self.operand(name, f"{_TERM_EXPECTED} after {name}:")
        token = self.current
        if name in CLASS_FIELDS:
            expected = f"a {name} symbol such as {SYMBOL_EXAMPLES}"
            if token.kind not in (lexer.WORD, lexer.PHRASE):
                raise self.fail(token, expected)
            self.advance()
            return class_term(self.expression, name, self.symbol_text(token), token.position)
        assert name == YEAR_FIELD
        if token.kind != lexer.WORD:
            raise self.fail(token, YEAR_EXAMPLES)
        self.advance()
        return year_range(self.expression, token.text, token.position)

    def operand(self, field: str, expected: str) -> Node:
        token = self.current
        if token.kind == lexer.WORD:
            self.advance()
            return text_term(self.expression, field, token.text, token.position, quoted=False)
        if token.kind == lexer.PHRASE:
            self.advance()
            return text_term(self.expression, field, token.text, token.position, quoted=True)
        if token.kind != lexer.LPAREN:
            raise self.fail(token, expected)
        self.nest(self.advance())
        if self.current.kind == lexer.RPAREN:
            raise self.fail(self.current, _TERM_EXPECTED)
        node = self.or_expr(field)
        if self.current.kind != lexer.RPAREN:
            raise self.fail(self.current, f"')' to close the '(' at position {token.position}")
        self.advance()
        self.depth -= 1
        return node

    def symbol_text(self, token: Token) -> str:
        """The symbol's text, joined with a detached group that follows a bare subclass."""
        following = self.current
        if (
            token.kind == lexer.WORD
            and _BARE_SUBCLASS.fullmatch(token.text)
            and following.kind == lexer.WORD
            and _DETACHED_GROUP.fullmatch(following.text)
        ):
            self.advance()
            return token.text + following.text
        return token.text


def _combine(kind: type[And] | type[Or], operands: list[Node]) -> Node:
    """One node for the operands, nested nodes of the same kind flattened."""
    if len(operands) == 1:
        return operands[0]
    flat: list[Node] = []
    for operand in operands:
        flat.extend(operand.operands if isinstance(operand, kind) else (operand,))
    return kind(tuple(flat))


def _describe(token: Token) -> str:
    if token.kind == lexer.END:
        return "the end of the expression"
    if token.kind in lexer.OPERATORS:
        return f"the operator '{token.text}'"
    if token.kind == lexer.FIELD:
        return f"the field prefix '{token.text}'"
    if token.kind == lexer.PHRASE:
        return f"the phrase '\"{token.text}\"'"
    return f"'{token.text}'"
