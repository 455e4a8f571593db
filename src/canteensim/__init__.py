"""canteensim: simulate consumption-aid procurement by institutional canteens."""

from canteensim.errors import CanteensimError, ScenarioError
from canteensim.experiment import (
    Comparison,
    SearchResult,
    Sensitivity,
    compare,
    search,
    sensitivity,
)
from canteensim.model.simulate import Results, simulate
from canteensim.scenario import Scenario, load_scenario
from canteensim.version import __version__

__all__ = [
    "CanteensimError",
    "Comparison",
    "Results",
    "Scenario",
    "ScenarioError",
    "SearchResult",
    "Sensitivity",
    "__version__",
    "compare",
    "load_scenario",
    "search",
    "sensitivity",
    "simulate",
]
