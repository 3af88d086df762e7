"""The statistics' charts, drawn with matplotlib (object API, no pyplot state, Agg — safe in
server threads) and returned as SVG (text as paths, so no font is needed to view them) or PNG:

* adoption by prefecture as bars (the 47 in JIS order) and as a tile map of Japan, one square
  per prefecture placed roughly where it lies, coloured by the rate;
* the monthly usage trend, stacked by method;
* a facility's monthly utilisation rate with its card users.

Japanese text uses IPAexGothic, the font file shipped inside `japanize-matplotlib`.
"""

from __future__ import annotations

import importlib.util
import io
from collections.abc import Mapping, Sequence
from decimal import Decimal
from functools import cache
from pathlib import Path

from matplotlib import colormaps
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.cm import ScalarMappable
from matplotlib.colors import Colormap, Normalize
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.patches import Rectangle

from onshi.domain.prefectures import PREFECTURES

INK, MUTED, ACCENT = "#1a1a1a", "#767676", "#0b4f8a"
# Colour-blind-safe series colours (Okabe–Ito), each also told apart by hatching in the legend.
SERIES = ("#0072B2", "#56B4E9", "#E69F00", "#999999")
HATCHES = ("", "//", "..", "xx")

# (column, row) of each prefecture's tile, JIS order; north-east at the top right, Okinawa at
# the bottom left, neighbours next to each other where a grid allows.
TILES = (
    (12, 0),  # 北海道
    (12, 1), (12, 2), (12, 3), (11, 2), (11, 3), (11, 4),  # 青森 岩手 宮城 秋田 山形 福島
    (12, 5), (11, 5), (10, 5), (10, 6), (12, 6), (11, 6), (10, 7),  # 茨城 栃木 群馬 埼玉 千葉 東京 神奈川
    (10, 4), (9, 4), (8, 4), (7, 5), (9, 6), (9, 5),  # 新潟 富山 石川 福井 山梨 長野
    (8, 5), (9, 7), (8, 6),  # 岐阜 静岡 愛知
    (7, 7), (7, 6), (6, 5), (5, 6), (5, 5), (6, 6), (6, 7),  # 三重 滋賀 京都 大阪 兵庫 奈良 和歌山
    (4, 5), (3, 5), (4, 6), (3, 6), (2, 6),  # 鳥取 島根 岡山 広島 山口
    (5, 7), (4, 7), (3, 7), (4, 8),  # 徳島 香川 愛媛 高知
    (1, 6), (0, 6), (0, 7), (1, 7), (2, 7), (2, 8), (1, 8),  # 福岡 佐賀 長崎 熊本 大分 宮崎 鹿児島
    (0, 10),  # 沖縄
)  # fmt: skip


@cache
def _font_path() -> Path | None:
    spec = importlib.util.find_spec("japanize_matplotlib")
    for location in (spec.submodule_search_locations or []) if spec else []:
        candidate = Path(location) / "fonts" / "ipaexg.ttf"
        if candidate.is_file():
            return candidate
    return None


def _font(size: float, bold: bool = False) -> FontProperties:
    path = _font_path()
    weight = "bold" if bold else "normal"
    return (
        FontProperties(fname=path, size=size, weight=weight)
        if path
        else FontProperties(size=size, weight=weight)
    )


def _figure(width: float, height: float) -> Figure:
    figure = Figure(figsize=(width, height), dpi=100)
    FigureCanvasAgg(figure)
    return figure


def _render(figure: Figure, kind: str) -> bytes:
    buffer = io.BytesIO()
    metadata = {"Date": None} if kind == "svg" else {}
    figure.savefig(buffer, format=kind, bbox_inches="tight", metadata=metadata)
    return buffer.getvalue()


def _short(name_ja: str) -> str:
    """東京都 → 東京, 北海道 stays."""
    return name_ja if name_ja == "北海道" else name_ja[:-1]


def _style_axes(axes: object) -> None:
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)  # type: ignore[attr-defined]
    axes.tick_params(colors=INK, labelsize=9)  # type: ignore[attr-defined]


