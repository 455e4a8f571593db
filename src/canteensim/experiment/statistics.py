"""Means, 95 % t-intervals and paired differences over replications."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

CONFIDENCE = 0.95


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


def comparison_table(runs: pd.DataFrame, kpis: list[str], labels: dict[int, str]) -> pd.DataFrame:
    """For every setting and KPI: mean, interval, and the paired difference to setting 0.

    Parameters
    ----------
    runs:
        One row per setting × replication, with columns ``setting``, ``replication`` and `kpis`.
    labels:
        The label of each setting index.
    """
    wide = runs.set_index(["setting", "replication"]).sort_index()
    baseline = wide.loc[0]
    rows = []
    for setting in sorted(labels):
        own = wide.loc[setting]
        paired = own.merge(baseline, left_index=True, right_index=True, suffixes=("", "_baseline"))
        for kpi in kpis:
            values = own[kpi].to_numpy(dtype=float)
            mean, sd, low, high = interval(values)
            difference = (paired[kpi] - paired[f"{kpi}_baseline"]).to_numpy(dtype=float)
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
                    "diff_mean": diff_mean,
                    "diff_ci_low": diff_low,
                    "diff_ci_high": diff_high,
                    "n": int((~np.isnan(values)).sum()),
                }
            )
    return pd.DataFrame(rows)


def monthly_table(monthly: pd.DataFrame, labels: dict[int, str]) -> pd.DataFrame:
    """Monthly sales (all categories) per setting: mean and 95 % interval over replications."""
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
