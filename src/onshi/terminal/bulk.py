"""The second step of a bulk exchange, for people without a receipt computer: from an
upload's receipt (…01res) to the download request (…02req) that fetches its results."""

from __future__ import annotations

from datetime import datetime

from onshi import wire


def download_request_for(receipt_name: str, receipt: bytes, at: datetime) -> tuple[str, bytes]:
    """The file name and bytes of the …02req for a …01res (raises WireError if it is none).
    The name carries the time, so asking again while 処理中 is a new request."""
    kind = wire.kind_of_filename(receipt_name)
    family = kind.value[:8]  # OQSmuquc, OQSmuimm, …
    if not family.startswith("OQSmu") or not kind.value.endswith("01res"):
        raise wire.WireError(
            wire.WireErrorKind.WRONG_MESSAGE, f"{receipt_name} is not a bulk upload's receipt (…01res)"
        )
    parsed = wire.parse(receipt, kind, lenient=True)
    number = parsed.document.get("MessageBody", {}).get("ReceptionNumber")
    if not number:
        raise wire.WireError(
            wire.WireErrorKind.MISSING_ELEMENT, "the receipt has no ReceptionNumber: the upload was refused"
        )
    header = parsed.document["MessageHeader"]
    document = {
        "MessageHeader": {"MedicalInstitutionCode": header["MedicalInstitutionCode"]},
        "MessageBody": {"ReceptionNumber": number},
    }
    request_kind = wire.MessageKind(f"{family}02req")
    name = f"{request_kind.value}_{at:%Y%m%d%H%M%S}.xml"
    return name, wire.to_xml(document, request_kind, parsed.encoding)