def prefecture_bars(
    rates: Mapping[str, Decimal | None], title: str, overall: Decimal | None, kind: str = "svg"
) -> bytes:
    """Bars of the rate of every prefecture (JIS order) and a line at the national rate."""
    figure = _figure(12, 4.6)
    axes = figure.add_subplot()
    codes = [p.code for p in PREFECTURES]
    values = [float(rate) if (rate := rates.get(c)) is not None else 0.0 for c in codes]
    bars = axes.bar(range(len(codes)), values, color=ACCENT, width=0.7)
    for bar, code in zip(bars, codes, strict=True):
        if rates.get(code) is None:
            bar.set_facecolor("none")
            bar.set_edgecolor(MUTED)
    axes.set_xticks(range(len(codes)))
    axes.set_xticklabels([_short(p.name_ja) for p in PREFECTURES], rotation=90, fontproperties=_font(9))
    low = min((v for v in values if v > 0), default=0.0)
    axes.set_ylim(max(0.0, (low // 10) * 10 - 10), 100)
    axes.set_ylabel("%", fontproperties=_font(10))
    if overall is not None:
        axes.axhline(float(overall), color=INK, linestyle="--", linewidth=1)
        axes.text(len(codes) - 0.5, float(overall) + 0.4, f"全国 {overall}%", ha="right", va="bottom",
                  fontproperties=_font(9), color=INK)  # fmt: skip
    axes.set_title(title, fontproperties=_font(12, bold=True), loc="left", color=INK)
    _style_axes(axes)
    axes.grid(axis="y", color="#dddddd", linewidth=0.6)
    axes.set_axisbelow(True)
    return _render(figure, kind)


def prefecture_map(rates: Mapping[str, Decimal | None], title: str, kind: str = "svg") -> bytes:
    """The tile map: each prefecture a square at its place, coloured by its rate (a legend bar
    below), its name and rate written on it."""
    figure = _figure(7.5, 7.2)
    axes = figure.add_axes((0.02, 0.12, 0.96, 0.8))
    known = [float(v) for v in rates.values() if v is not None]
    # From the lowest rate down to a multiple of 5, up to 100 %: the same colour means the same
    # rate on every map with a similar spread.
    low = min(95.0, (min(known) // 5) * 5) if known else 0.0
    norm, palette = Normalize(low, 100.0), colormaps["viridis"]
    for prefecture, (column, row) in zip(PREFECTURES, TILES, strict=True):
        rate = rates.get(prefecture.code)
        level = None if rate is None else float(norm(float(rate)))
        colour = palette(level) if level is not None else "#ffffff"
        axes.add_patch(Rectangle((column, -row), 0.94, 0.94, facecolor=colour, edgecolor=INK, linewidth=0.6))
        text = INK if level is None or level > 0.55 else "#ffffff"
        axes.text(column + 0.47, -row + 0.62, _short(prefecture.name_ja), ha="center", va="center",
                  fontproperties=_font(7.5, bold=True), color=text)  # fmt: skip
        axes.text(column + 0.47, -row + 0.27, "—" if rate is None else f"{rate}", ha="center", va="center",
                  fontproperties=_font(7.5), color=text)  # fmt: skip
    axes.set_xlim(-0.2, 13.2)
    axes.set_ylim(-10.2, 1.1)
    axes.set_aspect("equal")
    axes.axis("off")
    axes.set_title(title, fontproperties=_font(12, bold=True), loc="left", color=INK)
    legend = figure.add_axes((0.25, 0.07, 0.5, 0.025))
    bar = figure.colorbar(_mappable(norm, palette), cax=legend, orientation="horizontal")
    bar.set_label("%（白：該当施設なし）", fontproperties=_font(9))
    bar.ax.tick_params(labelsize=8)
    return _render(figure, kind)


def _mappable(norm: Normalize, palette: Colormap) -> ScalarMappable:
    return ScalarMappable(norm=norm, cmap=palette)


def stacked_months(
    months: Sequence[str],
    series: Sequence[tuple[str, Sequence[int]]],
    title: str,
    unit: str = "件",
    kind: str = "svg",
) -> bytes:
    """Stacked bars per month, one colour and hatch per series, the legend above."""
    figure = _figure(10, 4.4)
    axes = figure.add_subplot()
    bottom = [0] * len(months)
    for index, (label, values) in enumerate(series):
        axes.bar(months, values, bottom=bottom, label=label, color=SERIES[index % len(SERIES)],
                 hatch=HATCHES[index % len(HATCHES)], edgecolor="#ffffff", linewidth=0.5)  # fmt: skip
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    axes.set_title(title, fontproperties=_font(12, bold=True), loc="left", color=INK)
    axes.set_ylabel(unit, fontproperties=_font(10))
    axes.legend(prop=_font(9), frameon=False, ncols=len(series), loc="upper left", bbox_to_anchor=(0, -0.12))
    axes.yaxis.set_major_formatter(lambda value, _: f"{value:,.0f}")
    for tick in axes.get_xticklabels():
        tick.set_fontproperties(_font(9))
    _style_axes(axes)
    axes.grid(axis="y", color="#dddddd", linewidth=0.6)
    axes.set_axisbelow(True)
    return _render(figure, kind)


def rate_trend(months: Sequence[str], rates: Sequence[Decimal | None], users: Sequence[int], title: str,
               kind: str = "svg") -> bytes:  # fmt: skip
    """A facility's months: card users as bars (left axis), the utilisation rate as a line with
    its values written on it (right axis); a month without claims has no point."""
    figure = _figure(10, 4.2)
    axes = figure.add_subplot()
    axes.bar(months, users, color="#9ecae1", label="マイナ保険証利用人数（名寄せ後）")
    axes.set_ylabel("人", fontproperties=_font(10))
    line = axes.twinx()
    points = [(m, float(r)) for m, r in zip(months, rates, strict=True) if r is not None]
    if points:
        line.plot([m for m, _ in points], [r for _, r in points], color=ACCENT, marker="o", linewidth=2,
                  label="利用率（%）")  # fmt: skip
        for month, rate in points:
            line.annotate(f"{rate:.1f}%", (month, rate), textcoords="offset points", xytext=(0, 7), ha="center",
                          fontproperties=_font(8), color=ACCENT)  # fmt: skip
        line.set_ylim(0, max(r for _, r in points) * 1.25 + 1)
    line.set_ylabel("%", fontproperties=_font(10))
    axes.set_title(title, fontproperties=_font(12, bold=True), loc="left", color=INK)
    handles = axes.get_legend_handles_labels()[0] + line.get_legend_handles_labels()[0]
    labels = axes.get_legend_handles_labels()[1] + line.get_legend_handles_labels()[1]
    axes.legend(
        handles, labels, prop=_font(9), frameon=False, loc="upper left", bbox_to_anchor=(0, -0.12), ncols=2
    )
    for tick in axes.get_xticklabels():
        tick.set_fontproperties(_font(9))
    _style_axes(axes)
    line.spines["top"].set_visible(False)
    return _render(figure, kind)
