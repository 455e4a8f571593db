"""The one error hierarchy of canteensim.

Every message a user sees names where the problem is (file and key path), the value found and
what would be valid, so that it can be fixed without reading a traceback.
"""

from __future__ import annotations

import datetime as dt


class CanteensimError(Exception):
    """Base class of every error canteensim raises on purpose."""


class ScenarioError(CanteensimError):
    """A scenario file, one of its tables or a command-line override is not valid.

    Parameters
    ----------
    source:
        Where the value came from: a file path, ``"products.csv" row 4`` or ``--set``.
    key:
        Dotted key path inside the source (``quota.share``), empty when the whole source is bad.
    problem:
        What is wrong and what would be valid.
    value:
        The value found, when there is one to show.
    """

    def __init__(self, source: str, key: str, problem: str, value: object = ...) -> None:
        self.source = source
        self.key = key
        self.problem = problem
        self.value = value
        where = f"{source}: {key}" if key else source
        if value is not ...:
            where += f" = {_show(value)}"
        super().__init__(f"{where}: {problem}")


def _show(value: object) -> str:
    text = str(value) if isinstance(value, dt.date) else repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


class ResultsError(CanteensimError):
    """A results folder cannot be written where the user asked."""


class ReportError(CanteensimError):
    """A folder cannot be rendered into a report: it is missing, is not a results folder, or
    the report cannot be written into it."""


class CanteensimWarning(UserWarning):
    """A condition the user should know of that does not stop the run."""
