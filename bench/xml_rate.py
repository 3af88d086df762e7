"""Wire XML parse and build, documents per second (one thread), beside lxml's own speed on the
same bytes (the limit: parse with no decoding, validation or codec; serialise a built tree).

* parse: `wire.parse` of an OQSsiquc01req (what central reads per single confirmation) and of
  an OQSsiquc01res with one person (what a receipt computer reads);
* build: `wire.to_xml` of that result document, in UTF-8 and in Shift_JIS.

    python -m bench.xml_rate [--seconds 2]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from datetime import date
from typing import Any

from lxml import etree
from tests.factories import qualification

from bench._common import figure
from onshi import wire
from onshi.domain.actors import Actor, ActorKind, Channel
from onshi.domain.dates import now_jst
from onshi.domain.eligibility import NumberQuery, decide
from onshi.domain.insurer import InsurerNumber
from onshi.services.confirmation import Confirmed, NumberConfirmation, result_document, search_echo
from onshi.services.request_files import result_header

K = wire.MessageKind


def rate(work: Callable[[], Any], seconds: float) -> float:
    """Calls per second, over `seconds` (after one warm-up call)."""
    work()
    count, started = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - started) < seconds:
        for _ in range(100):
            work()
        count += 100
    return count / elapsed


def request_bytes() -> bytes:
    document = {
        "MessageHeader": {
            "QualificationConfirmationDate": "20261123",
            "MedicalInstitutionCode": "1310000017",
            "ArbitraryFileIdentifier": "bench-0001",
        },
        "MessageBody": {
            "QualificationConfirmSearchInfo": {
                "InsurerNumber": "01130012",
                "InsuredCardSymbol": "１２３",
                "InsuredIdentificationNumber": "456",
                "InsuredBranchNumber": "00",
                "Birthdate": "19800401",
                "LimitApplicationCertificateRelatedConsFlg": "0",
            }
        },
    }
    return wire.to_xml(document, K.SINGLE_INQUIRY_REQUEST)


def result_of_one_person() -> dict[str, Any]:
    person = qualification(address="東京都新宿区西新宿二丁目8番1号", name="髙橋　𠮷子")
    query = NumberQuery(InsurerNumber("01130012"), "123", "456", None, person.birthdate, date(2026, 11, 23))
    at = now_jst()
    outcome = Confirmed(query, decide(query, [person]), at, None)
    actor = Actor(ActorKind.FACILITY, "1310000017", Channel.API)
    echo = search_echo(NumberConfirmation("01130012", "456", "19800401", symbol="123"))
    return result_document(outcome, result_header(actor, "bench", wire.UTF8, query.on, at), echo)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=2.0)
    args = parser.parse_args()
    seconds = args.seconds
    request = request_bytes()
    document = result_of_one_person()
    result = wire.to_xml(document, K.SINGLE_INQUIRY_RESULT)
    result_sjis = wire.to_xml(document, K.SINGLE_INQUIRY_RESULT, wire.SHIFT_JIS)
    tree = etree.fromstring(result)
    figure(f"lxml fromstring, result ({len(result):,} bytes) (limit)", rate(lambda: etree.fromstring(result), seconds), "docs/s")  # fmt: skip
    figure(
        "lxml tostring of the built result tree (limit)",
        rate(lambda: etree.tostring(tree), seconds),
        "docs/s",
    )
    figure("wire.parse OQSsiquc01req", rate(lambda: wire.parse(request, K.SINGLE_INQUIRY_REQUEST), seconds), "docs/s")  # fmt: skip
    figure("wire.parse OQSsiquc01res (one person)", rate(lambda: wire.parse(result, K.SINGLE_INQUIRY_RESULT), seconds), "docs/s")  # fmt: skip
    figure("wire.parse OQSsiquc01res, Shift_JIS", rate(lambda: wire.parse(result_sjis, K.SINGLE_INQUIRY_RESULT), seconds), "docs/s")  # fmt: skip
    figure("wire.to_xml OQSsiquc01res, Shift_JIS", rate(lambda: wire.to_xml(document, K.SINGLE_INQUIRY_RESULT, wire.SHIFT_JIS), seconds), "docs/s")  # fmt: skip
    figure("wire.to_xml OQSsiquc01res, UTF-8 (build)", rate(lambda: wire.to_xml(document, K.SINGLE_INQUIRY_RESULT), seconds), "docs/s")  # fmt: skip


if __name__ == "__main__":
    main()
