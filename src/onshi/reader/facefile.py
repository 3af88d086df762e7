"""Face-reader result files in the terminal's `face` folder (wire-spec.md §1, §2, §5.3).

Name: `OQSsiquc01res_face_<10-digit facility code><20 lowercase hex>_<YYYYMMDDHHMMSS>.xml`, the
form of a real terminal file; receipt computers rely on the trailing timestamp (they process
only today's files). Written atomically: a receipt computer never sees half a file.
"""

from __future__ import annotations

import re
import secrets
from pathlib import Path
from typing import Any

from onshi import wire
from onshi.terminal.files import write_atomically

FACE_FOLDER = "face"
_FACILITY = re.compile(r"^\d{10}$")
_MOMENT = re.compile(r"^\d{14}$")


def face_filename(facility_code: str, processed_at: str) -> str:
    """`processed_at` is the result's ProcessExecutionTime (YYYYMMDDHHMMSS, JST)."""
    if not _FACILITY.match(facility_code) or not _MOMENT.match(processed_at):
        raise ValueError(f"bad facility code or time for a face file: {facility_code!r}, {processed_at!r}")
    return f"{wire.FACE_PREFIX}{facility_code}{secrets.token_hex(10)}_{processed_at}.xml"


def write_face_file(root: Path, document: dict[str, Any], encoding: str = wire.UTF8) -> Path:
    """Write the result document (XmlMsg content) under `root/face`; returns the file's path."""
    header = document["MessageHeader"]
    name = face_filename(header["MedicalInstitutionCode"], header["ProcessExecutionTime"])
    folder = root / FACE_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    write_atomically(path, wire.to_xml(document, wire.MessageKind.SINGLE_INQUIRY_RESULT, encoding))
    return path
