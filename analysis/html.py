"""A self-contained HTML page from the Markdown our reports write, with figures inline.

The reports' Markdown uses a small subset (``#`` headings, paragraphs, ``-`` lists, pipe
tables, ``**bold**`` and ```code```, one level of nested list), so a short converter is
enough and adds no dependency.
Figures are embedded as base64 ``data:`` URIs: the page is one file that can be mailed or put
on a projector without its folder.
"""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Sequence
from pathlib import Path

_STYLE = """
body { font-family: system-ui, sans-serif; max-width: 70em; margin: 2em auto; padding: 0 1em;
       color: #222; line-height: 1.45; }
table { border-collapse: collapse; margin: 0.8em 0; font-size: 0.9em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.5em; vertical-align: top; }
th { background: #f2f2f2; }
code { background: #f4f4f4; padding: 0 0.2em; }
img { max-width: 100%; border: 1px solid #eee; margin: 0.5em 0; }
figcaption { color: #555; font-size: 0.9em; }
"""


def inline(text: str) -> str:
    """Escape a line of Markdown text and render its bold and code spans."""
    out = html.escape(text, quote=False)
    out = re.sub(r"`([^`]+)`", r"<code>\1</code>", out)
    return re.sub(r"\*\*([^*]+)\*\*", r"<strong>\1</strong>", out)


def _cells(line: str) -> list[str]:
    return [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]


def markdown_to_html(text: str) -> str:
    """The HTML body of a Markdown text in the reports' subset."""
    out: list[str] = []
    lines = text.splitlines()
    k = 0
    while k < len(lines):
        line = lines[k]
        if not line.strip():
            k += 1
            continue
        heading = re.match(r"^(#{1,4}) (.*)$", line)
        if heading:
            level = len(heading[1])
            out.append(f"<h{level}>{inline(heading[2])}</h{level}>")
            k += 1
        elif line.startswith("|"):
            rows = []
            while k < len(lines) and lines[k].startswith("|"):
                rows.append(lines[k])
                k += 1
            out.append("<table>")
            out.append("<tr>" + "".join(f"<th>{inline(c)}</th>" for c in _cells(rows[0]))
                       + "</tr>")
            for row in rows[2:]:
                out.append("<tr>" + "".join(f"<td>{inline(c)}</td>" for c in _cells(row))
                           + "</tr>")
            out.append("</table>")
        elif line.startswith("- "):
            out.append("<ul>")
            while k < len(lines) and lines[k].startswith("- "):
                item = lines[k][2:]
                k += 1
                nested: list[str] = []
                while k < len(lines) and lines[k].startswith("  ") and lines[k].strip():
                    if lines[k].startswith("  - "):
                        nested.append(lines[k][4:])
                    elif nested:
                        nested[-1] += " " + lines[k].strip()
                    else:
                        item += " " + lines[k].strip()
                    k += 1
                sub = ("<ul>" + "".join(f"<li>{inline(n)}</li>" for n in nested) + "</ul>"
                       if nested else "")
                out.append(f"<li>{inline(item)}{sub}</li>")
            out.append("</ul>")
        else:
            para = [line]
            k += 1
            while (k < len(lines) and lines[k].strip() and not lines[k].startswith(("#", "|",
                                                                                   "- "))):
                para.append(lines[k])
                k += 1
            out.append(f"<p>{inline(' '.join(para))}</p>")
    return "\n".join(out)


def figure_html(path: Path, caption: str) -> str:
    """A ``<figure>`` with the PNG inline as base64."""
    data = base64.b64encode(Path(path).read_bytes()).decode("ascii")
    return (f'<figure><img alt="{html.escape(caption)}" src="data:image/png;base64,{data}">'
            f"<figcaption>{html.escape(caption)}</figcaption></figure>")


def html_page(title: str, markdown: str, figures: Sequence[tuple[Path, str]]) -> str:
    """One self-contained page: the Markdown rendered, then the figures inline."""
    body = markdown_to_html(markdown)
    figs = "\n".join(figure_html(path, caption) for path, caption in figures)
    return (f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head><body>\n"
            f"{body}\n<h2>Figures</h2>\n{figs}\n</body></html>\n")


__all__ = ["figure_html", "html_page", "inline", "markdown_to_html"]
