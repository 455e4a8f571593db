"""canteensim: simulate consumption-aid procurement by institutional canteens."""

from canteensim.errors import CanteensimError, ScenarioError
from canteensim.experiment import Comparison, compare
from canteensim.model.simulate import Results, simulate
from canteensim.scenario import Scenario, load_scenario

__version__ = "0.1.0"

__all__ = [
    "CanteensimError",
    "Comparison",
    "Results",
    "Scenario",
    "ScenarioError",
    "__version__",
    "compare",
    "load_scenario",
    "simulate",
]
