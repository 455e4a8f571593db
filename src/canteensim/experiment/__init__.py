"""Experiments: settings grids, replications on local processes or Dask, statistics."""

from canteensim.experiment.compare import Comparison, compare
from canteensim.experiment.engines import RunOptions
from canteensim.experiment.grid import Setting, grid, parse_vary

__all__ = ["Comparison", "RunOptions", "Setting", "compare", "grid", "parse_vary"]
