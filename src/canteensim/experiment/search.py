"""The policy question answered directly: the smallest (or largest) value of one setting at which
every target holds with stated confidence.

A few probes spread evenly over the range come first, so that the search sees the shape of the
response and can say when it is not monotone. Then, for each target, bisection between the
closest failing and holding probes on each side where it changes: a target may hold from some
value up (sales), up to some value (the fill rate), or both. Each probe is a setting run with
common random numbers (replication r of every probe uses the scenario seed and r); replications
are added to a probe, doubling, until its one-sided interval clears or fails the targets, or
`max_replications` is reached. A bisection ends when a failing and a holding probe are within
`resolution` of each other; the answer is the interval between them, for the target whose edge
comes last (first, with `maximise`).
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import time
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from canteensim import text
from canteensim.errors import CanteensimError, CanteensimWarning, ScenarioError
from canteensim.experiment.engines import EngineName, RunOptions
from canteensim.experiment.runner import Progress, Runner
from canteensim.experiment.runs import MONTHLY_COLUMNS, RunKey, RunOutcome, outcome
from canteensim.experiment.store import RunStore, write_tables
from canteensim.output import scenario_inputs, scenario_sha256
from canteensim.results import FORMAT_VERSION, KPI_NAMES, MONTHLY, PROBES, RUNS, kpi
from canteensim.scenario.load import with_values
from canteensim.scenario.schema import Scenario, uncertain_key
from canteensim.version import __version__

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.ticker import Formatter

Decision = Literal["holds", "fails", "undecided"]
Rounding = Literal["nearest", "down", "up"]
_TARGET = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(>=|<=)\s*(\S+)\s*$")
_DECISION_COLOURS: dict[str, str] = {"holds": "tab:green", "fails": "tab:red", "undecided": "0.5"}


@dataclass(frozen=True)
class Target:
    """One condition on a KPI's mean: ``kpi >= value`` or ``kpi <= value``."""

    kpi: str
    op: Literal[">=", "<="]
    value: float

    def __str__(self) -> str:
        return f"{self.kpi} {self.op} {self.value:g}"

    def label(self, lang: str = "en", *, whole_yuan: bool = False) -> str:
        """The target as a reader reads it: ``Fill rate ≥ 95.0%``, in `lang`; an amount Chinese
        counts in 万元 (`in_wan`) in them, ``月均销售额（万元） ≥ 30``, unless `whole_yuan` (a
        table's heading, over cells of whole yuan)."""
        info = kpi(self.kpi)
        wan = self.in_wan(lang) and not whole_yuan
        if info is not None and info.percent:
            shown = text.percent(self.value, lang=lang)
        elif wan:
            shown = text.wan(self.value)
        else:
            shown = text.number(self.value, decimals=_decimals(self.value), lang=lang)
        name = text.kpi(lang, self.kpi, wan=wan)
        return f"{name} {'≥' if self.op == '>=' else '≤'} {shown}"

    def in_wan(self, lang: str) -> bool:
        """Whether the target is an amount of yuan `lang` counts in 万元 (`text.in_wan`), as
        its label in prose and its figure's title and axis then do."""
        info = kpi(self.kpi)
        return info is not None and info.unit == "yuan" and text.in_wan(lang, self.value)

    def decide(self, low: float, high: float, mean: float) -> Decision:
        """Whether the one-sided interval [`low`, `high`] clears the target, fails it, or neither.

        A KPI with no value in any replication (NaN mean) cannot meet a target: it fails.
        """
        if math.isnan(mean):
            return "fails"
        if math.isnan(low) or math.isnan(high):
            return "undecided"
        if self.op == ">=":
            return "holds" if low >= self.value else "fails" if high < self.value else "undecided"
        return "holds" if high <= self.value else "fails" if low > self.value else "undecided"


