"""`onshi demo` as a newcomer runs it: the printed commands give the promised validity codes."""

from __future__ import annotations

import os
import re
import shlex
import signal
import socket
import subprocess
import threading
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from onshi import wire
from tests.central.conftest import free_port_block
from tests.cli.conftest import ONSHI


def test_demo_prints_working_copy_paste_commands(tmp_path: Path) -> None:
    port = free_port_block(3)  # central, central over mutual TLS, the desk
    log = tmp_path / "demo.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [str(ONSHI), "demo", "--dir", str(tmp_path / "demo"), "--port", str(port), "--persons", "800"],
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env={**os.environ, "COLUMNS": "80"},
        )
    try:
        deadline = time.monotonic() + 90
        while "Ctrl-C stops" not in log.read_text() or not _up(port):
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.3)
        text = log.read_text()
        expectations = re.findall(r"^# .*\[(\d)\]\ncurl (.*)$", text, re.MULTILINE)
        assert [code for code, _ in expectations] == ["1", "2", "3", "4"]
        for code, curl in expectations:
            headers, body, url = _curl(shlex.split(curl))
            response = httpx.post(url, content=body.encode(), headers=headers)
            assert response.json()["XmlMsg"]["MessageBody"]["QualificationValidity"] == code
        assert (tmp_path / "demo" / "demo.txt").read_text().strip() in text
        _check_terminal(text)
        _check_bulk(text)
        _check_reader(text, tmp_path)
        _check_desk(text)
        _check_operator(text)
        assert (tmp_path / "demo" / "onshi.db").exists()
    finally:
        _stop(process)


def test_demo_refuses_a_busy_port_at_once(tmp_path: Path) -> None:
    """A port taken by another program is a one-line error before seeding, not a hang."""
    port = free_port_block(3)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", port + 1))
        taken.listen()
        done = subprocess.run(
            [str(ONSHI), "demo", "--dir", str(tmp_path / "demo"), "--port", str(port)],
            capture_output=True, text=True, timeout=60, env={**os.environ, "COLUMNS": "200"},
        )  # fmt: skip
    assert done.returncode == 2
    assert f"port {port + 1} is in use" in done.stdout, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert not (tmp_path / "demo" / "onshi.db").exists()


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Ctrl-C as a user would; a demo that does not stop is killed, and the test fails on it."""
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
        raise


def _check_terminal(text: str) -> None:
    """The printed `cp` drops a request into the terminal's req folder; its result follows."""
    copy = re.search(r"^  cp (\S+) (\S+)/$", text, re.MULTILINE)
    shown = re.search(r"^  cat (\S+) \|", text, re.MULTILINE)
    assert copy and shown, text
    source, folder = Path(copy.group(1)), Path(copy.group(2))
    (folder / source.name).write_bytes(source.read_bytes())
    result = Path(shown.group(1))
    deadline = time.monotonic() + 10
    while not result.exists():
        assert time.monotonic() < deadline, f"no result at {result}"
        time.sleep(0.05)
    parsed = wire.parse(result.read_bytes(), wire.MessageKind.SINGLE_INQUIRY_RESULT, lenient=True)
    assert parsed.document["MessageBody"]["QualificationValidity"] == "2"  # demo2 is the lost one


def _wait_for(path: Path, seconds: float = 15) -> bytes:
    deadline = time.monotonic() + seconds
    while not path.exists():
        assert time.monotonic() < deadline, f"nothing at {path}"
        time.sleep(0.05)
    return path.read_bytes()


