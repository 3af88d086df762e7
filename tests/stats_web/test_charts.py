"""The charts render as SVG images (and PNG), with a tile for each of the 47 prefectures."""

from __future__ import annotations

from decimal import Decimal

from lxml import etree

from onshi.domain.prefectures import PREFECTURES
from onshi.stats_web import charts

RATES = {p.code: Decimal(80) + Decimal(index) / 3 for index, p in enumerate(PREFECTURES)} | {"47": None}


def svg_root(data: bytes) -> etree._Element:
    root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert b"<script" not in data
    return root


def test_the_tile_map_has_one_tile_per_prefecture_placed_apart() -> None:
    assert len(charts.TILES) == len(set(charts.TILES)) == 47
    hokkaido, tokyo, okinawa = charts.TILES[0], charts.TILES[12], charts.TILES[46]
    assert hokkaido[0] > tokyo[0] > okinawa[0] and hokkaido[1] < tokyo[1] < okinawa[1]  # NE … SW
    root = svg_root(charts.prefecture_map(RATES, "参加率"))
    patches = root.xpath(
        "//svg:g[starts-with(@id, 'patch_')]", namespaces={"svg": "http://www.w3.org/2000/svg"}
    )
    assert len(patches) >= 47


def test_every_chart_renders() -> None:
    months = ["2024-01", "2024-02", "2024-03"]
    svg_root(charts.prefecture_bars(RATES, "参加率", Decimal("88.3")))
    svg_root(charts.stacked_months(months, [("カード", [1, 2, 3]), ("保険証等", [9, 8, 7])], "件数"))
    svg_root(charts.rate_trend(months, [Decimal("5.5"), None, Decimal("7.25")], [10, 12, 15], "利用率"))
    svg_root(charts.rate_trend([], [], [], "まだ集計がありません"))
    assert charts.prefecture_map({}, "該当なし", kind="png").startswith(b"\x89PNG")
