"""The CLI, its CSV and JSON, the API (JSON and CSV) and the operator's pages show the same
figures for the same question — on both databases."""

from __future__ import annotations

import csv
import io
from typing import Any

import orjson
from lxml import html

from onshi.services.stats_report import BOM, Column, Kind, csv_cell, display
from tests.cli.conftest import Cli
from tests.stats_web.conftest import LiveStats

QUESTIONS = [
    # (CLI arguments, API path and query, page path and table id)
    (["adoption", "--as-of", "2024-03-01", "--by", "prefecture", "--type", "pharmacy"],
     "/api/v1/operator/stats/adoption?as_of=2024-03-01&by=prefecture&type=pharmacy",
     "/operator/stats/?as_of=2024-03-01&type=pharmacy", "by-prefecture"),
    (["adoption", "--as-of", "2024-03-01", "--ranking"], "/api/v1/operator/stats/adoption/ranking?as_of=2024-03-01",
     "/operator/stats/?as_of=2024-03-01", "ranking"),
    (["usage", "--from", "2023-10", "--to", "2024-07", "--by", "month"],
     "/api/v1/operator/stats/usage?from=2023-10&to=2024-07&by=month",
     "/operator/stats/usage?from=2023-10&to=2024-07", "by-month"),
    (["utilisation", "--month", "2024-05", "--by", "prefecture"],
     "/api/v1/operator/stats/utilisation?month=2024-05&by=prefecture",
     "/operator/stats/utilisation?month=2024-05&by=prefecture", "rates"),
]  # fmt: skip


def columns(document: dict[str, Any]) -> list[Column]:
    return [Column(c["key"], c["label_ja"], c["label_en"], Kind(c["kind"])) for c in document["columns"]]


def page_table(client: Any, path: str, table_id: str) -> list[list[str]]:
    response = client.get(path)
    assert response.status_code == 200, response.text[:300]
    (table,) = html.fromstring(response.text).xpath(f"//table[@id='{table_id}']")
    return [
        [cell.text_content().strip() for cell in row.xpath("./th|./td")] for row in table.xpath("./tbody/tr")
    ]


def test_every_output_shows_the_same_figures(live_stats: LiveStats, database_url: str) -> None:
    """(One world per database for both halves: building it is the slow part.)"""
    onshi = Cli(database_url)
    with (
        live_stats.central.client(live_stats.world.operator_key) as api,
        live_stats.operator_session() as pages,
    ):
        for question in QUESTIONS:
            agree(onshi, api, pages, *question)
    facility_agrees(live_stats, onshi)


def agree(
    onshi: Cli, api: Any, pages: Any, cli_args: list[str], api_path: str, page_path: str, table_id: str
) -> None:
    """One question: the same rows everywhere, each output in its own form."""
    document = orjson.loads(onshi("stats", *cli_args, "--json").stdout)
    assert document["rows"], cli_args
    answered = api.get(api_path)
    assert answered.status_code == 200, answered.text
    assert answered.json() == document, api_path  # the API answers what the CLI prints
    keys = columns(document)
    exported = onshi("stats", *cli_args, "--csv").stdout
    downloaded = api.get(api_path + "&format=csv")
    assert downloaded.headers["content-type"].startswith("text/csv")
    text = downloaded.content.decode("utf-8")
    assert "\r\n" in text and "\n" not in text.replace("\r\n", "")  # CRLF lines (Click's runner gives \n)
    assert text.replace("\r\n", "\n") == exported  # the same text, BOM first
    assert exported.startswith(BOM)
    header, *body = list(csv.reader(io.StringIO(exported[1:])))
    assert header == [c.heading for c in keys]
    assert body == [[csv_cell(c, row[c.key]) for c in keys] for row in document["rows"]]
    shown = [[display(c, row[c.key]) for c in keys] for row in document["rows"]]
    assert page_table(pages, page_path, table_id) == shown, page_path
    table = onshi("stats", *cli_args).stdout
    for row in shown:  # the Rich table prints every cell
        assert all(cell in table for cell in row), row


def facility_agrees(live_stats: LiveStats, onshi: Cli) -> None:
    """The facility sees (API, my page) what the operator sees of it (CLI, API)."""
    world = live_stats.world
    printed = orjson.loads(onshi("stats", "utilisation", "--facility", world.facility_code, "--json").stdout)
    with (
        live_stats.central.client(world.operator_key) as operator,
        live_stats.central.client(world.facility_key) as own,
    ):
        by_operator = operator.get(
            f"/api/v1/operator/stats/facilities/{world.facility_code}/utilisation"
        ).json()
        assert by_operator == own.get("/api/v1/facility/stats/utilisation").json() == printed
    assert any(row["rate"] is not None for row in printed["rows"])
    keys = columns(printed)
    with live_stats.central.client() as mypage:
        login = {"facility_code": world.facility_code, "api_key": world.facility_key}
        assert mypage.post("/mypage/login", data=login).status_code == 303
        assert page_table(mypage, "/mypage/", "facility") == [
            [display(c, r[c.key]) for c in keys] for r in printed["rows"]
        ]