def _run_printed(command: str) -> str:
    arguments = shlex.split(command)
    assert arguments[0] == ".venv/bin/onshi"
    done = subprocess.run([str(ONSHI), *arguments[1:]], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def _check_bulk(text: str) -> None:
    """The printed bulk upload is answered with a receipt; the printed fetch gets the results."""
    copy = re.search(r"^  cp (\S+OQSmuquc01req_demo.xml) (\S+)/$", text, re.MULTILINE)
    fetch = re.search(r"^  (\.venv/bin/onshi terminal fetch .*)$", text, re.MULTILINE)
    assert copy and fetch, text
    source, folder = Path(copy.group(1)), Path(copy.group(2))
    (folder / source.name).write_bytes(source.read_bytes())
    _wait_for(folder.parent / "res" / "OQSmuquc01res_demo.xml")
    for _ in range(50):  # 処理中 until the demo's worker is done: ask again, as a receipt computer would
        wrote = re.search(r"result: (\S+)", _run_printed(fetch.group(1)))
        assert wrote, "fetch printed no result name"
        data = _wait_for(Path(wrote.group(1)))
        document = wire.parse(data, wire.MessageKind.BULK_INQUIRY_RESULT).document
        if document["MessageHeader"]["SegmentOfResult"] == "1":
            break
        time.sleep(0.3)
    units = document["MessageBody"]["BulkConfirmUnit"]
    assert [u["QualificationValidity"] for u in units] == ["1", "2", "3", "4"]


def _check_reader(text: str, tmp_path: Path) -> None:
    """The printed reader command with the demo card writes a face result file."""
    command = re.search(r"^  (\.venv/bin/onshi reader .*)$", text, re.MULTILINE)
    pin = re.search(r"demo My Number Card \(PIN (\d{4})\)", text)
    assert command and pin, text
    _run_printed(f"{command.group(1)} --pin {pin.group(1)} --consent all --register")
    terminal = tmp_path / "demo" / "terminal"
    files: list[Path] = []
    deadline = time.monotonic() + 10
    while not files:  # in face/ until the desk has read it, then in trash/
        folders = [terminal / "face", terminal / "trash"]
        files = [
            p for f in folders if f.exists() for p in f.iterdir() if p.name.startswith("OQSsiquc01res_face")
        ]
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert len(files) == 1
    data = _read_moving(files[0], terminal / "trash")
    document = wire.parse(data, wire.MessageKind.SINGLE_INQUIRY_RESULT, lenient=True).document
    assert document["MessageBody"]["QualificationValidity"] == "1"
    _check_clinical(text)


def _check_clinical(text: str) -> None:
    """After the reader's consent (--consent all), the printed clinical view shows the demo records."""
    curl = re.search(r"^  curl (.*/api/v1/clinical/medication/search)$", text, re.MULTILINE)
    assert curl, text
    headers, body, url = _curl(shlex.split(curl.group(1)))
    page = httpx.post(url, content=body.encode(), headers=headers).json()
    assert page["basis"] == "consent" and page["total"] == 12, page
    assert page["records"][0]["drug_name"].startswith(("アムロジピン", "メトホルミン"))


def _read_moving(path: Path, trash: Path) -> bytes:
    """A face file's bytes, also when the desk moved it to trash/ between finding and reading it."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return _wait_for(trash / path.name)


def _check_desk(text: str) -> None:
    """The printed desk URL and login work, and the card-reader confirmation is on its list."""
    found = re.search(r"\(受付\) of the demo clinic: (\S+)  \(login (\S+) / (\S+)\)", text)
    assert found, text
    url, login, password = found.groups()
    with httpx.Client(base_url=url, follow_redirects=True, timeout=10) as client:
        page = client.post("/login", data={"login": login, "password": password, "next": "/"})
        deadline = time.monotonic() + 10
        while "カードリーダー" not in page.text:
            assert time.monotonic() < deadline, page.text
            time.sleep(0.2)
            page = client.get("/")


def _check_operator(text: str) -> None:
    """The printed operator key opens the portal and the statistics; the printed stats commands run."""
    portal = re.search(r"^  (\S+)/portal/login +operator (\S+), key (\S+)$", text, re.MULTILINE)
    assert portal, text
    base, name, key = portal.groups()
    body = {"role": "operator", "login": name, "password": key}
    assert httpx.post(f"{base}/api/v1/portal/sessions", json=body).status_code == 201
    adoption = httpx.get(f"{base}/api/v1/operator/stats/adoption", headers={"Authorization": f"Bearer {key}"})
    assert adoption.status_code == 200, adoption.text
    commands = re.findall(r"^  ONSHI_DATABASE_URL=(\S+) (\.venv/bin/onshi stats .*)$", text, re.MULTILINE)
    assert len(commands) == 2, text
    for url, printed in commands:
        arguments = shlex.split(printed)
        done = subprocess.run(
            [str(ONSHI), *arguments[1:]],
            capture_output=True, text=True, timeout=60, env={**os.environ, "ONSHI_DATABASE_URL": url},
        )  # fmt: skip
        assert done.returncode == 0, done.stdout + done.stderr


def _curl(arguments: list[str]) -> tuple[dict[str, str], str, str]:
    """The headers, body and URL of a printed `curl -s -H … -H … -d … URL` command."""
    headers, body, rest = {}, "", iter(arguments)
    for argument in rest:
        if argument == "-H":
            name, value = next(rest).split(": ", 1)
            headers[name] = value
        elif argument == "-d":
            body = next(rest)
        elif not argument.startswith("-"):
            url = argument
    return headers, body, url


def _up(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def test_a_server_that_cannot_start_stops_the_whole_demo(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One of the demo's servers failing its start-up (here the desk) stops the others and the
    terminal, and the demo says which and exits 1 — it does not stay half up."""
    from contextlib import asynccontextmanager

    from starlette.applications import Starlette
    from typer.testing import CliRunner

    from onshi.cli import app
    from onshi.desk import web

    @asynccontextmanager
    async def broken(_: Starlette) -> AsyncIterator[None]:
        raise RuntimeError("the desk's database is unusable")
        yield

    monkeypatch.setattr(web, "create_app", lambda *_: Starlette(lifespan=broken))
    port = free_port_block(3)
    outcome: list[Any] = []
    args = [
        "demo",
        "--dir",
        str(tmp_path / "demo"),
        "--port",
        str(port),
        "--persons",
        "60",
        "--facilities",
        "5",
    ]
    runner = threading.Thread(target=lambda: outcome.append(CliRunner().invoke(app, args)), daemon=True)
    runner.start()
    runner.join(timeout=120)
    assert not runner.is_alive(), "the demo stayed up with its desk down"
    (result,) = outcome
    assert result.exit_code == 1, result.output
    assert "desk failed to start" in " ".join(result.output.split())
    assert not _up(port)
