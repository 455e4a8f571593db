"""Which uncertain assumptions move the headline KPIs: Morris screening and Sobol indices.

The uncertain numbers and their ranges come from the scenario's ``[uncertainty]`` table or are
given as `ranges`. SALib draws the points (Morris trajectories, or Saltelli's extension of a
Sobol sequence) and estimates the indices; canteensim only runs the points. Each point is a
setting of a comparison: replication r of every point uses the scenario seed and r, so points
differ by their parameters, not by luck (common random numbers), and they run on the same
engines and resumable store as `compare`.

A KPI that is NaN at some points (compliance when a point has no audit) is analysed on the
Morris trajectories, or Saltelli blocks, that have it everywhere: each is a whole unit of its
estimator, so dropping one leaves a smaller sample of the same design. A KPI left with no such
unit, or that does not vary, is reported as not analysed, with the reason.
"""

from __future__ import annotations

import hashlib
import json
import math
import time
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, get_args

import numpy as np

from canteensim import text
from canteensim.errors import CanteensimError, ScenarioError
from canteensim.experiment.engines import EngineName, RunOptions
from canteensim.experiment.runner import Progress, Runner
from canteensim.experiment.runs import MONTHLY_COLUMNS, RunKey, RunOutcome, outcome
from canteensim.experiment.store import RunStore, write_tables
from canteensim.model.simulate import warn_undelivered
from canteensim.output import scenario_inputs, scenario_sha256
from canteensim.results import (
    FORMAT_VERSION,
    HEADLINE_KPIS,
    INDICES,
    INTERACTIONS,
    KPI_NAMES,
    MONTHLY,
    RUNS,
    SAMPLES,
)
from canteensim.results import kpi as kpi_info
from canteensim.scenario.load import with_values
from canteensim.scenario.schema import Scenario, uncertain_key
from canteensim.version import __version__

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

Method = Literal["morris", "sobol"]
DEFAULT_N: dict[Method, int] = {"morris": 10, "sobol": 64}
"""Morris trajectories, or Sobol base samples, when `n` is not given."""
MORRIS_LEVELS = 4
"""The grid levels of Morris's design (SALib's default)."""
CONFIDENCE = 0.95
INTERACTION_COLUMNS = ("kpi", "parameter", "other", "S2", "S2_conf")
"""The second-order Sobol indices: the share of a KPI's variance two keys explain together
beyond what each explains alone, with its 95 % half-width."""
INDEX_COLUMNS: dict[Method, tuple[str, ...]] = {
    "morris": ("mu_star", "mu_star_conf", "sigma", "mu"),
    "sobol": ("S1", "S1_conf", "ST", "ST_conf"),
}
RANK_BY: dict[Method, str] = {"morris": "mu_star", "sobol": "ST"}
PLOT_KINDS: dict[Method, tuple[str, ...]] = {
    "morris": ("mu_star_sigma", "tornado"),
    "sobol": ("bar",),
}


def _frame(columns: Sequence[str] = ()) -> pd.DataFrame:
    """An empty table, of `columns` when given (pandas is imported when a table is made)."""
    import pandas as pd

    return pd.DataFrame(columns=list(columns)) if columns else pd.DataFrame()


