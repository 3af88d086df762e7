"""kill -9 of the terminal process mid-load, then a restart: every request file gets exactly
one result, and central ran each request exactly once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from onshi import wire
from onshi.store.schema import audit_events, terminal_requests
from tests.central.test_api import request_xml
from tests.terminal.conftest import FACILITY, TlsCentral
from tests.terminal.test_agent import count, results_in

FILES = 30


def start_terminal(root: Path, central: TlsCentral, credentials: Path) -> subprocess.Popen[bytes]:
    onshi = Path(sys.executable).with_name("onshi")
    command = [
        str(onshi), "terminal", "run", "--facility", FACILITY, "--central", central.url, "--root", str(root),
        "--cert", str(credentials / "terminal.crt"), "--key", str(credentials / "terminal.key"),
    ]  # fmt: skip
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wait_for(condition, timeout: float = 60) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


def test_kill_9_mid_load_loses_and_duplicates_nothing(tls_central: TlsCentral, tmp_path: Path) -> None:
    tls_central.credentials(tmp_path / "cred")
    root = tmp_path / "terminal"
    (root / "req").mkdir(parents=True)
    for n in range(FILES):
        (root / "req" / f"OQSsiquc01req_{n:04d}.xml").write_bytes(request_xml(FACILITY, "456", f"id-{n}"))
    terminal = start_terminal(root, tls_central, tmp_path / "cred")
    try:
        assert wait_for(lambda: len(results_in(root)) >= 3)
    finally:
        os.kill(terminal.pid, signal.SIGKILL)
        terminal.wait()
    assert len(results_in(root)) < FILES, "the kill came too late to test anything"
    terminal = start_terminal(root, tls_central, tmp_path / "cred")
    try:
        assert wait_for(lambda: len(results_in(root)) == FILES)
        time.sleep(0.5)  # anything written twice would show up now
    finally:
        terminal.terminate()
        terminal.wait(timeout=15)
    assert results_in(root) == sorted(f"OQSsiquc01res_{n:04d}.xml" for n in range(FILES))
    for n in range(FILES):
        data = (root / "res" / f"OQSsiquc01res_{n:04d}.xml").read_bytes()
        document = wire.parse(data, wire.MessageKind.SINGLE_INQUIRY_RESULT, lenient=True).document
        assert document["MessageHeader"]["ArbitraryFileIdentifier"] == f"id-{n}"
    assert count(tls_central, terminal_requests) == FILES
    assert count(tls_central, audit_events, audit_events.c.action == "confirm.numbers") == FILES
    assert not [p for p in (root / "res").iterdir() if p.name.startswith(".")]