def parse_target(text: str) -> Target:
    """Read ``"KPI >= VALUE"`` or ``"KPI <= VALUE"``.

    Raises
    ------
    ScenarioError
        When the text is not of that form, names no KPI, or its value is not a number.
    """
    match = _TARGET.match(text)
    if match is None:
        raise ScenarioError(
            "--target", "", 'must read "KPI >= VALUE" or "KPI <= VALUE"', value=text
        )
    name, op, number = match.groups()
    if name not in KPI_NAMES:
        raise ScenarioError(
            "--target", name, f"is not a KPI; valid: {', '.join(KPI_NAMES)}", value=text
        )
    try:
        value = float(number)
    except ValueError:
        raise ScenarioError("--target", name, "the value must be a number", value=text) from None
    return Target(name, ">=" if op == ">=" else "<=", value)


@dataclass(frozen=True)
class SearchResult:
    """The answer of a search, every probe and every run.

    Attributes
    ----------
    answer:
        (below, above): the sought value lies between them (for the smallest value, `below` fails
        and `above` holds); None when no value in the range meets the targets (see `reason`).
    probes:
        One row per probe: value, replications, decision (on every target), and for each target
        its KPI's mean and one-sided interval bounds (``KPI_mean``, ``KPI_ci_low``,
        ``KPI_ci_high``) and its decision (``"KPI >= VALUE decision"``). A probe added while
        bisecting one target's edge gets replications until that target is decided, so it may
        stay undecided on the others.
    runs:
        One row per probe × replication: the probe, its value and every KPI.
    monotone:
        False when some target's decision changes more than once along the parameter (holds on
        the failing side of a failing probe); `violations` gives, for each such target, the
        values where its decision changes.
    """

    param: str
    targets: list[Target]
    maximise: bool
    confidence: float
    answer: tuple[float, float] | None
    reason: str
    probes: pd.DataFrame
    runs: pd.DataFrame
    monotone: bool = True
    violations: dict[str, list[tuple[float, Decision]]] = field(default_factory=dict)
    summary: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_tables(
        cls, summary: Mapping[str, Any], tables: Mapping[str, pd.DataFrame]
    ) -> SearchResult:
        """The search a results folder holds: its summary.json and its probes and runs tables."""
        answer = summary["answer"]
        violations = summary.get("violations") or {}
        return cls(
            param=str(summary["param"]),
            targets=[parse_target(str(t)) for t in summary["targets"]],
            maximise=bool(summary["maximise"]),
            confidence=float(summary["confidence"]),
            answer=None if answer is None else (float(answer[0]), float(answer[1])),
            reason=str(summary.get("reason", "")),
            probes=tables["probes"],
            runs=tables["runs"],
            monotone=bool(summary.get("monotone", True)),
            violations={
                str(name): [(float(value), decision) for value, decision in changes]
                for name, changes in violations.items()
            },
            summary=dict(summary),
        )

    def show(self, value: float, rounding: Rounding = "nearest") -> str:
        """A value of the parameter to the digits the search's resolution gives it (the ends of
        an answer rounded outwards)."""
        return _shown(value, _decimals_of(float(self.summary["resolution"])), rounding)

    def __repr__(self) -> str:
        goal = "largest" if self.maximise else "smallest"
        targets = ", ".join(str(t) for t in self.targets)
        lines = [
            f"SearchResult({goal} {self.param} with {targets} at {self.confidence:.0%})",
            f"  {self.reason}",
            f"  {len(self.probes)} probes, {len(self.runs)} runs",
        ]
        if not self.monotone:
            for name, changes in self.violations.items():
                lines.append(f"  NOT MONOTONE: {name}: {_changes(changes)}")
        return "\n".join(lines)

    def plot(self, lang: str = "en", figure: Figure | None = None) -> Figure:
        """Each target KPI against the parameter, with intervals, the target line and the answer.

        Drawn into `figure` when given (the report's), else into a new pyplot figure; its text is
        in `lang`, with the report's CJK font for Chinese."""
        import matplotlib
        from matplotlib.ticker import PercentFormatter

        from canteensim.report.fonts import font_rc

        with matplotlib.rc_context(font_rc(lang)):
            if figure is None:
                import matplotlib.pyplot as plt

                figure = plt.figure(figsize=(6.4, 3.2 * len(self.targets)), layout="constrained")
            axes = figure.subplots(len(self.targets), 1, squeeze=False)[:, 0]
            probes = self.probes.sort_values("value")
            for ax, target in zip(axes, self.targets, strict=True):
                self._draw_target(ax, probes, target, lang)
                ax.yaxis.set_major_formatter(_axis_formatter(target, lang))
                if self.param in text.PERCENT_KEYS:
                    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
            axes[-1].set_xlabel(text.setting_key(lang, self.param))
        return figure

    def _draw_target(self, ax: Axes, probes: pd.DataFrame, target: Target, lang: str) -> None:
        mean = probes[f"{target.kpi}_mean"]
        low = (mean - probes[f"{target.kpi}_ci_low"]).clip(lower=0).fillna(0)
        high = (probes[f"{target.kpi}_ci_high"] - mean).clip(lower=0).fillna(0)
        ax.plot(probes["value"], mean, color="0.6", linewidth=0.8, zorder=1)
        for decision, group in probes.groupby(f"{target} decision"):  # this target's decisions
            ax.errorbar(
                group["value"],
                group[f"{target.kpi}_mean"],
                yerr=[low[group.index], high[group.index]],
                fmt="o",
                color=_DECISION_COLOURS[str(decision)],
                label=text.say(lang, f"search.{decision}"),
                capsize=3,
                zorder=2,
            )
        ax.axhline(target.value, color="black", linestyle="--", linewidth=1)
        if self.answer is not None:
            span = sorted(self.answer)
            ax.axvspan(*span, color="tab:blue", alpha=0.2, label=text.say(lang, "search.answer"))
        ax.set_title(target.label(lang))
        ax.grid(alpha=0.3)
        ax.legend(fontsize="small")

    def write(self, folder: Path) -> None:
        """Write ``probes.csv``, ``runs.parquet`` and ``summary.json`` (kind "search") into
        `folder`, as `search` does with a folder: `canteensim report` renders it."""
        write_tables(folder, {PROBES: self.probes, RUNS: self.runs}, self.summary)


