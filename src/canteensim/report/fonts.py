"""Chinese text in figures: find an installed CJK font, or say once how to install one.

Matplotlib's default font (DejaVu Sans) has no Chinese characters: product, cooperative and
county names, and every label of a Chinese report, would be drawn as empty boxes. `font_rc`
returns the rcParams that put an installed CJK font in the font family list, next to DejaVu Sans,
so that each character is drawn from whichever of the two has it.

The families are given by name, not as ``sans-serif``: a text keeps the names it was created with,
so a figure built inside ``matplotlib.rc_context(font_rc(lang))`` still draws Chinese when it is
saved after the context has closed.
"""

from __future__ import annotations

import functools
import os
import warnings
from typing import Any

from matplotlib import font_manager
from matplotlib.typing import RcKeyType

from canteensim.errors import CanteensimWarning

CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Noto Sans CJK JP",
    "Noto Sans CJK TC",
    "Source Han Sans",
    "Droid Sans Fallback",
    "AR PL UMing CN",
    "AR PL UKai CN",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "Hiragino Sans GB",
    "Heiti SC",
    "Arial Unicode MS",
)
"""Fonts that draw Simplified Chinese, most preferred first (Japanese and Traditional Chinese
variants of the same design draw a few characters differently, so they come after)."""

LATIN_FAMILY = "DejaVu Sans"
"""Matplotlib's own font, always present: Latin letters, digits and the minus sign."""

_FILE_HINTS = (
    "notosanscjk",
    "notoserifcjk",
    "notosanssc",
    "sourcehan",
    "wqy",
    "droidsansfallback",
    "uming",
    "ukai",
    "msyh",
    "simhei",
    "pingfang",
    "hiragino",
    "arialuni",
)
"""Lower-case pieces of the file names of CJK fonts, used to find fonts installed after
matplotlib last built its font cache."""

INSTALL_HINT = (
    "Chinese names in figures will show as boxes: no CJK font is installed. Install one, e.g. "
    "on Debian or Ubuntu `apt-get install fonts-noto-cjk` (or fonts-wqy-microhei), on Fedora "
    "`dnf install google-noto-sans-cjk-fonts`, on macOS and Windows one ships with the system; "
    "then run again."
)


def find_cjk_font() -> str | None:
    """The family name of the most preferred installed CJK font, or None when there is none.

    Fonts installed after matplotlib built its font cache are not in it; the system font folders
    are searched for them and any found is added to matplotlib's font manager.
    """
    family = _known_cjk_family()
    if family is None and _add_uncached_cjk_fonts():
        family = _known_cjk_family()
    return family


def _known_cjk_family() -> str | None:
    installed = {entry.name for entry in font_manager.fontManager.ttflist}
    return next((family for family in CJK_FAMILIES if family in installed), None)


def _add_uncached_cjk_fonts() -> bool:
    """Add to matplotlib the CJK font files it does not know yet; whether any was added."""
    known = {os.path.realpath(entry.fname) for entry in font_manager.fontManager.ttflist}
    added = False
    for path in font_manager.findSystemFonts():
        name = os.path.basename(path).lower().replace("-", "").replace("_", "")
        if os.path.realpath(path) in known or not any(hint in name for hint in _FILE_HINTS):
            continue
        try:
            font_manager.fontManager.addfont(path)
        except (OSError, RuntimeError, ValueError):  # unreadable or not a font after all
            continue
        added = True
    return added


@functools.cache
def cjk_font() -> str | None:
    """`find_cjk_font`, looked up once per process; warns once when there is no CJK font.

    Warns
    -----
    CanteensimWarning
        When no CJK font is installed, saying how to install one.
    """
    family = find_cjk_font()
    if family is None:
        warnings.warn(INSTALL_HINT, CanteensimWarning, stacklevel=2)
    return family


def font_families(lang: str = "en") -> list[str]:
    """The font family list for figures in `lang`.

    Chinese reports draw their text in the CJK font; English ones in DejaVu Sans, with the CJK
    font as the fallback for the Chinese names in them. Without a CJK font, DejaVu Sans alone.
    """
    family = cjk_font()
    if family is None:
        return [LATIN_FAMILY]
    return [family, LATIN_FAMILY] if lang == "zh" else [LATIN_FAMILY, family]


def font_rc(lang: str = "en") -> dict[RcKeyType, Any]:
    """rcParams for figures in `lang`, for ``matplotlib.rc_context``."""
    return {"font.family": font_families(lang)}