@dataclass(frozen=True)
class Sensitivity:
    """The outcome of a sensitivity analysis: its points and its indices, as tidy tables."""

    method: Method
    ranges: dict[str, tuple[float, float]]
    """The uncertain keys and the range each was varied over."""
    samples: pd.DataFrame
    """One row per point: ``point``, each key's value as run, each headline KPI's mean over
    the replications (NaN where no replication has a value)."""
    indices: pd.DataFrame
    """One row per KPI × key: the indices of `method` with their 95 % half-widths, ``rank``
    (1 = most influential), the ``points`` analysed and a ``note`` when not all or none were."""
    summary: dict[str, Any] = field(default_factory=dict)
    runs: pd.DataFrame = field(default_factory=_frame)
    """One row per point × replication (``setting`` is the point): every KPI."""
    interactions: pd.DataFrame = field(default_factory=lambda: _frame(INTERACTION_COLUMNS))
    """Sobol with `second_order`: one row per KPI × pair of keys (`INTERACTION_COLUMNS`), the
    largest first; empty otherwise."""

    @classmethod
    def from_tables(
        cls, summary: Mapping[str, Any], tables: Mapping[str, pd.DataFrame]
    ) -> Sensitivity:
        """The analysis a results folder holds: its summary.json and its indices, samples and
        runs tables."""
        method = summary["method"]
        if method not in get_args(Method):
            raise CanteensimError(f"method={method!r} is not one of {get_args(Method)}")
        ranges = {str(k): (float(lo), float(hi)) for k, (lo, hi) in summary["ranges"].items()}
        samples, indices, runs = tables["samples"], tables["indices"], tables["runs"]
        return cls(method, ranges, samples, indices, dict(summary), runs, tables["interactions"])

    @property
    def not_analysed(self) -> dict[str, str]:
        """KPIs that have no indices, and why."""
        return _not_analysed(self.indices)

    def ranking(self, kpi: str) -> list[str]:
        """The keys from most to least influential on `kpi` (μ* for Morris, ST for Sobol)."""
        rows = self.indices[self.indices["kpi"] == kpi]
        if rows.empty:
            raise CanteensimError(f"kpi={kpi!r} is not one of {sorted(set(self.indices['kpi']))}")
        return list(rows.sort_values("rank")["parameter"])

    def __repr__(self) -> str:
        by = RANK_BY[self.method]
        lines = [
            f"<Sensitivity {self.method}: {len(self.ranges)} parameters, {len(self.samples)} "
            f"points, {self.summary.get('replications', '?')} replication(s) each>"
        ]
        for name in dict.fromkeys(self.indices["kpi"]):
            rows = self.indices[self.indices["kpi"] == name].sort_values("rank")
            if rows["points"].iloc[0] == 0:
                lines.append(f"  {name}: {rows['note'].iloc[0]}")
                continue
            pairs = list(zip(rows["parameter"], rows[by], strict=True))[:3]
            top = ", ".join(f"{p} {v:.3g}" for p, v in pairs)
            lines.append(f"  {name}: {by} {top}")
        return "\n".join(lines)

    def plot(
        self,
        kind: str | None = None,
        kpi: str = HEADLINE_KPIS[0],
        ax: Axes | None = None,
        lang: Literal["en", "zh"] = "en",
    ) -> Axes:
        """Draw the indices of one KPI and return the `Axes`.

        `kind`: for Morris ``"mu_star_sigma"`` (the default: μ* against σ, a point per key, with
        μ*'s interval) or ``"tornado"`` (μ* as horizontal bars, largest on top); for Sobol
        ``"bar"`` (S1 and ST per key with their intervals). Chinese text renders with the
        report's CJK font (`canteensim.report.fonts`).
        """
        import matplotlib
        import matplotlib.pyplot as plt

        from canteensim.report.fonts import font_rc

        kinds = PLOT_KINDS[self.method]
        kind = kinds[0] if kind is None else kind
        if kind not in kinds:
            raise CanteensimError(f"kind={kind!r} is not one of {kinds} for {self.method}")
        rows = self.indices[self.indices["kpi"] == kpi].sort_values("rank")
        if rows.empty or rows["points"].iloc[0] == 0:
            why = "it is not a headline KPI" if rows.empty else rows["note"].iloc[0]
            raise CanteensimError(f"kpi={kpi!r} has no indices to plot: {why}")
        info = kpi_info(kpi)
        title = info.label[lang] if info else kpi
        with matplotlib.rc_context(font_rc(lang)):
            if ax is None:
                _, ax = plt.subplots(figsize=(7, 0.5 * len(rows) + 2))
            names = [text.setting_key(lang, str(key)) for key in rows["parameter"]]
            if kind == "mu_star_sigma":
                ax.errorbar(rows["mu_star"], rows["sigma"], xerr=rows["mu_star_conf"], fmt="o")
                for name, x, y in zip(names, rows["mu_star"], rows["sigma"], strict=True):
                    ax.annotate(name, (x, y), textcoords="offset points", xytext=(4, 4))
                ax.set_xlabel("μ*")
                ax.set_ylabel("σ")
                ax.set_xlim(left=0)
                ax.set_ylim(bottom=0)
            elif kind == "tornado":
                at = np.arange(len(rows))[::-1]
                ax.barh(at, rows["mu_star"], xerr=rows["mu_star_conf"], color="#4c72b0")
                ax.set_yticks(at, names)
                ax.set_xlabel("μ*")
            else:
                at = np.arange(len(rows))
                ax.bar(at - 0.2, rows["S1"], 0.4, yerr=rows["S1_conf"], label="S1")
                ax.bar(at + 0.2, rows["ST"], 0.4, yerr=rows["ST_conf"], label="ST")
                ax.set_xticks(at, names, rotation=30, ha="right")
                ax.set_ylabel("Sobol index" if lang == "en" else "Sobol 指数")
                ax.legend()
            ax.set_title(title)
        return ax

    def write(self, folder: Path) -> None:
        """Write ``indices.csv``, ``interactions.csv``, ``samples.csv``, ``runs.parquet`` and
        ``summary.json`` (kind "sensitivity") into `folder`, as `sensitivity` does."""
        tables = {
            INDICES: self.indices,
            INTERACTIONS: self.interactions,
            SAMPLES: self.samples,
            RUNS: self.runs,
        }
        write_tables(folder, tables, self.summary)