def _axis_formatter(target: Target, lang: str) -> Formatter:
    """A target KPI's ticks: percent, 万 where its label counts in 万元, else whole numbers."""
    from matplotlib.ticker import FuncFormatter, PercentFormatter

    info = kpi(target.kpi)
    if info is not None and info.percent:
        return PercentFormatter(1.0)
    if target.in_wan(lang):
        return FuncFormatter(lambda v, _: text.wan(v))
    return FuncFormatter(lambda v, _: f"{v:,.0f}")


@dataclass
class _Probe:
    index: int
    value: float
    replications: int = 0
    decision: Decision = "undecided"
    stats: dict[str, tuple[float, float, float]] = field(default_factory=dict)
    decisions: dict[str, Decision] = field(default_factory=dict)


@dataclass(frozen=True)
class _Edge:
    """Where one target starts (`rising`) or stops holding: between two probes."""

    target: Target
    rising: bool
    failing: _Probe
    holding: _Probe
    note: str

    @property
    def below(self) -> float:
        return min(self.failing.value, self.holding.value)

    @property
    def above(self) -> float:
        return max(self.failing.value, self.holding.value)

    def sentence(self, show: Callable[..., str]) -> str:
        text = (
            f"between {show(self.below, 'down')} and {show(self.above, 'up')}: {self.target} "
            f"fails at {self.failing.value:g} ({self.failing.replications} replications), "
            f"holds at {self.holding.value:g} ({self.holding.replications} replications)"
        )
        return text + (f"; {self.note}" if self.note else "")


