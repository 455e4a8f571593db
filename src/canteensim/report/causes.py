"""Failed audits of whole periods counted by primary cause: what the report's lead and the
terminal say of them.

Only audits of whole periods count, as they do in the compliance rate (`canteensim.model.kpis`):
a partial first or last period is audited, and its failures are rows of ``audit_failures``, but
the quota's KPIs do not judge it, so a sentence beside them must not either. The causes and what
each means are `canteensim.results.FAILURE_CAUSES` and `canteensim.model.failures`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from canteensim.model.columns import Tables
from canteensim.model.kpis import judged_audits
from canteensim.results import FAILURE_CAUSES

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class CauseCounts:
    """The audits of whole periods of a run, and its failed ones by cause (all replications)."""

    audits: int
    """Rows of ``canteen_months`` audited, of whole periods."""
    by_cause: dict[str, int]
    """Failed audits of whole periods by primary cause: every cause of `FAILURE_CAUSES` in its
    order (0 where none failed so), then any other the table names."""

    @classmethod
    def of(cls, canteen_months: pd.DataFrame, audit_failures: pd.DataFrame) -> CauseCounts:
        """Count a run's tables as written (or read back from CSV, truth values as text)."""
        from canteensim.report.read import as_bool

        def whole(table: pd.DataFrame) -> np.ndarray:
            return ~as_bool(table["partial"]).to_numpy()

        audited = whole(canteen_months) & as_bool(canteen_months["audited"]).to_numpy()
        causes = audit_failures["cause"].astype(str).to_numpy()[whole(audit_failures)]
        return cls.counted(int(audited.sum()), causes)

    @classmethod
    def of_run(cls, tables: Tables) -> CauseCounts:
        """Count a run's tables as it made them (`canteensim.model.columns.Tables`), without
        making their frames."""
        months, failures = tables.table("canteen_months"), tables.table("audit_failures")
        audited = judged_audits(months)
        whole = ~failures.column("partial").astype(bool)
        causes = failures.column("cause")[whole].tolist()
        return cls.counted(int(audited.sum()), causes)

    @classmethod
    def counted(cls, audits: int, causes: Iterable[str]) -> CauseCounts:
        """`audits` audits of whole periods, and the primary cause of each failed one."""
        counts = Counter(causes)
        others = sorted(set(counts) - set(FAILURE_CAUSES))
        by_cause = {cause: counts.get(cause, 0) for cause in [*FAILURE_CAUSES, *others]}
        return cls(audits, by_cause)

    @property
    def failed(self) -> int:
        return sum(self.by_cause.values())

    @property
    def top(self) -> str | None:
        """The most common cause, the earliest in the chain of `FAILURE_CAUSES` of equally
        common ones; None when no audit of a whole period failed."""
        if not self.failed:
            return None
        return max(self.by_cause, key=self.by_cause.__getitem__)  # max keeps the first of ties

    def share(self, cause: str) -> float:
        """The share of the failed audits that failed for `cause` (NaN when none failed)."""
        return self.by_cause[cause] / self.failed if self.failed else float("nan")


__all__ = ["CauseCounts"]
