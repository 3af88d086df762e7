"""`onshi calc addon|subsidy|programs|transitional` through Typer's CliRunner: the seed's figures in
--json (every intermediate step), the Rich tables, and bad input ending with exit 2, never a traceback."""

from __future__ import annotations

import json
from typing import Any

import pytest
from typer.testing import CliRunner

from onshi.cli import app

runner = CliRunner()


def calc(*args: str) -> Any:
    """Run `onshi calc … --json` and parse its output."""
    result = runner.invoke(app, ["calc", *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def refused(*args: str) -> str:
    result = runner.invoke(app, ["calc", *args])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    return result.stderr


SEED_CLINIC = (
    "addon", "--facility-type", "medical_clinic", "--per", "day", "--first-visits", "3", "--revisits", "20",
    "--days-per-month", "20", "--card-rate", "42.4", "--as-of", "2022-06-01",
)  # fmt: skip
SEED_PHARMACY = (
    "addon", "--facility-type", "pharmacy", "--per", "month", "--patients", "795", "--card-rate", "42.4",
    "--as-of", "令和4年6月1日",
)  # fmt: skip


def test_addon_json_reproduces_the_seed_clinic() -> None:
    document = calc(*SEED_CLINIC)
    with_card = document["with_card"]
    assert [term["exact_points"] for term in with_card["terms"]] == ["8.904", "33.920"]
    assert (with_card["exact_points"], with_card["points"], with_card["yen"]) == ("42.824", 43, 430)
    assert (with_card["yen_per_month"], with_card["yen_per_year"]) == (8_600, 103_200)
    assert document["insurance_card_only"]["yen_per_year"] == 21_600
    assert document["rules"]["first_visit_points"] == 7
    assert document["visits"]["card_rate_percent"] == "42.4"


def test_addon_json_reproduces_the_seed_pharmacy() -> None:
    document = calc(*SEED_PHARMACY)
    assert document["as_of"] == "2022-06-01"
    assert (document["with_card"]["points"], document["with_card"]["yen_per_month"]) == (1_011, 10_110)
    assert document["with_card"]["yen_per_year"] == 121_320
    assert document["insurance_card_only"]["yen_per_year"] == 31_800


def test_addon_table() -> None:
    result = runner.invoke(app, ["calc", *SEED_PHARMACY])
    assert result.exit_code == 0, result.output
    assert "電子的保健医療情報活用加算" in result.stdout
    for figure in ("1,011", "10,110", "121,320", "31,800"):
        assert figure in result.stdout


def test_subsidy_json_has_every_step() -> None:
    document = calc(
        "subsidy", "home_visit", "--facility-type", "pharmacy", "--large-chain",
        "--cost", "mobile_device=50,000", "--cost", "receipt_computer=900000", "--cost", "card_reader=10000",
        "--as-of", "2024-06-01",
    )  # fmt: skip
    assert document["program"]["id"] == "home_visit" and document["subsidy_class"] == "large_chain_pharmacy"
    assert document["eligible"] is True and document["grant_yen"] == 85_000
    calculation = document["calculation"]
    assert [item["eligible_yen"] for item in calculation["items"]] == [41_000, 130_000]
    assert (calculation["eligible_cost_yen"], calculation["rate"], calculation["cost_times_rate_yen"]) == (
        171_000,
        "1/2",
        85_500,
    )
    assert (calculation["limit_yen"], calculation["limited_by"]) == (85_000, "limit")
    assert [line["counted"] for line in document["lines"]] == [True, True, False]
    assert document["tier"]["project_cap_yen"] == 171_000
    assert document["table_version"]


def test_subsidy_reasons_when_not_eligible() -> None:
    document = calc(
        "subsidy", "card_integration", "--facility-type", "dental_clinic", "--operating-since", "2022-01-01",
        "--uses", "2023-11=520", "--rate", "2023-10=4", "--rate", "2024-01=7", "--rate", "2024-02=10",
        "--as-of", "2024-03-01",
    )  # fmt: skip
    assert document["eligible"] is False and document["grant_yen"] == 0
    checks = {check["requirement"]: check for check in document["checks"]}
    assert checks["uses_total"]["met"] is True
    assert checks["rate_increase"]["met"] is False
    assert "+4.50" in checks["rate_increase"]["note"]["en"]


def test_subsidy_table() -> None:
    result = runner.invoke(
        app,
        [
            "calc",
            "subsidy",
            "online_care",
            "--facility-type",
            "medical_clinic",
            "--cost",
            "receipt_computer=130000",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "対象 eligible" in result.stdout and "97,000円" in result.stdout and "97,500円" in result.stdout


def test_programs_lists_the_table() -> None:
    document = calc("programs")
    assert [p["id"] for p in document["programs"]][:4] == [
        "system_introduction",
        "visiting_nursing",
        "home_visit",
        "online_care",
    ]
    listing = runner.invoke(app, ["calc", "programs"])
    assert listing.exit_code == 0 and "card_reader_extension" in listing.stdout


def test_transitional_json() -> None:
    document = calc(
        "transitional", "--facility-type", "visiting_nursing", "--category", "system_in_progress",
        "--filed-on", "2024-11-15", "--vendor-contract-on", "2024-10-20", "--as-of", "2025-03-01",
    )  # fmt: skip
    assert document["status"] == "transitional"
    assert (document["obligation_date"], document["latest_end"], document["vendor_contract_cutoff"]) == (
        "2024-12-02",
        "2025-05-31",
        "2024-10-31",
    )
    assert document["deadline"]["until"] == "2025-05-31" and document["days_left"] == 91
    assert document["input"]["notification"]["vendor_contract_on"] == "2024-10-20"


def test_transitional_table_and_statuses() -> None:
    paper = runner.invoke(
        app,
        [
            "calc",
            "transitional",
            "--facility-type",
            "medical_clinic",
            "--paper-claims",
            "--as-of",
            "2024-05-01",
        ],
    )
    assert paper.exit_code == 0 and "overdue" in paper.stdout and "再届出" in paper.stdout
    elder = calc(
        "transitional", "--facility-type", "visiting_nursing", "--category", "special_difficulty",
        "--filed-on", "2024-11-15", "--staff-birthdate", "1953-04-01", "--staff-birthdate", "S25.1.1",
        "--as-of", "2025-08-01",
    )  # fmt: skip
    assert elder["status"] == "transitional" and elder["deadline"]["until"] is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("addon", "--facility-type", "pharmacy", "--per", "month", "--card-rate", "abc"),
            "数値ではありません",
        ),
        (("addon", "--facility-type", "visiting_nursing", "--per", "month"), "訪問看護"),
        (("addon", "--facility-type", "medical_clinic", "--per", "day", "--first-visits", "3"), "診療日数"),
        (("subsidy", "home_visit", "--facility-type", "hospital", "--cost", "sofa=1"), "費目"),
        (("subsidy", "home_visit", "--facility-type", "hospital", "--cost", "mobile_device"), "KEY=VALUE"),
        (("subsidy", "home_visit", "--facility-type", "hospital", "--cost", "mobile_device=-5"), "整数"),
        (("subsidy", "nothing", "--facility-type", "hospital"), "補助金"),
        (
            ("subsidy", "card_reader_extension", "--facility-type", "hospital", "--cost", "card_reader=1"),
            "発生日",
        ),
        (("subsidy", "card_integration", "--facility-type", "hospital", "--uses", "2023-13=1"), "uses"),
        (("subsidy", "home_visit", "--facility-type", "hospital", "--large-chain"), "大型チェーン"),
        (
            (
                "transitional",
                "--facility-type",
                "pharmacy",
                "--category",
                "home_visit_only",
                "--filed-on",
                "2023-03-01",
            ),
            "経過措置にありません",
        ),
        (("transitional", "--facility-type", "pharmacy", "--category", "closure"), "--filed-on"),
        (("transitional", "--facility-type", "pharmacy", "--filed-on", "2023-03-01"), "--category"),
        (
            ("transitional", "--facility-type", "pharmacy", "--obligation", "online_claims"),
            "資料にありません",
        ),
        (("transitional", "--facility-type", "pharmacy", "--as-of", "2023-02-30"), "as_of"),
    ],
)
def test_bad_input_is_a_message_not_a_traceback(args: tuple[str, ...], message: str) -> None:
    assert message in refused(*args)


def test_typer_refuses_unknown_choices_with_exit_2() -> None:
    result = runner.invoke(app, ["calc", "addon", "--facility-type", "clinic", "--per", "day"])
    assert result.exit_code == 2 and "Traceback" not in result.output


@pytest.mark.parametrize("command", ["addon", "subsidy", "transitional", "programs"])
def test_help_is_in_japanese_and_english(command: str) -> None:
    result = runner.invoke(app, ["calc", command, "--help"])
    assert result.exit_code == 0
    assert "--json" in result.stdout
    assert any("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" for ch in result.stdout)
