"""`onshi reader`: the face-recognition card reader at the counter (see onshi.reader.session).

Non-interactive use (scripts, tests): `--pin` (repeatable: one per try) or `--face holder|other|FILE`,
`--consent all|none|item,item` and `--register/--no-register` answer the screens ahead.
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from onshi import wire
from onshi.cli._common import console, fail
from onshi.reader.answers import Answers, AuthMethod, ConsentSpec
from onshi.reader.client import CentralClient
from onshi.reader.screens import ConsoleUi
from onshi.reader.session import ReaderSession

ENCODINGS = {"utf-8": wire.UTF8, "shift_jis": wire.SHIFT_JIS}


def reader(
    card: Path = typer.Option(..., "--card", help="the card placed on the reader (a card file)"),
    root: Path = typer.Option(..., "--root", help="the terminal's shared folder; results go to ROOT/face"),
    central: str = typer.Option(..., "--central", help="URL of central"),
    key: str | None = typer.Option(
        None, "--key", envvar="ONSHI_API_KEY", help="the facility's API key (or give --cert)"
    ),
    cert: Path | None = typer.Option(
        None, "--cert", help="the facility's terminal certificate, for mutual TLS (or give --key)"
    ),
    key_file: Path | None = typer.Option(None, "--key-file", help="its private key"),
    ca: Path | None = typer.Option(None, "--ca", help="CA bundle to verify central"),
    method: AuthMethod | None = typer.Option(None, "--method", help="face / pin"),
    face: str | None = typer.Option(
        None, "--face", help="who faces the camera: holder, other, or a template file"
    ),
    pins: list[str] | None = typer.Option(None, "--pin", help="PIN to enter (repeat for further tries)"),
    consent: str | None = typer.Option(
        None, "--consent", help="all, none, or items: surgery,treatment,checkup,limit,disease"
    ),
    register: bool | None = typer.Option(
        None, "--register/--no-register", help="register the card for insurance use if it is not yet"
    ),
    encoding: str = typer.Option("utf-8", "--encoding", help="face file encoding: utf-8 or shift_jis"),
) -> None:
    """Confirm eligibility with a My Number Card at the reader and write the face result file."""
    if encoding.lower() not in ENCODINGS:
        fail("--encoding is utf-8 or shift_jis", 2)
    if key is None and cert is None:
        fail("give the facility's terminal certificate (--cert, --key-file) or its API key (--key)", 2)
    if cert is not None and key_file is None:
        fail("--cert needs --key-file", 2)
    try:
        spec = ConsentSpec.parse(consent) if consent is not None else None
    except ValueError as error:
        fail(str(error), 2)
        return
    answers = Answers(method, face, tuple(pins or ()), spec, register)
    ui = ConsoleUi(console, answers, interactive=sys.stdin.isatty())
    client = CentralClient(central, key, cert, key_file, ca)
    session = ReaderSession(card, client, ui, root, ENCODINGS[encoding.lower()])
    raise typer.Exit(session.run())