def parse_ranges(texts: Sequence[str], option: str = "--range") -> dict[str, tuple[float, float]]:
    """``["ordering.margin=0:0.2"]`` → ``{"ordering.margin": (0.0, 0.2)}``."""
    ranges: dict[str, tuple[float, float]] = {}
    for given in texts:
        key, _, span = given.partition("=")
        low, colon, high = span.partition(":")
        key = key.strip()
        try:
            if not key or not colon:
                raise ValueError
            ranges[key] = (float(low), float(high))
        except ValueError:
            raise ScenarioError(
                option, given, "is not KEY=LO:HI, e.g. --range ordering.margin=0:0.2"
            ) from None
    return ranges


def sensitivity(
    scenario: Scenario,
    method: Method = "morris",
    ranges: Mapping[str, Sequence[float]] | None = None,
    n: int | None = None,
    replications: int = 1,
    *,
    seed: int | None = None,
    second_order: bool = False,
    options: RunOptions | None = None,
    engine: EngineName | None = None,
    workers: int | None = None,
    address: str | None = None,
    folder: Path | None = None,
    resume: bool = False,
    force: bool = False,
    progress: Progress | None = None,
    source: Path = Path("scenario"),
    command: Sequence[str] = (),
) -> Sensitivity:
    """Estimate how much each uncertain key moves each headline KPI.

    Parameters
    ----------
    method:
        ``"morris"``: elementary effects over `n` trajectories, n × (keys + 1) points; a
        screening, cheap. ``"sobol"``: first-order and total indices from Saltelli's scheme,
        n × (keys + 2) points, `n` a power of two.
    ranges:
        Dotted key → (low, high); by default the scenario's ``[uncertainty]`` table. Each is
        validated as that table is (a number a dotted key can set, low < high, both within the
        key's bounds); an integer key is set to each point's value rounded.
    n:
        Morris trajectories or Sobol base samples (`DEFAULT_N`).
    replications:
        Runs of each point; its KPIs are their mean.
    second_order:
        Sobol only: also the second-order indices of every pair of keys (`interactions`), from
        n × (2 × keys + 2) points.
    seed, options, engine, workers, address, folder, resume, force, progress, source, command:
        As for `canteensim.experiment.compare`; the seed also seeds SALib's sampling and
        bootstrap, so the same seed gives the same indices.
    """
    import pandas as pd

    started = time.perf_counter()
    if method not in get_args(Method):
        raise CanteensimError(f"method={method!r} is not one of {get_args(Method)}")
    n = DEFAULT_N[method] if n is None else n
    if n < 2:
        raise CanteensimError(f"n={n} must be at least 2")
    if method == "sobol" and n & (n - 1):
        raise CanteensimError(f"n={n} must be a power of two for Sobol, e.g. {1 << n.bit_length()}")
    if replications < 1:
        raise CanteensimError(f"replications={replications} must be at least 1")
    if second_order and method != "sobol":
        raise CanteensimError("second_order=True needs method='sobol'")
    options = RunOptions.given(options, engine, workers, address)
    if seed is not None:
        scenario = with_values(scenario, {"scenario.seed": seed}, source, option="--seed")
    if ranges is None:
        checked = scenario
        if not scenario.uncertainty:
            raise ScenarioError(
                str(source), "uncertainty", "is empty; declare ranges there or give --range"
            )
    else:
        given = {key: list(span) for key, span in ranges.items()}
        checked = with_values(scenario, {"uncertainty": given}, source, option="--range")
    spans = {key: (float(lo), float(hi)) for key, (lo, hi) in checked.uncertainty.items()}
    keys = list(spans)
    whole = {key: isinstance(getattr(*uncertain_key(checked, key)), int) for key in keys}
    base = with_values(checked, {"uncertainty": {}}, source, option="[uncertainty]")

    problem = {"num_vars": len(keys), "names": keys, "bounds": [list(spans[k]) for k in keys]}
    salib_seed = scenario.scenario.seed % 2**32
    design = _sample(method, problem, n, salib_seed, second_order)
    points = [
        {key: round(x) if whole[key] else float(x) for key, x in zip(keys, row, strict=True)}
        for row in design
    ]
    scenarios = [with_values(base, values, source, option="[uncertainty]") for values in points]
    store = RunStore.open(
        folder,
        _fingerprint(base, method, spans, n, second_order),
        resume=resume,
        force=force,
        inputs=scenario_inputs(scenario, source),
    )
    planned = len(points) * replications

    def done(outcomes: list[RunOutcome]) -> None:
        store.add(outcomes)
        if progress is not None:
            progress(min(len(store.outcomes), planned), planned)

    with Runner(options, scenarios, outcome) as runner:
        runs = [(p, r) for p in range(len(points)) for r in range(replications)]
        if progress is not None:
            progress(sum(key in store.outcomes for key in runs), planned)
        runner.run([key for key in runs if key not in store.outcomes], done)

    kept = sorted(key for key in store.outcomes if key[0] < len(points) and key[1] < replications)
    runs_frame = _runs(store.outcomes, kept, points)
    warn_undelivered(runs_frame.get("undelivered_kg", []), of=" of the sensitivity points")
    means = runs_frame.groupby("setting")[list(HEADLINE_KPIS)].mean()  # NaN skipped
    samples = pd.DataFrame({"point": range(len(points))})
    for key in keys:
        samples[key] = [p[key] for p in points]
    for name in HEADLINE_KPIS:
        samples[name] = means[name].to_numpy()
    analysed = [
        _analyse(method, problem, design, samples[name].to_numpy(), name, salib_seed, second_order)
        for name in HEADLINE_KPIS
    ]
    indices = pd.concat([frame for frame, _ in analysed], ignore_index=True)
    interactions = pd.concat([pairs for _, pairs in analysed], ignore_index=True)
    summary = {
        "kind": "sensitivity",
        "format_version": FORMAT_VERSION,
        "scenario_name": scenario.scenario.name,
        "version": __version__,
        "command": list(command),
        "method": method,
        "n": n,
        "second_order": second_order,
        "ranges": {key: list(span) for key, span in spans.items()},
        "points": len(points),
        "replications": replications,
        "runs": planned,
        "seed": scenario.scenario.seed,
        "scenario_sha256": scenario_sha256(scenario),
        "engine": options.engine,
        "not_analysed": _not_analysed(indices),
        "run_seconds": round(time.perf_counter() - started, 3),
        "scenario": scenario.model_dump(mode="json"),
    }
    monthly = pd.DataFrame(
        [
            {"setting": p, "replication": r, **row}
            for p, r in kept
            for row in store.outcomes[(p, r)].monthly
        ],
        columns=["setting", "replication", *MONTHLY_COLUMNS],
    )
    tables = {INDICES: indices, INTERACTIONS: interactions, SAMPLES: samples, RUNS: runs_frame}
    store.finish({**tables, MONTHLY: monthly}, summary)
    return Sensitivity(method, spans, samples, indices, summary, runs_frame, interactions)


