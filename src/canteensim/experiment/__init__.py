"""Experiments: settings grids, replications on local processes or Dask, statistics."""

from canteensim.experiment.compare import Comparison, compare
from canteensim.experiment.grid import Setting, grid, parse_vary

__all__ = ["Comparison", "Setting", "compare", "grid", "parse_vary"]
