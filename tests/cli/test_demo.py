"""`onshi demo` as a newcomer runs it: the printed commands give the promised validity codes."""

from __future__ import annotations

import os
import re
import shlex
import signal
import subprocess
import time
from pathlib import Path

import httpx

from onshi import wire
from tests.central.conftest import free_port
from tests.cli.conftest import ONSHI


def test_demo_prints_working_copy_paste_commands(tmp_path: Path) -> None:
    port = free_port()
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
        assert (tmp_path / "demo" / "onshi.db").exists()
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


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
