"""A report as a small document, and that document written as HTML or as Markdown.

`canteensim.report.content` decides what a report says (sections of facts, tables, figures and
notes, already in the report's language); this module only lays it out, so that report.html and
report.md always say the same thing. The HTML is one self-contained page: its style is inline,
its figures are PNG data URIs, it has no script, and a Content-Security-Policy lets a browser
load nothing from outside the file.
"""

from __future__ import annotations

import base64
import html
import re
import struct
from dataclasses import dataclass, field

from canteensim.version import __version__

Cell = str | tuple[str, str]
"""A table cell: text, or (text, code) for a name with its key (a KPI and its column name)."""


@dataclass(frozen=True)
class Paragraph:
    text: str
    note: bool = False
    """Shown smaller, as a note on what precedes it."""


@dataclass(frozen=True)
class Facts:
    """Label and value pairs; labels listed in `code` have values shown as code."""

    rows: list[tuple[str, str]]
    code: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Table:
    title: str
    columns: list[str]
    rows: list[list[Cell]]
    numeric: list[bool]
    """Columns of numbers, aligned right."""
    group_starts: frozenset[int] = frozenset()
    """Rows that begin a group (a KPI of a comparison), drawn with a rule above."""
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Image:
    name: str
    """File stem: the Markdown links ``figures/NAME.png``."""
    label: str
    """``"Figure 1."``"""
    caption: str
    png: bytes


Block = Paragraph | Facts | Table | Image


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    blocks: list[Block]


@dataclass(frozen=True)
class Document:
    lang: str
    title: str
    lead: str
    contents: str
    """The heading of the list of sections."""
    sections: list[Section]


# --- HTML ----------------------------------------------------------------------------------

CSS = """
:root { color-scheme: light; }
body { margin: 0; background: #f6f7f9; color: #1d2329;
  font: 15px/1.55 system-ui, -apple-system, "Segoe UI", "Noto Sans CJK SC", "Noto Sans SC",
    "Source Han Sans SC", "WenQuanYi Micro Hei", "Microsoft YaHei", "PingFang SC",
    "Hiragino Sans GB", sans-serif; }
main, header, footer { max-width: 1180px; margin: 0 auto; padding: 0 24px; }
header { padding-top: 28px; }
h1 { font-size: 1.7em; margin: 0 0 .3em; }
h2 { font-size: 1.3em; margin: .8em 0 .6em; }
h3 { font-size: 1.05em; margin: 1.4em 0 .4em; }
.lead { font-size: 1.08em; color: #38424c; margin: 0 0 .8em; }
nav { font-size: .95em; }
nav a { color: #1f5fa8; text-decoration: none; margin-right: 1.1em; }
section { background: #fff; border: 1px solid #e1e5ea; border-radius: 6px;
  padding: 4px 22px 18px; margin: 18px 0; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .35em 1.4em; margin: 0; }
dt { font-weight: 600; color: #38424c; }
dd { margin: 0; overflow-wrap: anywhere; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; font-size: .92em; margin: .3em 0; }
th, td { padding: .3em .75em; border-bottom: 1px solid #e6e9ed; text-align: left;
  vertical-align: top; }
th { background: #eef1f4; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.group td { border-top: 2px solid #c9d0d8; }
td code { display: block; margin-top: .1em; }
code { font: .88em ui-monospace, "SFMono-Regular", "DejaVu Sans Mono", Menlo, Consolas,
  monospace; color: #4a5560; }
.note { color: #55606b; font-size: .9em; margin: .3em 0 .8em; }
figure { margin: 1.4em 0 2em; }
figure img { display: block; max-width: 100%; height: auto; border: 1px solid #eceff2; }
figcaption { color: #38424c; font-size: .93em; margin-top: .5em; max-width: 75em; }
footer { padding-bottom: 32px; color: #7a8591; font-size: .85em; }
@media print {
  body { background: #fff; }
  section { border: 0; padding: 0; }
  figure, tr { break-inside: avoid; }
  nav { display: none; }
}
"""

CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"
"""Nothing but the inline style and data: images may load: the report stays one file."""


def to_html(document: Document) -> str:
    """The document as one self-contained HTML page."""
    e = html.escape
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{"zh-CN" if document.lang == "zh" else "en"}">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="generator" content="canteensim {e(__version__)}">',
        f"<title>{e(document.title)}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        "<header>",
        f"<h1>{e(document.title)}</h1>",
        f'<p class="lead">{e(document.lead)}</p>',
        f'<nav aria-label="{e(document.contents)}">'
        + "".join(f'<a href="#{e(s.id)}">{e(s.title)}</a>' for s in document.sections)
        + "</nav>",
        "</header>",
        "<main>",
    ]
    for section in document.sections:
        parts.append(f'<section id="{e(section.id)}">')
        parts.append(f"<h2>{e(section.title)}</h2>")
        parts.extend(_html_block(block) for block in section.blocks)
        parts.append("</section>")
    parts += ["</main>", f"<footer>canteensim {e(__version__)}</footer>", "</body>", "</html>"]
    return "\n".join(parts) + "\n"