def search(
    scenario: Scenario,
    param: str,
    lo: float,
    hi: float,
    targets: Sequence[str],
    *,
    maximise: bool = False,
    confidence: float = 0.95,
    resolution: float | None = None,
    initial_probes: int = 5,
    initial_replications: int = 5,
    max_replications: int = 80,
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
) -> SearchResult:
    """The smallest (or, with `maximise`, largest) value of `param` in [`lo`, `hi`] at which every
    target holds with one-sided `confidence`.

    Parameters
    ----------
    param:
        A dotted scenario key taking numbers (``quota.share``).
    targets:
        Conditions on KPI means, ``"monthly_sales_yuan_mean >= 310000"``; all must hold.
    resolution:
        The search ends when a failing and a holding probe are this close; default
        (`hi` - `lo`) / 100.
    initial_probes:
        Probes spread evenly over [`lo`, `hi`] (ends included) before bisection: they bracket the
        answer and let the search see whether the response is monotone.
    initial_replications, max_replications:
        Replications of a probe at first, and the cap they double up to while it is undecided.
    options, engine, workers, address, folder, resume, force, progress, source, command:
        As for `canteensim.experiment.compare.compare`; a resumed search repeats the same probes
        (runs are deterministic) and recomputes only the runs not stored.

    Warns
    -----
    CanteensimWarning
        When a target's response is not monotone (its decision changes more than once along
        the parameter), so that bisection may have missed values that meet it.
    """
    started = time.perf_counter()
    parsed = [parse_target(t) for t in targets]
    _check_arguments(lo, hi, parsed, confidence, initial_probes, initial_replications)
    max_replications = max(max_replications, initial_replications)
    resolution = (hi - lo) / 100 if resolution is None else resolution
    if not resolution > 0:
        raise CanteensimError(f"resolution={resolution} must be above 0")
    options = RunOptions.given(options, engine, workers, address)
    with_values(scenario, {param: lo}, source, option="--param")  # a bad key fails before any run
    whole = _whole_numbers(scenario, param, lo, hi)
    if whole:  # probes on whole numbers: the answer is two neighbours at best
        resolution = max(resolution, 1.0)
    settings = {
        "param": param,
        "lo": lo,
        "hi": hi,
        "targets": [str(t) for t in parsed],
        "maximise": maximise,
        "confidence": confidence,
        "resolution": resolution,
        "initial_probes": initial_probes,
        "initial_replications": initial_replications,
        "max_replications": max_replications,
    }
    store = RunStore.open(
        folder,
        _fingerprint(scenario, settings),
        resume=resume,
        force=force,
        inputs=scenario_inputs(scenario, source),
    )
    scenarios: list[Scenario] = []
    with Runner(options, scenarios, outcome) as runner:
        state = _Search(runner, store, scenarios, scenario, param, parsed, confidence, source)
        state.progress = progress
        state.bounds = (initial_replications, max_replications)
        state.decimals = _decimals_of(resolution)
        state.whole = whole
        values = np.linspace(lo, hi, initial_probes).tolist()
        state.settle([state.probe(v) for v in values])
        answer, reason = state.answer(lo, hi, maximise, resolution)
    violations = _monotone(state.probes, parsed)
    for name, changes in violations.items():
        warnings.warn(
            f"search of {param}: {name} is not monotone in {param} ({_changes(changes)}); "
            "the search relies on it, so it gives no answer: check the probes table and figure",
            CanteensimWarning,
            stacklevel=2,
        )
    if violations:  # a threshold found by bisection means nothing where the response turns back
        name, changes = next(iter(violations.items()))
        answer, reason = (
            None,
            (
                f"no answer: {name} is not monotone in {param} ({_changes(changes)}), so no single "
                f"threshold exists; compare the range (--vary {param}={lo:g}:{hi:g}:STEP) to see "
                "where it holds"
            ),
        )
    monotone = not violations
    probes = state.table()
    runs = state.runs()
    summary = {
        "kind": "search",
        "format_version": FORMAT_VERSION,
        "scenario_name": scenario.scenario.name,
        "version": __version__,
        "command": list(command),
        **settings,
        "answer": list(answer) if answer is not None else None,
        "reason": reason,
        "monotone": monotone,
        "violations": {k: [list(c) for c in v] for k, v in violations.items()},
        "probes": len(probes),
        "runs": len(runs),
        "seed": scenario.scenario.seed,
        "scenario_sha256": scenario_sha256(scenario),
        "engine": options.engine,
        "run_seconds": round(time.perf_counter() - started, 3),
        "scenario": scenario.model_dump(mode="json"),
    }
    store.finish({RUNS: runs, MONTHLY: state.monthly(), PROBES: probes}, summary)
    return SearchResult(
        param=param,
        targets=parsed,
        maximise=maximise,
        confidence=confidence,
        answer=answer,
        reason=reason,
        probes=probes,
        runs=runs,
        monotone=monotone,
        violations=violations,
        summary=summary,
    )


