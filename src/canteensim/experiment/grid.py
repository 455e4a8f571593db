"""The settings a comparison runs: a full factorial grid of dotted scenario keys."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from canteensim.errors import ScenarioError
from canteensim.scenario.load import parse_value


@dataclass(frozen=True)
class Setting:
    """One point of the grid: the values it gives to the varied keys."""

    index: int
    values: dict[str, Any]

    @property
    def label(self) -> str:
        """``quota.share=0.1, platform.vehicles=2``: how tables and plots name the setting."""
        return ", ".join(f"{key}={value}" for key, value in self.values.items()) or "base"


def parse_vary(texts: Sequence[str]) -> dict[str, list[Any]]:
    """``["quota.share=0,0.1"]`` → ``{"quota.share": [0, 0.1]}``; values are read as TOML."""
    vary: dict[str, list[Any]] = {}
    for text in texts:
        key, sep, values = text.partition("=")
        key = key.strip()
        if not sep or not key or not values.strip():
            raise ScenarioError(
                "--vary", text, "is not KEY=V1,V2,... e.g. --vary quota.share=0,0.1,0.2"
            )
        if key in vary:
            raise ScenarioError("--vary", key, "is varied twice; give all its values in one --vary")
        written = [v.strip() for v in _split_values(values)]
        vary[key] = [parse_value(v) for v in written]
        repeat = _repeated(vary[key])
        if repeat is not None:
            first, again = repeat
            raise ScenarioError(
                "--vary",
                key,
                f"is given twice, as value {first + 1} ({written[first]}) and value {again + 1} "
                f"({written[again]}); give each value once",
                vary[key][again],
            )
    return vary


def _repeated(values: Sequence[Any]) -> tuple[int, int] | None:
    """The positions of the first value given twice: ``0.1`` and ``0.10`` are one value, and
    so are ``2`` and ``2.0``, which validate alike.

    A repeated value would run the same setting twice and pair it against itself.
    """
    for again, value in enumerate(values):
        for first in range(again):
            if values[first] == value:
                return first, again
    return None


def _split_values(text: str) -> list[str]:
    """Split on commas outside brackets and quotes, so that arrays can be values too."""
    parts, depth, quote, current = [], 0, "", ""
    for char in text:
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(current)
            current = ""
            continue
        current += char
    return [*parts, current]


def grid(vary: Mapping[str, Sequence[Any]]) -> list[Setting]:
    """Every combination of the varied values; the first value of each key is the baseline."""
    keys = list(vary)
    for key in keys:
        if not len(vary[key]):
            raise ScenarioError("--vary", key, "has no values; give at least one")
        repeat = _repeated(vary[key])
        if repeat is not None:
            value = vary[key][repeat[1]]
            raise ScenarioError("--vary", key, "repeats a value; give each value once", value)
    return [
        Setting(index, dict(zip(keys, values, strict=True)))
        for index, values in enumerate(itertools.product(*(vary[k] for k in keys)))
    ]
