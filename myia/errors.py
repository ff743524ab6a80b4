"""Every failure a user can cause, located in the user's source.

Each error carries `.location` (a `myia.ir.Location`: file, line, column) and
renders like CPython's own `SyntaxError`: the message, the file and line, the
source line and a caret under the construct.  Internal bugs are not wrapped
in these classes: they stay ordinary exceptions.
"""

import linecache
import re


class MyiaError(Exception):
    """Base class of the errors a user's program can cause."""

    def __init__(self, message, location=None, notes=()):
        super().__init__(message)
        self.message = message
        self.location = location
        self.notes = list(notes)

    def with_location(self, location):
        """Give the error a location if it has none yet."""
        if self.location is None and location is not None:
            self.location = location
        return self

    def source_line(self):
        loc = self.location
        if loc is None:
            return None
        if loc.source is not None:
            lines = loc.source.splitlines()
            if 0 < loc.line <= len(lines):
                return lines[loc.line - 1]
        return linecache.getline(loc.file, loc.line).rstrip("\n") or None

    def __str__(self):
        loc = self.location
        if loc is None:
            return self.message
        out = [self.message, f'  File "{loc.file}", line {loc.line}']
        src = self.source_line()
        if src is not None:
            stripped = src.lstrip()
            indent = len(src) - len(stripped)
            col = max(loc.column - indent, 0)
            if loc.end_column is not None:
                width = max(loc.end_column - loc.column, 1)
            else:  # a construct spanning lines: underline its first word
                width = len(re.match(r"\w*", stripped[col:]).group()) or 1
            width = min(width, max(len(stripped) - col, 1))
            out.append(f"    {stripped}")
            out.append("    " + " " * col + "^" * width)
        out.extend(f"  {n}" for n in self.notes)
        return "\n".join(out)


class MyiaSyntaxError(MyiaError):
    """A construct outside the supported Python subset."""


class MyiaNameError(MyiaError):
    """A name that is not defined where it is used."""


class MyiaTypeError(MyiaError):
    """Values of the wrong type or number for an operation or call."""


class MyiaShapeError(MyiaError):
    """Arrays whose shapes do not fit an operation."""


class MyiaRecursionError(MyiaError):
    """A program nesting calls deeper than the recursion limit.

    As CPython's `RecursionError`: see `myia.set_recursion_limit`.
    """
