"""Errors a user can cause, each carrying a one-line message the CLI prints without a traceback.

Every stage raises a subclass of :class:`IronRiverError` for bad input (an unknown dataset or state, a
year out of range, a malformed scenario file, a corrupt data file). The CLI catches exactly this class,
prints its message on one line and exits with status 2; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class IronRiverError(Exception):
    """A problem with the user's input or the installed data, explained in one line."""


class UnknownNameError(IronRiverError, KeyError):
    """A name (dataset, table, state, literature id, lever …) that ironriver does not know."""

    def __init__(self, kind: str, name: str, choices: Iterable[str]) -> None:
        choices = [str(choice) for choice in choices]
        close = difflib.get_close_matches(str(name), choices, n=3, cutoff=0.5)
        close += [c for c in choices if str(name).lower() in c.lower() and c not in close][:5 - len(close)]
        if close:
            hint = f"; did you mean: {', '.join(close)}?"
        elif choices:
            shown = ", ".join(choices[:8])
            hint = f"; choose one of: {shown}" + (f", … ({len(choices)} in all)" if len(choices) > 8 else "")
        else:
            hint = ""
        super().__init__(f"unknown {kind} '{name}'{hint}")
        self.kind, self.name, self.close_matches = kind, name, close

    def __str__(self) -> str:  # KeyError would otherwise quote the message
        return str(self.args[0])


class ChecksumError(IronRiverError):
    """A packaged data file is missing or its bytes differ from the manifest."""


class OutOfRangeError(IronRiverError, ValueError):
    """A year, share or other value outside what the data or model supports."""


class ModelFailedError(IronRiverError):
    """A model of the chain failed or is missing, and the user did not ask to go on without it.

    Not bad input, so the CLI exits with :attr:`exit_code` 3 rather than 2.
    """

    exit_code = 3
