"""Charts of the follow-up report (matplotlib), as PNG (Word) and SVG (PDF), byte for byte the
same from the same figures: no dates or software versions in the files, a fixed hash salt for
SVG ids, glyphs drawn as paths in the templates' own font (never a system font).

A chart goes into an intermediate as an image with a data URI (PNG, which pandoc puts into
Word) and an `svg` attribute (which typst-filter.lua puts into the PDF), with alt text."""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import SimpleNamespace

from markupsafe import Markup

from samverkan.render import markdown

# Okabe–Ito colours (distinguishable with colour blindness): done, ongoing, not started, not
# relevant, further choices; "not filled in" is always the last colour.
PALETTE = ("#009E73", "#F0E442", "#D55E00", "#999999", "#56B4E9", "#CC79A7", "#0072B2", "#E69F00")
NOT_FILLED = "#FFFFFF"
NOT_PART = "#E6E6E6"
DPI = 150


@dataclass(frozen=True)
class Chart:
    png: bytes
    svg: bytes
    alt: str

    def markdown(self, ident: str) -> Markup:
        """The chart as a figure of the intermediate (PNG for Word, SVG for the PDF); its alt text
        is also its caption (Word's description of the picture, the PDF's alternative text)."""
        png = base64.b64encode(self.png).decode("ascii")
        svg = base64.b64encode(self.svg).decode("ascii")
        return Markup(f"![{markdown.escape(self.alt)}](data:image/png;base64,{png})"
                      f'{{#{ident} svg="data:image/svg+xml;base64,{svg}" width="100%"}}')


def colours(statuses: list[str], blank_last: bool = True) -> dict[str, str]:
    """A colour per status: the list's choices in order, then "not filled in" (the last;
    `blank_last=False`: every status is a choice with its colour)."""
    chosen = {s: PALETTE[i % len(PALETTE)] for i, s in enumerate(statuses)}
    if blank_last:
        chosen[statuses[-1]] = NOT_FILLED
    return chosen


@lru_cache(maxsize=1)
def _matplotlib() -> SimpleNamespace:
    """matplotlib, imported when a chart is drawn (not by every command: it takes a third of a
    second), with the Agg backend (no screen)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager, pyplot
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    return SimpleNamespace(matplotlib=matplotlib, font_manager=font_manager, pyplot=pyplot,
                           ListedColormap=ListedColormap, Patch=Patch)


def _setup(font_dirs: tuple[str, ...]) -> SimpleNamespace:
    mpl = _matplotlib()
    family = "DejaVu Sans"
    for folder in font_dirs:
        for path in sorted(Path(folder).glob("*.otf")) + sorted(Path(folder).glob("*.ttf")):
            mpl.font_manager.fontManager.addfont(str(path))
            if "Regular" in path.name:
                family = mpl.font_manager.FontProperties(fname=str(path)).get_name()
    mpl.matplotlib.rcParams.update({
        "svg.hashsalt": "samverkan", "svg.fonttype": "path", "font.family": family, "font.size": 8,
        "axes.spines.top": False, "axes.spines.right": False, "path.simplify": False,
    })
    return mpl


def _render(figure) -> tuple[bytes, bytes]:
    png, svg = io.BytesIO(), io.BytesIO()
    figure.savefig(png, format="png", dpi=DPI, metadata={"Software": None}, bbox_inches="tight")
    figure.savefig(svg, format="svg", metadata={"Date": None, "Creator": None}, bbox_inches="tight")
    _matplotlib().pyplot.close(figure)
    return png.getvalue(), svg.getvalue()


def stacked_bars(labels: list[str], counts: list[dict[str, int]], statuses: list[str], xlabel: str, alt: str,
                 font_dirs: tuple[str, ...], blank_last: bool = True) -> Chart:
    """One horizontal bar per label (kommun), split by status, first label on top."""
    mpl = _setup(font_dirs)
    palette = colours(statuses, blank_last)
    figure, axes = mpl.pyplot.subplots(figsize=(7.2, 0.6 + 0.2 * len(labels)))
    positions = list(range(len(labels)))[::-1]
    left = [0] * len(labels)
    for status in statuses:
        values = [c.get(status, 0) for c in counts]
        axes.barh(positions, values, left=left, color=palette[status], edgecolor="#555555", linewidth=0.4,
                  label=status, height=0.75)
        left = [a + b for a, b in zip(left, values)]
    axes.set_yticks(positions, labels)
    axes.set_xlabel(xlabel)
    axes.tick_params(axis="y", length=0)
    axes.set_ylim(-0.6, len(labels) - 0.4)
    axes.legend(ncols=min(len(statuses), 5), loc="lower left", bbox_to_anchor=(0, 1.0), frameon=False)
    return Chart(*_render(figure), alt)


def status_matrix(rows: list[str], columns: list[str], cells: list[list[str | None]], statuses: list[str],
                  alt: str, font_dirs: tuple[str, ...]) -> Chart:
    """A grid: rows (commitments) × columns (kommuner), each cell coloured by its status;
    None where the column does not report on the row (light grey)."""
    mpl = _setup(font_dirs)
    palette = colours(statuses)
    index = {s: i for i, s in enumerate(statuses)}
    values = [[index[c] if c is not None else len(statuses) for c in row] for row in cells]
    cmap = mpl.ListedColormap([palette[s] for s in statuses] + [NOT_PART])
    figure, axes = mpl.pyplot.subplots(figsize=(1.6 + 0.15 * len(columns), 1.4 + 0.13 * len(rows)))
    axes.pcolormesh(values, cmap=cmap, vmin=-0.5, vmax=len(statuses) + 0.5, edgecolors="#777777", linewidth=0.3)
    axes.set_xticks([i + 0.5 for i in range(len(columns))], columns, rotation=90, fontsize=6)
    axes.set_yticks([i + 0.5 for i in range(len(rows))], rows, fontsize=6)
    axes.invert_yaxis()
    axes.xaxis.tick_top()
    axes.tick_params(length=0)
    for side in ("left", "bottom", "top", "right"):
        axes.spines[side].set_visible(False)
    handles = [mpl.Patch(facecolor=palette[s], edgecolor="#555555", label=s) for s in statuses]
    axes.legend(handles=handles, ncols=min(len(statuses), 5), loc="upper left", bbox_to_anchor=(0, -0.01),
                frameon=False, fontsize=7)
    return Chart(*_render(figure), alt)
