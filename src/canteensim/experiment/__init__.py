"""Experiments: settings grids, replications on local processes or Dask, statistics, the search
for a setting that meets targets, and sensitivity to the scenario's assumptions."""

from canteensim.experiment.compare import Comparison, compare
from canteensim.experiment.engines import RunOptions
from canteensim.experiment.grid import Setting, grid, parse_vary
from canteensim.experiment.search import SearchResult, search
from canteensim.experiment.sensitivity import Sensitivity, sensitivity

__all__ = [
    "Comparison",
    "RunOptions",
    "SearchResult",
    "Sensitivity",
    "Setting",
    "compare",
    "grid",
    "parse_vary",
    "search",
    "sensitivity",
]
