"""The one error hierarchy of canteensim.

Every message a user sees names where the problem is (file and key path), the value found and
what would be valid, so that it can be fixed without reading a traceback.
"""

from __future__ import annotations


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
        What is wrong and what would be valid, including the value found.
    """

    def __init__(self, source: str, key: str, problem: str) -> None:
        self.source = source
        self.key = key
        self.problem = problem
        where = f"{source}: {key}" if key else source
        super().__init__(f"{where}: {problem}")


class ResultsError(CanteensimError):
    """A results folder cannot be written where the user asked."""


class CanteensimWarning(UserWarning):
    """A condition the user should know of that does not stop the run."""