def _check_arguments(
    lo: float,
    hi: float,
    targets: list[Target],
    confidence: float,
    initial_probes: int,
    initial_replications: int,
) -> None:
    if not lo < hi:
        raise CanteensimError(f"lo={lo} must be below hi={hi}")
    if not targets:
        raise CanteensimError("targets=[]: give at least one, e.g. 'fill_rate >= 0.95'")
    if not 0.5 < confidence < 1:
        raise CanteensimError(f"confidence={confidence} must be in (0.5, 1)")
    if initial_probes < 2:
        raise CanteensimError(f"initial_probes={initial_probes} must be at least 2 (lo and hi)")
    if initial_replications < 2:
        raise CanteensimError(
            f"initial_replications={initial_replications} must be at least 2 (for an interval)"
        )


def _whole_numbers(scenario: Scenario, param: str, lo: float, hi: float) -> bool:
    """Whether `param` takes whole numbers; its range must then have whole ends."""
    section, name = uncertain_key(scenario, param)
    if not isinstance(getattr(section, name), int):
        return False
    if not (float(lo).is_integer() and float(hi).is_integer()):
        raise ScenarioError(
            "--range",
            param,
            f"takes whole numbers: give whole ends, e.g. {math.ceil(lo)}:{math.floor(hi)}",
            value=f"{lo:g}:{hi:g}",
        )
    return True