def _sample(
    method: Method, problem: dict[str, Any], n: int, seed: int, second_order: bool
) -> np.ndarray:
    from SALib.sample import morris, sobol

    if method == "morris":
        design = morris.sample(problem, n, num_levels=MORRIS_LEVELS, seed=seed)
    else:
        design = sobol.sample(problem, n, calc_second_order=second_order, seed=seed)
    return np.asarray(design, dtype=float)


def _analyse(
    method: Method,
    problem: dict[str, Any],
    design: np.ndarray,
    values: np.ndarray,
    name: str,
    seed: int,
    second_order: bool = False,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The indices of one KPI, on the whole estimator units (trajectories, blocks) where it is
    finite everywhere, and its second-order indices (one row per pair of keys; none unless
    `second_order`)."""
    import pandas as pd
    from SALib.analyze import morris, sobol

    keys: list[str] = problem["names"]
    unit = len(keys) * (2 if second_order else 1) + (1 if method == "morris" else 2)
    units = len(values) // unit
    finite = np.isfinite(values).reshape(units, unit).all(axis=1)
    rows = np.repeat(finite, unit)
    kept = int(finite.sum())
    note = "" if kept == units else f"NaN at some points: analysed on {kept} of {units} "
    note += "" if kept == units else ("trajectories" if method == "morris" else "Saltelli blocks")
    columns = INDEX_COLUMNS[method]
    reason = None
    if kept < 2:
        info = kpi_info(name)
        why = info.undefined["en"] if info and info.undefined else "it has no value"
        reason = f"not analysed: NaN at the points of all but {kept} of {units} units ({why})"
    elif np.ptp(values[rows]) == 0:
        reason = "not analysed: the same value at every point"
    if reason is not None:
        frame = pd.DataFrame({"kpi": name, "parameter": keys})
        for column in columns:
            frame[column] = math.nan
        frame["rank"] = pd.array([pd.NA] * len(keys), dtype="Int64")
        frame["points"] = 0
        frame["note"] = reason
        return frame, _pairs(name, keys, None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        if method == "morris":
            result = morris.analyze(
                problem,
                design[rows],
                values[rows],
                conf_level=CONFIDENCE,
                num_levels=MORRIS_LEVELS,
                seed=seed,
            )
        else:
            result = sobol.analyze(
                problem,
                values[rows],
                calc_second_order=second_order,
                conf_level=CONFIDENCE,
                seed=seed,
            )
    frame = pd.DataFrame({"kpi": name, "parameter": keys})
    for column in columns:
        frame[column] = np.asarray(result[column], dtype=float)
    by = frame[RANK_BY[method]]
    frame["rank"] = by.rank(ascending=False, method="first").astype("Int64")
    frame["points"] = int(rows.sum())
    frame["note"] = note
    return frame, _pairs(name, keys, result if second_order else None)


def _pairs(name: str, keys: list[str], result: Mapping[str, Any] | None) -> pd.DataFrame:
    """The second-order Sobol indices of one KPI, one row per pair of keys, largest first."""
    import pandas as pd

    rows = []
    if result is not None:
        s2, s2_conf = np.asarray(result["S2"]), np.asarray(result["S2_conf"])
        for i, j in zip(*np.triu_indices(len(keys), k=1), strict=True):
            rows.append((name, keys[i], keys[j], float(s2[i, j]), float(s2_conf[i, j])))
    frame = pd.DataFrame(rows, columns=list(INTERACTION_COLUMNS))
    return frame.sort_values("S2", ascending=False, kind="stable").reset_index(drop=True)


def _not_analysed(indices: pd.DataFrame) -> dict[str, str]:
    """KPI → why it has no indices."""
    missing = indices[indices["points"] == 0]
    return dict(zip(missing["kpi"], missing["note"], strict=False))


def _runs(
    outcomes: Mapping[RunKey, RunOutcome], kept: list[RunKey], points: list[dict[str, Any]]
) -> pd.DataFrame:
    """One row per point × replication, as a comparison's runs table (so it resumes alike)."""
    import pandas as pd

    return pd.DataFrame(
        [{"setting": p, "replication": r, **points[p], **outcomes[(p, r)].kpis} for p, r in kept],
        columns=["setting", "replication", *points[0], *KPI_NAMES],
    )


def _fingerprint(
    scenario: Scenario,
    method: Method,
    spans: Mapping[str, tuple[float, float]],
    n: int,
    second_order: bool,
) -> str:
    """What makes two analyses the same, so a resume never mixes points of different ones."""
    same: dict[str, Any] = {
        "kind": "sensitivity",
        "scenario": scenario_sha256(scenario),
        "method": method,
        "ranges": {k: list(v) for k, v in spans.items()},
        "n": n,
    }
    if second_order:  # a first-order analysis keeps the fingerprint it had before the option
        same["second_order"] = True
    text = json.dumps(same, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
