"""kill -9 of the terminal process mid-load, then a restart: every request file gets exactly
one result, and central ran each request exactly once."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from onshi import wire
from onshi.config import Settings
from onshi.store.schema import audit_events, terminal_requests
from tests.central.conftest import free_port
from tests.central.test_api import request_xml
from tests.faults import fault_count, replay
from tests.terminal.conftest import FACILITY, TlsCentral, prepare
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


def drop_requests(root: Path) -> Path:
    (root / "req").mkdir(parents=True)
    for n in range(FILES):
        (root / "req" / f"OQSsiquc01req_{n:04d}.xml").write_bytes(request_xml(FACILITY, "456", f"id-{n}"))
    return root


def kill_9_once_answering(process: subprocess.Popen[bytes], root: Path, where: str) -> str:
    """SIGKILL `process` once a random number of results are out (check the rest were not);
    returns the point, for failure messages."""
    after = fault_count(where, 1, FILES // 2)
    try:
        assert wait_for(lambda: len(results_in(root)) >= after)
    finally:
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
    assert len(results_in(root)) < FILES, "the kill came too late to test anything"
    return replay(where, after)


def test_kill_9_mid_load_loses_and_duplicates_nothing(tls_central: TlsCentral, tmp_path: Path) -> None:
    tls_central.credentials(tmp_path / "cred")
    root = drop_requests(tmp_path / "terminal")
    terminal = start_terminal(root, tls_central, tmp_path / "cred")
    fault = kill_9_once_answering(terminal, root, "terminal-results")
    terminal = start_terminal(root, tls_central, tmp_path / "cred")
    try:
        assert wait_for(lambda: len(results_in(root)) == FILES), fault
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


def start_central(settings: Settings, port: int, tls: bool = True) -> subprocess.Popen[bytes]:
    """`onshi serve [--tls]` as its own process, so that it can really be killed."""
    onshi = Path(sys.executable).with_name("onshi")
    env = {
        **os.environ,
        "ONSHI_DATABASE_URL": settings.database_url,
        "ONSHI_PKI_DIR": str(settings.pki_dir),
        "ONSHI_RATE_LIMIT": str(settings.rate_limit_per_second),
    }
    command = [str(onshi), "serve", *(["--tls"] if tls else []), "--port", str(port)]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    assert wait_for(lambda: _listening(port), 30), "central did not start"
    return process


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def test_kill_9_of_central_mid_load_loses_and_duplicates_nothing(database_url: str, tmp_path: Path) -> None:
    settings = Settings(database_url=database_url, pool_size=4, pki_dir=tmp_path / "pki")
    ssl = prepare(settings, database_url, tmp_path)
    port = free_port()
    live = TlsCentral(f"https://127.0.0.1:{port}", database_url, settings, port, ssl)
    live.credentials(tmp_path / "cred")
    root = drop_requests(tmp_path / "terminal")
    central = start_central(settings, port)
    terminal = start_terminal(root, live, tmp_path / "cred")
    try:
        fault = kill_9_once_answering(central, root, "central-results")
        time.sleep(1)  # the terminal keeps the rest journaled and retries
        central = start_central(settings, port)
        assert wait_for(lambda: len(results_in(root)) == FILES), fault
        time.sleep(0.5)  # anything written twice would show up now
    finally:
        terminal.terminate()
        terminal.wait(timeout=15)
        central.terminate()
        central.wait(timeout=15)
    assert results_in(root) == sorted(f"OQSsiquc01res_{n:04d}.xml" for n in range(FILES))
    for n in range(FILES):
        parsed = wire.parse((root / "res" / f"OQSsiquc01res_{n:04d}.xml").read_bytes(),
                            wire.MessageKind.SINGLE_INQUIRY_RESULT)  # fmt: skip
        assert parsed.document["MessageHeader"]["ArbitraryFileIdentifier"] == f"id-{n}"
        assert parsed.document["MessageBody"]["QualificationValidity"] == "1"
    assert count(live, terminal_requests) == FILES
