"""`onshi portal …`: the operator's side of the portal from the command line, on both databases."""

from __future__ import annotations

import json
from pathlib import Path

from cryptography import x509

from tests.central.conftest import free_port
from tests.cli.conftest import Cli
from tests.terminal.conftest import TlsCentral

CODE = "1341000011"


def test_accounts_review_status_bulk_and_reports(onshi: Cli, tmp_path: Path) -> None:
    onshi("db", "upgrade")
    created = onshi(
        "portal",
        "corporation",
        "add",
        "Sakura-Chain",
        "--name",
        "さくら薬局チェーン",
        "--email",
        "c@example.jp",
    )
    assert "sakura-chain created" in created.stdout and "initial password (shown once)" in created.stdout
    assert onshi("portal", "corporation", "key", "sakura-chain").stdout.strip().startswith("onshi_ck_")
    assert onshi("portal", "corporation", "key", "nobody", check=False).returncode == 1
    accounts = tmp_path / "accounts.csv"
    accounts.write_text(
        "facility_code,name,facility_type,email,corporation\n"
        f"{CODE},さくら薬局 本店,pharmacy,a@example.jp,sakura-chain\n"
        "1341000029,さくら薬局 駅前店,hospital,b@example.jp,sakura-chain\n",  # a hospital with a pharmacy code
        encoding="utf-8",
    )
    loaded = onshi("portal", "bulk", "accounts", str(accounts), "--json", check=False)
    report = json.loads(loaded.stdout)
    assert loaded.returncode == 1 and report["rows_loaded"] == 1
    assert [(r["line"], r["fields"]) for r in report["rejected"]] == [(3, ["facility_type"])]
    applications = tmp_path / "applications.csv"
    applications.write_text(
        f"facility_code,kind,readers,contact_name,phone\n{CODE},card_reader,1,薬局 太郎,03-1111-2222\n",
        encoding="utf-8",
    )
    assert "1 loaded" in onshi("portal", "bulk", "applications", str(applications)).stdout
    queue = json.loads(onshi("portal", "applications", "--json").stdout)
    assert [(a["facility_code"], a["kind"]) for a in queue] == [(CODE, "card_reader")]
    refused = onshi("portal", "return", str(queue[0]["id"]), "--reason", " ", check=False)
    assert refused.returncode == 1 and "reason_required" in refused.stderr
    assert (
        "returned"
        in onshi("portal", "return", str(queue[0]["id"]), "--reason", "台数を確認してください").stdout
    )
    again = onshi("portal", "approve", str(queue[0]["id"]), check=False)
    assert again.returncode == 1 and "already_decided" in again.stderr
    status = json.loads(onshi("portal", "status", CODE, "--json").stdout)
    assert status["stage"] == "card_reader_returned" and status["corporation"] == "sakura-chain"
    assert status["applications"][0]["return_reason"] == "台数を確認してください"
    assert "カードリーダー申込の差戻し" in onshi("portal", "status", CODE).stdout
    checked = json.loads(onshi("portal", "compliance", "--as-of", "2023-05-01", "--json").stdout)
    assert checked["counts"]["overdue"] == 1  # obliged from 2023-04-01, not operating, no notification
    assert json.loads(onshi("portal", "survey", "--json").stdout)["total"]["responses"] == 0
    assert "suspended" in onshi("portal", "account", "suspend", "sakura-chain", "--corporation").stdout
    assert onshi("portal", "account", "suspend", "1349999999", check=False).returncode == 1


def test_terminal_connection_test_exit_codes(onshi: Cli, tls_central: TlsCentral, tmp_path: Path) -> None:
    """`onshi terminal test`: 0 connected (here a certificate from `onshi facility cert`, no portal
    account), 3 refused (revoked), 4 central unreachable."""
    credentials = tls_central.credentials(tmp_path / "cred")
    args = ["terminal", "test", "--cert", str(credentials.certificate), "--key", str(credentials.key)]
    ok = onshi(*args, "--central", tls_central.url)
    assert "ポータルのアカウントはありません" in ok.stdout
    serial = format(x509.load_pem_x509_certificate(credentials.certificate.read_bytes()).serial_number, "x")
    onshi("facility", "cert", "revoke", serial)
    refused = onshi(*args, "--central", tls_central.url, check=False)
    assert refused.returncode == 3 and "revoked_certificate" in refused.stderr
    unreachable = onshi(*args, "--central", f"https://127.0.0.1:{free_port()}", check=False)
    assert unreachable.returncode == 4
