"""render/charts.py: the same figures give the same PNG and SVG bytes, in the templates' font."""

from __future__ import annotations

import base64

from samverkan.project import Templates
from samverkan.render.charts import NOT_FILLED, colours, stacked_bars, status_matrix

STATUSES = ["Genomförd", "Pågår", "Ej påbörjad", "Ej aktuellt", "Ej ifyllt"]
FONTS = Templates().font_dirs()


def bars():
    counts = [{"Genomförd": 3, "Pågår": 2, "Ej påbörjad": 1, "Ej aktuellt": 0, "Ej ifyllt": 4},
              {"Genomförd": 0, "Pågår": 0, "Ej påbörjad": 0, "Ej aktuellt": 0, "Ej ifyllt": 10}]
    return stacked_bars(["Täby", "Stockholm: Bromma"], counts, STATUSES, "Åtaganden", "Status per kommun.", FONTS)


def test_charts_are_byte_stable():
    first, second = bars(), bars()
    assert first.png == second.png and first.svg == second.svg
    assert first.png.startswith(b"\x89PNG") and b"<svg" in first.svg
    assert b"Software" not in first.png and b"<dc:date>" not in first.svg
    matrix = [status_matrix(["A-1", "A-2"], ["Täby", "Solna"], [["Pågår", None], ["Ej ifyllt", "Genomförd"]],
                            STATUSES, "Matris.", FONTS) for _ in range(2)]
    assert matrix[0].png == matrix[1].png and matrix[0].svg == matrix[1].svg


def test_text_is_drawn_as_paths_in_the_packaged_font():
    svg = bars().svg.decode()
    assert "<text" not in svg and "SourceSansPro" in svg.replace("-", "").replace(" ", "")


def test_colours_follow_the_status_order_and_not_filled_is_last():
    chosen = colours(STATUSES)
    assert chosen["Ej ifyllt"] == NOT_FILLED and len(set(chosen.values())) == len(STATUSES)


def test_a_chart_enters_the_intermediate_with_alt_text_and_both_formats():
    chart = bars()
    text = str(chart.markdown("fig-x"))
    assert text.startswith("![Status per kommun\\.](data:image/png;base64,")
    svg = text.split('svg="data:image/svg+xml;base64,')[1].split('"')[0]
    assert base64.b64decode(svg) == chart.svg and "{#fig-x " in text
