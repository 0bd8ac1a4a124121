"""Charts of the analytics dashboards as SVG drawn on the server (`{% bar_chart figure %}`): horizontal
bars, one per row of a `selectors.analytics.Figure`, each with its label above it and its value at
its end, so a chart reads at a glance, on a phone (the drawing scales with its width) and on paper
(black on white in print, static/css/analytics.css). Nothing is computed here but geometry: the
numbers are the figure's, the same ones its table alternative shows."""

from datetime import datetime

from django import template

register = template.Library()

WIDTH = 400  # the viewBox; the drawing scales to its box
LABEL_HEIGHT = 16
BAR_HEIGHT = 14
ROW_HEIGHT = LABEL_HEIGHT + BAR_HEIGHT + 8
VALUE_ROOM = 56  # room after the longest bar for its value
LABEL_LENGTH = 56


def _number(value) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


@register.inclusion_tag("admin/courses/analytics/_chart.html")
def bar_chart(figure, chart_id: str):
    values = figure.values()
    scale = figure.scale or max(values, default=0) or 1
    room = WIDTH - VALUE_ROOM
    bars = []
    for index, (row, value) in enumerate(zip(figure.rows, values, strict=True)):
        top = index * ROW_HEIGHT
        length = round(room * min(value, scale) / scale, 1) if value else 0
        label = str(row[0])
        bars.append(
            {
                "label": label if len(label) <= LABEL_LENGTH else label[: LABEL_LENGTH - 1] + "…",
                "value": _number(value) + figure.unit,
                "label_y": top + LABEL_HEIGHT - 4,
                "bar_y": top + LABEL_HEIGHT,
                "length": length,
                "value_x": length + 4,
                "value_y": top + LABEL_HEIGHT + BAR_HEIGHT - 3,
            }
        )
    return {
        "figure": figure,
        "id": chart_id,
        "bars": bars,
        "width": WIDTH,
        "height": max(len(bars), 1) * ROW_HEIGHT,
        "bar_height": BAR_HEIGHT,
    }


@register.filter
def is_moment(value) -> bool:
    return isinstance(value, datetime)


@register.filter
def number(value):
    return _number(value) if isinstance(value, int | float) and not isinstance(value, bool) else value
