"""The settings a comparison runs: a full factorial grid of dotted scenario keys."""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
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


MAX_RANGE_VALUES = 1000
"""The most values one ``--vary KEY=LO:HI:STEP`` range may give: more is a typo, not a sweep."""

_RANGE = re.compile(r"^\s*([^:\[\]\"',]+):([^:\[\]\"',]+):([^:\[\]\"',]+)\s*$")


def parse_vary(texts: Sequence[str]) -> dict[str, list[Any]]:
    """``["quota.share=0,0.1"]`` → ``{"quota.share": [0, 0.1]}``; values are read as TOML.

    ``KEY=LO:HI:STEP`` gives LO, LO + STEP, … up to HI inclusive, each rounded to the decimals
    written, so ``0:0.4:0.05`` is 0, 0.05, …, 0.4 exactly as written, not 0.15000000000000002.
    """
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
        written = _range(key, values)
        if written is None:
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


def _range(key: str, text: str) -> list[str] | None:
    """The values of ``LO:HI:STEP`` written out as decimals; None when `text` is not a range."""
    match = _RANGE.match(text)
    if match is None:
        return None
    try:
        low, high, step = (Decimal(part.strip()) for part in match.groups())
    except InvalidOperation:
        return None  # not numbers: an ordinary value such as a time, read as TOML
    if not all(d.is_finite() for d in (low, high, step)):
        return None
    shown = text.strip()
    if step <= 0:
        raise ScenarioError("--vary", key, f"range {shown} has step {step}; give a step above 0")
    if low > high:
        raise ScenarioError(
            "--vary", key, f"range {shown} starts at {low}, above its end {high}; give LO <= HI"
        )
    count = int((high - low) / step) + 1  # decimal arithmetic: HI itself is never lost to rounding
    if count > MAX_RANGE_VALUES:
        raise ScenarioError(
            "--vary",
            key,
            f"range {shown} gives {count:,} values, more than {MAX_RANGE_VALUES:,}; "
            "give a larger step or a narrower range",
        )
    places = max(-min(0, d.as_tuple().exponent) for d in (low, high, step))  # type: ignore[operator]
    quantum = Decimal(1).scaleb(-places)
    values = (low + i * step for i in range(count))
    return [str(v.quantize(quantum)) if places else str(int(v)) for v in values]


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


def baselines(settings: Sequence[Setting], baseline: Any = "first") -> dict[int, int | None]:
    """The setting each setting's paired difference is against (None: no difference).

    ``"first"``: every setting against the first (which differs from itself by zero);
    ``"previous"``: each against the one before it in grid order, the first against none;
    any other value: against the setting giving the one varied key that value.
    """
    if baseline == "first":
        return {s.index: settings[0].index for s in settings} if settings else {}
    if baseline == "previous":
        return {s.index: (settings[i - 1].index if i else None) for i, s in enumerate(settings)}
    keys = list(settings[0].values) if settings else []
    if len(keys) != 1:
        raise ScenarioError(
            "--baseline",
            "",
            f"a value as baseline needs exactly one varied key, not {len(keys)} "
            f"({', '.join(keys) or 'none'}); give first or previous",
            baseline,
        )
    (key,) = keys
    value = parse_value(baseline.strip()) if isinstance(baseline, str) else baseline
    for setting in settings:
        if setting.values[key] == value:  # 0.2 and "0.20" alike, as --vary reads them
            return {s.index: setting.index for s in settings}
    shown = ", ".join(str(s.values[key]) for s in settings)
    raise ScenarioError(
        "--baseline",
        key,
        f"is not one of the compared values ({shown}); give one of them, first or previous",
        value,
    )
