"""One page to open: ``index.html`` of a results folder such as ``make demo`` writes.

Each scenario run in the folder (a subfolder with ``runs.parquet`` and ``metadata.json``) gets
a card, first: its headline outcomes (estimates with their 95% intervals, computed from its runs as
its ``summary.md`` computes them), its fan chart, and links to its summary and its folder. A
comparison of the authors (``compare/``) and a sweep (``sweep/``) get a section each below, with
their first figure. Links and images are relative, so the folder can be moved or copied whole.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from urllib.parse import quote

import numpy as np
import pyarrow.parquet as pq
from numpy.typing import NDArray

from analysis.summary import binary_summary, continuous_summary, describe, is_binary
from sim.files.atomic import write_text

INDEX_FILE = "index.html"
#: The outcomes each scenario's card shows, when its runs have them.
HEADLINES: tuple[str, ...] = (
    "nk_tilt_final", "align_RUS-PRK_final", "align_CHN-PRK_final", "chn_rus_alliance",
)
FAN_CHART = "figures/fan_chart.png"
SECTIONS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("compare", "The authors compared: every lens through every scenario",
     ("figures/predictions_matrix.png", "figures/outcomes_heatmap.png")),
    ("sweep", "The sweep: scenarios × lenses × parameter samples", ("figures/cells.png",)),
)

_STYLE = """
body { font-family: system-ui, sans-serif; font-size: 17px; max-width: 78em; margin: 1.5em auto;
       padding: 0 1em; color: #222; line-height: 1.45; }
h1 { font-size: 1.7em; margin-bottom: 0.2em; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(30em, 1fr)); gap: 1.2em; }
.card { border: 1px solid #ccc; border-radius: 6px; padding: 0.8em 1em; }
.card h2, section h2 { font-size: 1.25em; margin: 0.2em 0 0.4em; }
table { border-collapse: collapse; font-size: 0.95em; margin: 0.4em 0; }
td { border-bottom: 1px solid #eee; padding: 0.2em 0.5em 0.2em 0; vertical-align: top; }
td.value { text-align: right; white-space: nowrap; }
img { max-width: 100%; border: 1px solid #eee; }
section { margin-top: 1.5em; }
section img { max-width: 60em; }
.meta { color: #555; font-size: 0.92em; }
"""


def estimate_text(values: NDArray[np.float64]) -> str:
    """A headline estimate with its 95% interval: a share for a yes/no outcome, else a mean."""
    if is_binary(values):
        s = binary_summary(values)
        return f"{s.p:.2f} [{s.lo:.2f}, {s.hi:.2f}]"
    c = continuous_summary(values)
    return f"{c['mean']:+.2f} [{c['ci_lo']:+.2f}, {c['ci_hi']:+.2f}]"


def scenario_folders(folder: Path) -> list[Path]:
    """The subfolders holding one scenario's runs, the baseline first, then by name."""
    runs = [p for p in sorted(folder.iterdir())
            if (p / "runs.parquet").is_file() and (p / "metadata.json").is_file()
            and p.name not in {name for name, _, _ in SECTIONS}]
    return sorted(runs, key=lambda p: (p.name != "baseline", p.name))


def _href(*parts: str) -> str:
    """A relative link to ``parts`` joined, quoted for a URL and escaped for an attribute."""
    return html.escape(quote("/".join(parts)), quote=True)


def _card(folder: Path, root: Path) -> str:
    meta = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))
    available = set(pq.read_schema(folder / "runs.parquet").names)
    shown = [c for c in HEADLINES if c in available]
    table = pq.read_table(folder / "runs.parquet", columns=shown)
    rows = "".join(
        f"<tr><td>{html.escape(describe(c))}</td>"
        f"<td class=value>{estimate_text(table.column(c).to_numpy())}</td></tr>"
        for c in shown)
    link = folder.relative_to(root).as_posix()
    name = html.escape(folder.name)
    chart = (f'<a href="{_href(link, FAN_CHART)}"><img src="{_href(link, FAN_CHART)}" '
             f'alt="fan chart of {name}"></a>' if (folder / FAN_CHART).is_file() else "")
    about = html.escape(f"lens {meta.get('lens')}, {int(meta.get('runs', 0)):,} runs, seed "
                        f"{meta.get('seed')}, {meta.get('start')} + {meta.get('horizon')} "
                        "quarters")
    return (f'<div class=card><h2><a href="{_href(link)}/">{name}</a></h2>'
            f'<div class=meta>{about} · <a href="{_href(link, "summary.md")}">summary.md</a> · '
            f'<a href="{_href(link)}/">folder</a></div><table>{rows}</table>{chart}</div>')


def _section(root: Path, name: str, title: str, figures: tuple[str, ...]) -> str:
    folder = root / name
    if not folder.is_dir():
        return ""
    figure = next((f for f in figures if (folder / f).is_file()), None)
    image = (f'<a href="{_href(name, figure)}"><img src="{_href(name, figure)}" '
             f'alt="{html.escape(title)}"></a>' if figure else "")
    return (f'<section><h2><a href="{_href(name)}/">{html.escape(title)}</a></h2>'
            f'<div class=meta><a href="{_href(name, "summary.md")}">summary.md</a> · '
            f'<a href="{_href(name)}/">folder</a></div>{image}</section>')


def index_html(folder: Path) -> str:
    """The index page of a results folder, as HTML text."""
    folder = Path(folder).resolve()
    cards = "".join(_card(p, folder) for p in scenario_folders(folder))
    sections = "".join(_section(folder, *s) for s in SECTIONS)
    return ("<!doctype html><html lang=en><head><meta charset=utf-8>"
            f"<title>geosim results: {html.escape(folder.name)}</title>"
            f"<style>{_STYLE}</style></head><body>"
            f"<h1>geosim results: {html.escape(folder.name)}</h1>"
            "<p class=meta>Each scenario's headline outcomes (estimate [95% interval]; a "
            "probability for yes/no outcomes, a mean otherwise) and its fan chart. Every title "
            "links to its folder.</p>"
            f"<div class=cards>{cards}</div>{sections}"
            "</body></html>\n")


def write_index(folder: Path) -> Path:
    """Write ``folder/index.html`` (replacing it whole) and return its path."""
    return write_text(Path(folder) / INDEX_FILE, index_html(folder))
