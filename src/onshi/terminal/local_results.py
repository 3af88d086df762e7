"""Results the terminal writes itself, when central refused to answer at all.

A refused terminal (certificate revoked or expired, facility suspended) must still give
the receipt computer an answer the counter can show — the spec's error result
(SegmentOfResult 9) with central's reason — rather than leave the request hanging.
"""

from __future__ import annotations

from onshi import wire
from onshi.domain.dates import now_jst
from onshi.terminal.client import Refused
from onshi.wire.result_codes import FACILITY_REFUSED


def refusal_result(
    request_name: str, content: bytes, facility_code: str, refused: Refused
) -> tuple[str, bytes]:
    """(result file name, bytes) of an error result carrying central's refusal."""
    kind = wire.kind_of_filename(request_name)
    message = f"{FACILITY_REFUSED.summary_ja}：{refused.message}"
    result = wire.error_result(
        content, kind, FACILITY_REFUSED, now_jst(), facility_code=facility_code, message=message
    )
    return wire.result_filename(request_name), result.to_xml()
