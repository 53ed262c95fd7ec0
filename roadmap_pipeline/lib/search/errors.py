"""The error a malformed search expression raises, pointing at the faulty character."""

from __future__ import annotations

from .normalize import display_width


class SearchSyntaxError(ValueError):
    """A search expression that does not follow the grammar.

    Its message names what was expected and what was found, then shows the expression with a
    caret under the faulty character::

        expected ')' to close the '(' at position 3, found the end of the expression (position 16)
          TI:(robot OR arm
                          ^

    Attributes:
        expression: The expression as written.
        position: 0-based character offset of the fault (``len(expression)`` for its end).
        expected: What the grammar expected there, in words.
        found: What was there instead, in words.
        context: Text placed before the message (e.g. the taxonomy file and subclass).
    """

    def __init__(
        self, expression: str, position: int, expected: str, found: str, context: str = ""
    ) -> None:
        self.expression = expression
        self.position = position
        self.expected = expected
        self.found = found
        self.context = context
        super().__init__(self._message())

    def with_context(self, context: str) -> SearchSyntaxError:
        """The same error with a prefix saying where the expression comes from.

        Args:
            context: E.g. ``"data/taxonomy/x.yaml, subclass design.process_design"``; placed
                before the message, followed by ": ".

        Returns:
            A new error with the same position, expectation and finding.
        """
        full = f"{context}: {self.context}" if self.context else context
        return SearchSyntaxError(self.expression, self.position, self.expected, self.found, full)

    def __reduce__(self):
        # Keeps the attributes when the error crosses a process boundary (multiprocess executor).
        args = (self.expression, self.position, self.expected, self.found, self.context)
        return (SearchSyntaxError, args)

    def _message(self) -> str:
        head = f"expected {self.expected}, found {self.found} (position {self.position})"
        if self.context:
            head = f"{self.context}: {head}"
        # A multi-line expression is shown from the line holding the fault, caret below it.
        line_start = self.expression.rfind("\n", 0, self.position) + 1
        line_end = self.expression.find("\n", self.position)
        line = self.expression[line_start : None if line_end < 0 else line_end].replace("\t", " ")
        indent = display_width(self.expression[line_start : self.position])
        return f"{head}\n  {line}\n  {' ' * indent}^"