class _Search:
    """The probes of one search, run on one runner and kept in one store."""

    def __init__(
        self,
        runner: Runner[RunOutcome],
        store: RunStore,
        scenarios: list[Scenario],
        scenario: Scenario,
        param: str,
        targets: list[Target],
        confidence: float,
        source: Path,
    ) -> None:
        self.runner = runner
        self.store = store
        self.scenarios = scenarios  # the runner's list: a new probe appends its scenario
        self.scenario = scenario
        self.param = param
        self.targets = targets
        self.confidence = confidence
        self.source = source
        self.probes: list[_Probe] = []
        self.progress: Progress | None = None
        self.bounds = (5, 80)
        self._planned = 0
        self._done = 0
        self.decimals = 6
        """Decimals of the parameter worth showing: set from the resolution."""
        self.whole = False
        """Whether the parameter takes whole numbers (vehicles): probes are rounded to one."""

    def probe(self, value: float) -> _Probe:
        """The probe at `value` (rounded, for a whole-number parameter): an earlier one at the
        same value, or a new one."""
        value = float(round(value)) if self.whole else value
        for probe in self.probes:
            if math.isclose(probe.value, value, rel_tol=1e-12, abs_tol=1e-15):
                return probe
        given = int(value) if self.whole else value
        self.scenarios.append(
            with_values(self.scenario, {self.param: given}, self.source, option="--param")
        )
        probe = _Probe(index=len(self.probes), value=value)
        self.probes.append(probe)
        return probe

    def settle(self, probes: list[_Probe], target: Target | None = None) -> None:
        """Run `probes` (together, so that an engine runs them side by side), doubling the
        replications of those still undecided (on `target`, or on any target) up to the cap."""
        first, cap = self.bounds

        def undecided(probe: _Probe) -> bool:
            if probe.replications == 0:
                return True
            if target is not None:
                return probe.decisions[str(target)] == "undecided"
            return "undecided" in probe.decisions.values()

        waiting = [p for p in probes if undecided(p)]
        count = first
        while waiting:
            count = max(count, *(p.replications for p in waiting))
            self._run({p.index: count for p in waiting if p.replications < count})
            for p in waiting:
                self._decide(p, count)
            if count >= cap:
                break
            waiting = [p for p in waiting if undecided(p)]
            count = min(2 * count, cap)

    def answer(
        self, lo: float, hi: float, maximise: bool, resolution: float
    ) -> tuple[tuple[float, float] | None, str]:
        """The answer and the sentence that gives it, from per-target brackets.

        Each target holds from some value up (its lower edge), up to some value (its upper
        edge), or both; bisection narrows each edge the probes show to `resolution`. The values
        meeting every target start at the largest lower edge and end at the smallest upper one.
        """
        lower: list[_Edge] = []
        upper: list[_Edge] = []
        for target in self.targets:
            name = str(target)
            holding = [p.value for p in self.probes if p.decisions[name] == "holds"]
            if not holding:
                return None, self._nowhere(target, lo, hi)
            failing = [p.value for p in self.probes if p.decisions[name] == "fails"]
            if any(v < min(holding) for v in failing):
                lower.append(self._edge(target, min(holding), rising=True, resolution=resolution))
            if any(v > max(holding) for v in failing):
                upper.append(self._edge(target, max(holding), rising=False, resolution=resolution))
        start = max(lower, key=lambda e: (e.above, e.below), default=None)
        end = min(upper, key=lambda e: (e.below, e.above), default=None)
        if start is not None and end is not None and start.below >= end.above:
            return None, (
                f"no value of {self.param} in [{self.show(lo)}, {self.show(hi)}] meets every "
                f"target: {start.target} holds only from {self.show(start.above, 'up')}, "
                f"{end.target} only up to {self.show(end.below, 'down')}"
            )
        chosen, other = (end, start) if maximise else (start, end)
        if chosen is None:
            at = hi if maximise else lo
            text = f"the targets hold already at {self.param} = {self.show(at)}"
            answer = (at, at)
        else:
            answer = (chosen.below, chosen.above)
            text = chosen.sentence(self.show)
        if other is not None:
            side = "from" if maximise else "up to"
            bound = other.above if maximise else other.below
            text += (
                f"; {other.target} holds {side} {self.show(bound, 'up' if maximise else 'down')}"
            )
        return answer, text

    def _edge(self, target: Target, holds: float, *, rising: bool, resolution: float) -> _Edge:
        """Bisect between the probe at `holds` and its nearest failing probe on the other side."""
        name = str(target)
        sign = 1 if rising else -1  # along `sign`, the target goes from failing to holding
        best = self.probe(holds)
        worst = max(
            (
                p
                for p in self.probes
                if p.decisions[name] == "fails" and sign * p.value < sign * holds
            ),
            key=lambda p: sign * p.value,
        )
        note = ""
        while abs(best.value - worst.value) > resolution:
            middle = self.probe((best.value + worst.value) / 2)
            self.settle([middle], target)
            if middle.decisions[name] == "holds":
                best = middle
            elif middle.decisions[name] == "fails":
                worst = middle
            else:
                note = (
                    f"undecided at {middle.value:g} after {middle.replications} replications: "
                    "the KPI is too close to the target there to tell"
                )
                break
        return _Edge(target, rising, worst, best, note)

    def show(self, value: float, rounding: Rounding = "nearest") -> str:
        """A value of the parameter to the digits the resolution gives it; the ends of the
        answer are rounded outwards, so that the interval shown contains the one found."""
        return _shown(value, self.decimals, rounding)

    def _nowhere(self, target: Target, lo: float, hi: float) -> str:
        """Why no value in [lo, hi] meets `target`: its mean at each end of the range."""
        name = str(target)
        ends = [p for p in self.probes if p.value in (lo, hi)]
        means = ", ".join(
            f"{p.stats[target.kpi][0]:g} at {self.show(p.value)} ({p.decisions[name]} after "
            f"{p.replications} replications)"
            for p in sorted(ends, key=lambda p: p.value)
        )
        return (
            f"no value of {self.param} in [{self.show(lo)}, {self.show(hi)}] meets {name}: "
            f"its mean is {means}"
        )

    def _run(self, counts: dict[int, int]) -> None:
        keys = [(s, r) for s, n in counts.items() for r in range(n)]
        missing = [key for key in keys if key not in self.store.outcomes]
        self._planned += len(missing)
        self._report(0)
        self.runner.run(missing, self._store)

    def _store(self, outcomes: list[RunOutcome]) -> None:
        self.store.add(outcomes)
        self._report(len(outcomes))

    def _report(self, done: int) -> None:
        self._done += done
        if self.progress is not None:
            self.progress(min(self._done, self._planned), self._planned)

    def _decide(self, probe: _Probe, count: int) -> None:
        from scipy import stats

        probe.replications = count
        decisions: list[Decision] = []
        for target in self.targets:
            values = np.array(
                [self.store.outcomes[(probe.index, r)].kpis[target.kpi] for r in range(count)],
                dtype=float,
            )
            values = values[~np.isnan(values)]
            mean = float(values.mean()) if len(values) else math.nan
            if len(values) >= 2:
                half = (
                    float(stats.t.ppf(self.confidence, len(values) - 1))
                    * float(values.std(ddof=1))
                    / math.sqrt(len(values))
                )
                low, high = mean - half, mean + half
            else:
                low = high = math.nan
            probe.stats[target.kpi] = (mean, low, high)
            decision = target.decide(low, high, mean)
            probe.decisions[str(target)] = decision
            decisions.append(decision)
        probe.decision = (
            "fails"
            if "fails" in decisions
            else "holds"
            if all(d == "holds" for d in decisions)
            else "undecided"
        )

    def table(self) -> pd.DataFrame:
        import pandas as pd

        rows = []
        for probe in sorted(self.probes, key=lambda p: p.value):
            row: dict[str, Any] = {
                "value": probe.value,
                "replications": probe.replications,
                "decision": probe.decision,
            }
            for target in self.targets:
                mean, low, high = probe.stats[target.kpi]
                row[f"{target.kpi}_mean"] = mean
                row[f"{target.kpi}_ci_low"] = low
                row[f"{target.kpi}_ci_high"] = high
                row[f"{target} decision"] = probe.decisions[str(target)]
            rows.append(row)
        return pd.DataFrame(rows)

    def _kept(self) -> list[RunKey]:
        counts = {p.index: p.replications for p in self.probes}
        return sorted(k for k in self.store.outcomes if k[1] < counts.get(k[0], 0))

    def runs(self) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame(
            [
                {
                    "setting": s,
                    "value": self.probes[s].value,
                    "replication": r,
                    **self.store.outcomes[(s, r)].kpis,
                }
                for s, r in self._kept()
            ]
        )

    def monthly(self) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame(
            [
                {"setting": s, "replication": r, **row}
                for s, r in self._kept()
                for row in self.store.outcomes[(s, r)].monthly
            ],
            columns=["setting", "replication", *MONTHLY_COLUMNS],
        )


