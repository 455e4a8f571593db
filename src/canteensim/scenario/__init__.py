"""Scenario files: the schema (every key and default), loading and overrides."""

from canteensim.scenario.load import apply_override, load_scenario
from canteensim.scenario.schema import Scenario

__all__ = ["Scenario", "apply_override", "load_scenario"]
