"""Reports of results folders: figures, and report.html / report.md / report.xlsx.

``render_report(folder, lang="en")`` renders a folder written by ``canteensim run`` or
``canteensim compare``; `canteensim.report.figures` builds the figures it places. matplotlib is
imported when `render_report` is first asked for, not with this package, so that the command
line can import this package (and read `canteensim.text`) without loading it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from canteensim.report.render import render_report

__all__ = ["render_report"]


def __getattr__(name: str) -> Any:
    if name == "render_report":
        from canteensim.report.render import render_report

        return render_report
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
