"""Means, 95 % t-intervals and paired differences over replications."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

CONFIDENCE = 0.95

SATURATED_FILL_RATE = 0.95
"""Below this mean fill rate a setting's orders outrun the supply: the quota is not what binds."""


def interval(values: np.ndarray) -> tuple[float, float, float, float]:
    """Mean, standard deviation and the 95 % t-interval of the mean of `values`.

    NaN values (a KPI undefined in some replication) are left out; with fewer than two values
    the interval is undefined (NaN).
    """
    values = values[~np.isnan(values)]
    n = len(values)
    if n == 0:
        return math.nan, math.nan, math.nan, math.nan
    mean = float(values.mean())
    if n < 2:
        return mean, math.nan, math.nan, math.nan
    from scipy import stats  # here, not at import: scipy weighs 60 MB that single runs never need

    sd = float(values.std(ddof=1))
    half = float(stats.t.ppf((1 + CONFIDENCE) / 2, n - 1)) * sd / math.sqrt(n)
    return mean, sd, mean - half, mean + half


def comparison_table(
    runs: pd.DataFrame,
    kpis: list[str],
    labels: dict[int, str],
    against: Mapping[int, int | None] | None = None,
) -> pd.DataFrame:
    """For every setting and KPI: mean, interval, and the paired difference to its baseline.

    Parameters
    ----------
    runs:
        One row per setting × replication, with columns ``setting``, ``replication`` and `kpis`.
    labels:
        The label of each setting index.
    against:
        The setting index each setting is paired against (`canteensim.experiment.grid.baselines`),
        None for a setting without a difference; by default every setting against setting 0.

    A difference is taken only over replications where the KPI is defined on both sides, and is
    NaN (not 0 with [0, 0]) when there are none: a KPI that does not apply has no difference.
    The ``baseline`` column names the setting each difference is against ("" for none).
    """
    import pandas as pd

    wide = runs.set_index(["setting", "replication"]).sort_index()
    if against is None:
        first = min(labels)
        against = {setting: first for setting in labels}
    rows = []
    for setting in sorted(labels):
        own = wide.loc[setting]
        other = against.get(setting)
        paired = (  # a baseline has no difference with itself: NaN, not 0 with [0, 0]
            own.merge(wide.loc[other], left_index=True, right_index=True, suffixes=("", "_base"))
            if other is not None and other != setting
            else None
        )
        for kpi in kpis:
            values = own[kpi].to_numpy(dtype=float)
            mean, sd, low, high = interval(values)
            diff_mean = diff_low = diff_high = math.nan
            if paired is not None:
                difference = (paired[kpi] - paired[f"{kpi}_base"]).to_numpy(dtype=float)
                diff_mean, _, diff_low, diff_high = interval(difference)
            rows.append(
                {
                    "setting": labels[setting],
                    "setting_index": setting,
                    "kpi": kpi,
                    "mean": mean,
                    "sd": sd,
                    "ci_low": low,
                    "ci_high": high,
                    "baseline": labels[other] if other is not None else "",
                    "diff_mean": diff_mean,
                    "diff_ci_low": diff_low,
                    "diff_ci_high": diff_high,
                    "n": int((~np.isnan(values)).sum()),
                }
            )
    return pd.DataFrame(rows)


def monthly_table(monthly: pd.DataFrame, labels: dict[int, str]) -> pd.DataFrame:
    """Monthly sales (all categories) per setting: mean and 95 % interval over replications."""
    import pandas as pd

    per_run = monthly.groupby(["setting", "replication", "month"], observed=True, sort=True).agg(
        sales_yuan=("sales_yuan", "sum"),
        quantity_kg=("quantity_kg", "sum"),
        partial=("partial", "first"),
    )
    rows = []
    for _, group in per_run.groupby(level=["setting", "month"], sort=True):
        setting = int(group.index.get_level_values("setting")[0])
        month = group.index.get_level_values("month")[0]
        mean, sd, low, high = interval(group["sales_yuan"].to_numpy(dtype=float))
        rows.append(
            {
                "setting": labels[setting],
                "setting_index": setting,
                "month": month,
                "partial": bool(group["partial"].iloc[0]),
                "sales_yuan_mean": mean,
                "sales_yuan_sd": sd,
                "sales_yuan_ci_low": low,
                "sales_yuan_ci_high": high,
                "quantity_kg_mean": float(group["quantity_kg"].mean()),
                "n": len(group),
            }
        )
    return pd.DataFrame(rows)


def relative_half_widths(table: pd.DataFrame) -> pd.Series:
    """Half-width of each interval relative to its mean; KPIs whose mean is 0 are left out."""
    half = (table["ci_high"] - table["ci_low"]) / 2
    scale = table["mean"].abs()
    return (half / scale).where(scale > 0)


def marginal_costs(
    table: pd.DataFrame,
    benefit: str = "farmer_income_yuan",
    cost: str = "cost_premium_yuan",
) -> pd.DataFrame:
    """What each extra yuan of `benefit` costs in `cost` between neighbouring settings.

    Parameters
    ----------
    table:
        A `comparison_table`: ``setting``, ``setting_index``, ``kpi``, ``mean``.

    Returns
    -------
    One row per pair of neighbours in grid order: ``from``, ``to``, the change of each mean
    (``benefit_change``, ``cost_change``, yuan) and ``cost_per_benefit`` (Δcost ÷ Δbenefit,
    yuan per yuan), NaN where the benefit does not change or either mean is undefined.
    """
    import pandas as pd

    order = table.drop_duplicates("setting_index").sort_values("setting_index", kind="stable")
    labels = order["setting"].astype(str).tolist()

    def means_of(kpi: str) -> np.ndarray:
        rows = table[table["kpi"] == kpi].set_index("setting_index")["mean"]
        return rows.reindex(order["setting_index"]).to_numpy(dtype=float)

    values = {kpi: means_of(kpi) for kpi in (benefit, cost) if (table["kpi"] == kpi).any()}
    rows = []
    for i in range(1, len(labels)):
        gained = values[benefit][i] - values[benefit][i - 1] if benefit in values else math.nan
        paid = values[cost][i] - values[cost][i - 1] if cost in values else math.nan
        per = paid / gained if np.isfinite(gained) and gained != 0 else math.nan
        rows.append(
            {
                "from": labels[i - 1],
                "to": labels[i],
                "benefit_change": gained,
                "cost_change": paid,
                "cost_per_benefit": per,
            }
        )
    columns = ["from", "to", "benefit_change", "cost_change", "cost_per_benefit"]
    return pd.DataFrame(rows, columns=columns)


def saturated(table: pd.DataFrame, threshold: float = SATURATED_FILL_RATE) -> list[str]:
    """The settings of a `comparison_table` whose mean fill rate is below `threshold`, in grid
    order: there supply, not the setting, limits what is bought. A setting whose fill rate is
    undefined (nothing ordered) is not saturated."""
    import pandas as pd

    fill = table[table["kpi"] == "fill_rate"].sort_values("setting_index", kind="stable")
    below = pd.to_numeric(fill["mean"], errors="coerce") < threshold
    return fill.loc[below, "setting"].astype(str).tolist()
