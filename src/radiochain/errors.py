"""One exception hierarchy for everything radiochain raises on purpose.

Every message says what was wrong, where (file, row, field when there is one) and what would
be right, in one line, so the command line can print it as is (exit code 2).
"""

from __future__ import annotations


class RadiochainError(Exception):
    """Base class of every error radiochain raises deliberately."""

    exit_code: int = 2


class InputError(RadiochainError, ValueError):
    """A value given by the user is invalid (negative amount, NaN, wrong shape...)."""


class UnitError(InputError):
    """A quantity with a unit could not be parsed or has the wrong dimension."""


class UnknownNuclideError(InputError, KeyError):
    """A nuclide name is not valid or not in the selected dataset."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class InfeasibleError(RadiochainError):
    """The question has no answer for this input (e.g. a hospital no lane reaches within the
    product's shelf life); the command line exits with code 1."""

    exit_code = 1


class DataError(RadiochainError):
    """A bundled or optional dataset is missing, unavailable or inconsistent."""


MESSAGE_LIMIT = 300
"""Longest error message radiochain prints [characters]; longer ones are elided in the middle."""


def elide(value: object, limit: int = 60) -> str:
    """``value`` as text for a message: on one line, at most ``limit`` characters (the middle
    elided with ``…``), so that a 10,000-character input never floods the terminal.

    Examples
    --------
    >>> elide("x" * 100, limit=11)
    'xxxxx…xxxxx'
    """
    text = str(value)
    if len(text.splitlines()) > 1 or text.endswith(("\n", "\r")):  # any line boundary
        text = " ".join(text.split())
    if not text.isprintable():  # a NUL or an escape sequence is shown, never sent to a terminal
        text = "".join(c if c.isprintable() or c == " " else f"\\x{ord(c):02x}" for c in text)
    if len(text) <= limit:
        return text
    keep = max(limit - 1, 2)
    return text[: keep - keep // 2] + "…" + text[len(text) - keep // 2 :]


def one_line(message: str, limit: int = MESSAGE_LIMIT) -> str:
    """A message as one line of at most ``limit`` characters (line breaks become spaces)."""
    return elide(" ".join(message.split()), limit)


def elide_path(path: object, limit: int = 120) -> str:
    """A file path for a message: whole when short, else its end (the file name matters most).

    Examples
    --------
    >>> elide_path("/" + "d/" * 100 + "net.json", limit=20)
    '…/d/d/d/d/d/net.json'
    """
    text = str(path)
    return text if len(text) <= limit else "…" + text[len(text) - limit + 1 :]
