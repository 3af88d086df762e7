"""`onshi stats`: seeded onboarding counted by day, the feeds with their reports, the rebuild,
and clear errors (exit 1 for rejected rows or months never built, 2 for bad options)."""

from __future__ import annotations

from pathlib import Path

import orjson

from tests.cli.conftest import Cli


def test_seeded_facilities_are_counted_by_the_day(onshi: Cli) -> None:
    onshi("seed", "--persons", "20", "--facilities", "400", "--as-of", "2023-10-01")
    later = orjson.loads(onshi("stats", "adoption", "--as-of", "2023-10-01", "--json").stdout)["rows"][-1]
    earlier = orjson.loads(onshi("stats", "adoption", "--as-of", "2022-04-01", "--json").stdout)["rows"][-1]
    obligated = orjson.loads(
        onshi("stats", "adoption", "--as-of", "2023-10-01", "--obligated", "--json").stdout
    )
    assert later["facilities"] == earlier["facilities"] == 400
    assert earlier["operating"] < later["operating"] <= later["connected"] <= 400
    assert 300 < obligated["rows"][-1]["facilities"] < 400 and obligated["params"]["obligated"] == "1"
    printed = onshi("stats", "adoption", "--as-of", "2023-10-01", "--by", "prefecture").stdout
    assert "北海道" in printed and "沖縄県" in printed and "合計" in printed


def test_feeds_rebuild_and_errors(onshi: Cli, tmp_path: Path) -> None:
    facilities = tmp_path / "facilities.csv"
    facilities.write_text(
        "facility_code,name,facility_type,connected_on,operating_on\n"
        "1310000017,さくら内科,medical_clinic,2023-01-10,2023-02-01\n"
        "1310000025,ほか内科,medical_clinic,2023-03-01,2023-02-01\n",
        encoding="utf-8",
    )
    rejected = onshi("stats", "import", "facilities", str(facilities), check=False)
    assert rejected.returncode == 1 and "line 3" in rejected.stdout and "1 rejected" in rejected.stdout
    claims = tmp_path / "claims.csv"
    claims.write_text("facility_code,billing_month,insurer_kind,outpatient_claims\n1310000017,2023-11,kokuho,40\n",
                      encoding="utf-8-sig")  # fmt: skip
    report = orjson.loads(onshi("stats", "import", "claims", str(claims), "--json").stdout)
    assert report["rows_loaded"] == 1 and report["rejected"] == []
    rebuilt = onshi("stats", "rebuild", "--month", "2023-10").stdout
    assert "2023-10: 0 facilities, 0 events" in rebuilt
    rates = orjson.loads(
        onshi("stats", "utilisation", "--month", "2023-10", "--by", "facility", "--json").stdout
    )
    clinic = next(row for row in rates["rows"] if row["group"] == "1310000017")
    assert (clinic["card_users"], clinic["claims"], clinic["rate"]) == (0, 40, "0.00")
    missing = onshi("stats", "usage", "--month", "2023-11", check=False)
    assert missing.returncode == 1 and "onshi stats rebuild --month 2023-11" in missing.stderr
    bad = onshi("stats", "adoption", "--by", "city", check=False)
    assert bad.returncode == 2 and "by" in bad.stderr
    unknown = onshi("stats", "import", "tickets", str(claims), check=False)
    assert unknown.returncode == 1 and "unknown feed" in unknown.stderr
