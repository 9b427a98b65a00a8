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