def _monotone(
    probes: list[_Probe], targets: list[Target]
) -> dict[str, list[tuple[float, Decision]]]:
    """The targets whose decision changes more than once along the parameter, each with the
    values where it changes (the first probe's, then each change's)."""
    violations: dict[str, list[tuple[float, Decision]]] = {}
    for target in targets:
        name = str(target)
        changes: list[tuple[float, Decision]] = []
        for probe in sorted(probes, key=lambda p: p.value):
            decision = probe.decisions[name]
            if decision != "undecided" and (not changes or changes[-1][1] != decision):
                changes.append((probe.value, decision))
        if len(changes) > 2:
            violations[name] = changes
    return violations


def _changes(changes: list[tuple[float, Decision]]) -> str:
    return ", ".join(f"{d} from {v:g}" for v, d in changes)


def _fingerprint(scenario: Scenario, settings: dict[str, Any]) -> str:
    """What makes two searches the same, so a resume never mixes runs of different ones."""
    text = json.dumps(
        {"scenario": scenario_sha256(scenario), "search": settings}, sort_keys=True, default=str
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _decimals(value: float) -> int:
    """Decimals that show `value` whole: 310000 → 0, 0.5 → 1, 12.25 → 2 (at most 6)."""
    for decimals in range(7):
        if round(value, decimals) == value:
            return decimals
    return 6


def _decimals_of(resolution: float) -> int:
    """The decimals a value found to `resolution` is shown with: 0.005 → 3, 0.01 → 2, 1 → 0."""
    return max(0, math.ceil(-math.log10(resolution)))


def _shown(value: float, decimals: int, rounding: Rounding) -> str:
    scaled = round(value * 10**decimals, 6)  # 0.29 × 100 is 28.999…: not floored to 28
    if rounding == "down":
        scaled = math.floor(scaled)
    elif rounding == "up":
        scaled = math.ceil(scaled)
    return f"{round(scaled) / 10**decimals:g}"
