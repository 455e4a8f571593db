"""The scheme's pluggable rules by name: how canteens order, and how short stock is shared.

Each family is a table with one row per rule: the name a scenario file gives it and a short
phrase for it in each report language. Everything else takes the names from here: the scenario
schema its allowed values (`canteensim.scenario.schema.Behaviour`, ``cycle.allocation``), the
report its wording (``say(lang, "allocation.fcfs")``), and the model binds one function to
each name:

- `BEHAVIOURS` → `canteensim.model.ordering.BEHAVIOUR_FUNCTIONS`; a canteen's behaviour is its
  index in this table;
- `ALLOCATION_RULES` → `canteensim.model.allocation.ALLOCATION_FUNCTIONS`.

Adding a rule is one row here and one function registered under its name in the model (and its
row in the table of ``docs/scenario.md``); ``tests/unit/test_registries.py`` fails until they
agree. This module imports nothing from canteensim, so that every layer may import it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any, TypeVar

_F = TypeVar("_F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Rule:
    """One rule: its name in scenario files and a short phrase for it in each report language."""

    name: str
    wording: Mapping[str, str]
    """``{"en": …, "zh": …}``: how a report names the rule."""


@dataclass(frozen=True)
class Rules:
    """A family of rules, in a fixed order, under the scenario key that names one of them."""

    key: str
    rules: tuple[Rule, ...]

    @cached_property
    def names(self) -> tuple[str, ...]:
        return tuple(rule.name for rule in self.rules)

    def index(self, name: str) -> int:
        """Position of the rule `name` in the table."""
        return self.names.index(name)

    def __getitem__(self, name: str) -> Rule:
        return self.rules[self.index(name)]

    def __iter__(self) -> Iterator[Rule]:
        return iter(self.rules)

    def __len__(self) -> int:
        return len(self.rules)

    def registrar(
        self, functions: dict[str, _F], table: str
    ) -> Callable[[str], Callable[[_F], _F]]:
        """A decorator factory that files functions in `functions` under this table's names.

        ``@rule("fcfs")`` on a function registers it; a name with no row in the table (named
        `table` in the error) fails at import, so a rule cannot exist in the model alone.
        """

        def rule(name: str) -> Callable[[_F], _F]:
            if name not in self.names:
                raise ValueError(
                    f"{self.key} {name!r} has no row in canteensim.policies.{table}; add one"
                )

            def register(function: _F) -> _F:
                functions[name] = function
                return function

            return register

        return rule


BEHAVIOURS = Rules(
    "behaviour",
    (
        Rule("tracking", {"en": "tracks the quota to date", "zh": "跟踪配额完成进度"}),
        Rule("even", {"en": "orders evenly", "zh": "均衡订购"}),
        Rule("catch_up", {"en": "catches up by month end", "zh": "月内补足"}),
        Rule("front_load", {"en": "buys the month's staples at once", "zh": "月初备足耐储品"}),
        Rule("non_compliant", {"en": "orders a fraction", "zh": "只订一小部分"}),
    ),
)
"""How a canteen decides the kilograms it orders each week (``canteens`` ``behaviour``)."""


def default_behaviour(bound: bool) -> str:
    """A canteen's behaviour when its row names none: bound canteens track their quota, the
    others order their voluntary share evenly."""
    return "tracking" if bound else "even"


ALLOCATION_RULES = Rules(
    "allocation",
    (
        Rule("fcfs", {"en": "first come, first served", "zh": "先到先得"}),
        Rule("pro_rata", {"en": "pro rata when short", "zh": "不足时按比例分配"}),
    ),
)
"""How a product's listed stock is shared when orders exceed it (``cycle.allocation``)."""