def _html_block(block: Block) -> str:
    e = html.escape
    if isinstance(block, Paragraph):
        return f'<p class="note">{e(block.text)}</p>' if block.note else f"<p>{e(block.text)}</p>"
    if isinstance(block, Facts):
        items = "".join(
            f"<dt>{e(label)}</dt><dd>"
            + (f"<code>{e(value)}</code>" if label in block.code else e(value))
            + "</dd>"
            for label, value in block.rows
        )
        return f"<dl>{items}</dl>"
    if isinstance(block, Image):
        width, height = png_size(block.png)
        data = base64.b64encode(block.png).decode("ascii")
        return (
            f'<figure id="figure-{e(block.name)}">'
            f'<img src="data:image/png;base64,{data}" width="{width}" height="{height}" '
            f'alt="{e(block.caption)}">'
            f"<figcaption><strong>{e(block.label)}</strong> {e(block.caption)}</figcaption>"
            "</figure>"
        )
    return _html_table(block)


def _html_cell(cell: Cell) -> str:
    if isinstance(cell, tuple):
        text, code = cell
        return f"{html.escape(text)}<code>{html.escape(code)}</code>"
    return html.escape(cell)


def _html_table(table: Table) -> str:
    e = html.escape
    head = "".join(
        f'<th class="num">{e(c)}</th>' if numeric else f"<th>{e(c)}</th>"
        for c, numeric in zip(table.columns, table.numeric, strict=True)
    )
    body = []
    for r, row in enumerate(table.rows):
        cells = "".join(
            f'<td class="num">{_html_cell(c)}</td>' if numeric else f"<td>{_html_cell(c)}</td>"
            for c, numeric in zip(row, table.numeric, strict=True)
        )
        group = ' class="group"' if r and r in table.group_starts else ""
        body.append(f"<tr{group}>{cells}</tr>")
    parts = [f"<h3>{e(table.title)}</h3>"] if table.title else []
    parts.append(
        f'<div class="scroll"><table><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )
    parts.extend(f'<p class="note">{e(note)}</p>' for note in table.notes)
    return "\n".join(parts)


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height in pixels of a PNG image, from its header."""
    if png[:8] != b"\x89PNG\r\n\x1a\n" or png[12:16] != b"IHDR":
        raise ValueError("not a PNG image")
    width, height = struct.unpack(">II", png[16:24])
    return int(width), int(height)


# --- Markdown ------------------------------------------------------------------------------


def to_markdown(document: Document, figures: str = "figures") -> str:
    """The document as Markdown, its figures linked as ``FIGURES/NAME.png``."""
    parts = [f"# {_md(document.title)}", "", _md(document.lead), ""]
    for section in document.sections:
        parts += [f"## {_md(section.title)}", ""]
        for block in section.blocks:
            parts += [*_md_block(block, figures), ""]
    return "\n".join(parts).rstrip("\n") + "\n"


def _md(text: str) -> str:
    """Text with the characters Markdown would read as markup escaped."""
    return re.sub(r"([\\`*_\[\]<>|#])", r"\\\1", text)


def _md_code(text: str) -> str:
    fence = "``" if "`" in text else "`"
    return f"{fence}{text}{fence}"


def _md_block(block: Block, figures: str) -> list[str]:
    if isinstance(block, Paragraph):
        return [f"*{_md(block.text)}*" if block.note else _md(block.text)]
    if isinstance(block, Facts):
        return [
            f"- **{_md(label)}**: " + (_md_code(value) if label in block.code else _md(value))
            for label, value in block.rows
        ]
    if isinstance(block, Image):
        return [
            f"![{_md(block.caption)}]({figures}/{block.name}.png)",
            "",
            f"**{_md(block.label)}** {_md(block.caption)}",
        ]
    return _md_table(block)


def _md_cell(cell: Cell) -> str:
    if isinstance(cell, tuple):
        text, code = cell
        return f"{_md(text)} {_md_code(code)}"
    return _md(cell)


def _md_table(table: Table) -> list[str]:
    lines = [f"### {_md(table.title)}", ""] if table.title else []
    lines.append("| " + " | ".join(_md(c) for c in table.columns) + " |")
    lines.append("|" + "|".join("---:" if numeric else "---" for numeric in table.numeric) + "|")
    lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in table.rows]
    for note in table.notes:
        lines += ["", f"*{_md(note)}*"]
    return lines
