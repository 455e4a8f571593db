"""canteensim: simulate consumption-aid procurement by institutional canteens.

The public names are loaded on first use (PEP 562 module ``__getattr__``), so that
``import canteensim`` and the command line's ``--help`` and ``validate`` do not pay for pandas,
SimPy, SciPy or matplotlib; ``from canteensim import simulate`` works as before.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from canteensim.errors import CanteensimError, ScenarioError
from canteensim.version import __version__

if TYPE_CHECKING:
    from canteensim.experiment.compare import Comparison, compare
    from canteensim.experiment.search import SearchResult, search
    from canteensim.experiment.sensitivity import Sensitivity, sensitivity
    from canteensim.model.simulate import Results, simulate
    from canteensim.scenario import Scenario, load_scenario

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

_LAZY = {
    "Comparison": "canteensim.experiment.compare",
    "compare": "canteensim.experiment.compare",
    "SearchResult": "canteensim.experiment.search",
    "search": "canteensim.experiment.search",
    "Sensitivity": "canteensim.experiment.sensitivity",
    "sensitivity": "canteensim.experiment.sensitivity",
    "Results": "canteensim.model.simulate",
    "simulate": "canteensim.model.simulate",
    "Scenario": "canteensim.scenario",
    "load_scenario": "canteensim.scenario",
}
"""Each public name loaded on first use, and the module it comes from."""


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # the next lookup finds it without this function
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
