"""The hot path's JSON answer (confirmations.json_answer_body, built straight from the verdict
by onshi.wire.verdict_json) is byte for byte the general `answer`'s body, for generated
families, queries, verdicts and request bodies."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.requests import Request

from onshi.central.confirmations import NumberConfirmationBody, answer, json_answer_body, number_confirmation
from onshi.domain.actors import Actor, ActorKind, Channel
from onshi.domain.codes import (
    CardClassification,
    LimitCategory,
    LimitCertificateClass,
    PersonalFamily,
    ReasonOfLoss,
    Sex,
)
from onshi.domain.dates import JST
from onshi.domain.eligibility import NumberQuery, decide, successor_lookup, with_successors
from onshi.domain.public_expense import Findings
from onshi.domain.qualification import ElderlyRecipientCertificate, LimitCertificate, Qualification
from onshi.services.confirmation import Confirmed
from tests.factories import KENPO, KYOKAI_TOKYO, key, qualification

DAYS = st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31))
NEAR = st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 12, 31))  # so periods overlap the query
OPTIONAL_NEAR = st.one_of(st.none(), NEAR)
# Text real data and callers send: empty, markup and quotes (JSON escaping), 外字, IVS, kana.
TEXT = st.one_of(
    st.just(""),
    st.lists(
        st.sampled_from([*'山田太郎髙﨑𠮷ｱｲ　 a"\\<>&/\n\t', "\u2028", "邉\U000e0104", "\x00"]), max_size=6
    ).map("".join),
)
OPTIONAL_TEXT = st.one_of(st.none(), TEXT)
KANA = st.sampled_from(
    ["", "ヤマダ　タロウ", "ガギグ パピプ", "ヴァ", "ｱｲｳ", "ﾔﾏﾀﾞ", "ａｂｃ１２３", "ヰヱヵヶ"]
)
SYMBOLS = st.sampled_from(["", "123", "練馬"])
NUMBERS = st.sampled_from(["456", "7"])
BRANCHES = st.sampled_from([None, "00", "01"])


SEARCHED = (KYOKAI_TOKYO, "123", "456")
BORN = date(1980, 4, 1)


@st.composite
def periods(draw: st.DrawFn) -> Qualification:
    """One period, mostly under the searched card number, with any of the optional data."""
    disqualified = draw(st.one_of(st.none(), NEAR, NEAR))
    card = draw(
        st.one_of(
            st.just(SEARCHED),
            st.just(SEARCHED),
            st.tuples(st.sampled_from([KYOKAI_TOKYO, KENPO]), SYMBOLS, NUMBERS),
        )
    )
    return qualification(
        key=key(*card, draw(BRANCHES)),
        insurer_name=draw(TEXT),
        name=draw(TEXT),
        name_kana=draw(KANA),
        sex1=draw(st.sampled_from(list(Sex))),
        birthdate=draw(st.sampled_from([BORN, BORN, BORN, date(2015, 6, 1)])),
        qualification_date=draw(NEAR),
        card_classification=draw(st.sampled_from(list(CardClassification))),
        disqualification_date=disqualified,
        reason_of_loss=draw(st.one_of(st.none(), st.sampled_from(list(ReasonOfLoss))))
        if disqualified
        else None,
        personal_family=draw(st.one_of(st.none(), st.sampled_from(list(PersonalFamily)))),
        insured_name=draw(OPTIONAL_TEXT),
        name_of_other=draw(OPTIONAL_TEXT),
        name_of_other_kana=draw(st.one_of(st.none(), KANA)),
        sex2=draw(st.one_of(st.none(), st.sampled_from(list(Sex)))),
        address=draw(OPTIONAL_TEXT),
        post_number=draw(st.sampled_from([None, "", "1000001"])),
        card_issued_on=draw(OPTIONAL_NEAR),
        card_valid_from=draw(OPTIONAL_NEAR),
        card_valid_to=draw(OPTIONAL_NEAR),
        copay_percent=draw(st.sampled_from([None, 0, 10, 20, 30, 100])),
        preschool=draw(st.booleans()),
        elderly=draw(
            st.one_of(
                st.none(),
                st.builds(
                    ElderlyRecipientCertificate,
                    OPTIONAL_NEAR,
                    OPTIONAL_NEAR,
                    OPTIONAL_NEAR,
                    st.sampled_from([None, 20, 30]),
                ),
            )
        ),
        limit=draw(
            st.one_of(
                st.none(),
                st.builds(
                    LimitCertificate,
                    st.one_of(st.none(), st.sampled_from(list(LimitCertificateClass))),
                    st.one_of(st.none(), st.sampled_from(list(LimitCategory))),
                    OPTIONAL_NEAR,
                    OPTIONAL_NEAR,
                    OPTIONAL_NEAR,
                    OPTIONAL_NEAR,
                ),
            )
        ),
        individual_key=draw(st.sampled_from([None, "ik-1"])),
    )


@st.composite
def bodies(draw: st.DrawFn) -> NumberConfirmationBody:
    return NumberConfirmationBody(
        insurer_number=draw(st.sampled_from([KYOKAI_TOKYO.digits, "１３０１６", " 01130012"])),
        insured_card_symbol=draw(st.one_of(st.none(), SYMBOLS, TEXT)),
        insured_identification_number=draw(st.sampled_from(["456", "４５６", "7"])),
        insured_branch_number=draw(st.one_of(BRANCHES, st.just(""))),
        birthdate=draw(st.sampled_from(["19800401", "2015-06-01", "S55.4.1"])),
        qualification_confirmation_date=draw(st.sampled_from([None, "20261123"])),
        limit_application_certificate_related_cons_flg=draw(st.sampled_from(["0", "1"])),
        arbitrary_file_identifier=draw(st.one_of(st.none(), TEXT)),
    )


MOMENTS = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31), timezones=st.just(JST)
)
PLAIN = Request({"type": "http", "headers": []})
ASKS_JSON = Request({"type": "http", "headers": [(b"accept", b"application/json")]})


@settings(max_examples=600, deadline=None)
@given(
    family=st.lists(periods(), min_size=1, max_size=4),
    successors=st.lists(periods(), min_size=1, max_size=2),
    branch=BRANCHES,
    birthdate=st.sampled_from([BORN, BORN, date(2015, 6, 1)]),
    on=NEAR,
    body=bodies(),
    processed_at=MOMENTS,
    facility=st.sampled_from(["1310000017", "0123456789"]),
)
def test_the_answer_built_from_the_verdict_is_the_general_answer(
    family: list[Qualification],
    successors: list[Qualification],
    branch: str | None,
    birthdate: date,
    on: date,
    body: NumberConfirmationBody,
    processed_at: datetime,
    facility: str,
) -> None:
    query = NumberQuery(*SEARCHED, branch, birthdate, on)
    # The store's family: every period under the searched card number.
    verdict = decide(
        query, [q for q in family if (q.key.insurer_number, q.key.symbol, q.key.number) == SEARCHED]
    )
    if successor_lookup(verdict):
        verdict = with_successors(verdict, successors)
    confirmation = number_confirmation(body)
    consent_at = processed_at + timedelta(microseconds=1) if confirmation.limit_consent else None
    outcome = Confirmed(query, verdict, processed_at, consent_at)
    actor = Actor(ActorKind.FACILITY, facility, Channel.API, 7)
    fast = json_answer_body(actor, body, confirmation, outcome)
    for request in (PLAIN, ASKS_JSON):
        general = answer(request, actor, body, confirmation, outcome)
        assert general.media_type == "application/json"
        assert fast == general.body


def test_answers_with_public_expense_are_left_to_the_general_builder() -> None:
    q = qualification()
    query = NumberQuery(
        q.key.insurer_number, q.key.symbol, q.key.number, None, q.birthdate, date(2026, 11, 23)
    )
    verdict = decide(query, [q])
    body = NumberConfirmationBody(
        insurer_number=KYOKAI_TOKYO.digits, insured_identification_number="456", birthdate="19800401"
    )
    outcome = Confirmed(query, verdict, datetime(2026, 11, 23, 9, tzinfo=JST), None, {q.key: Findings()})
    actor = Actor(ActorKind.FACILITY, "1310000017", Channel.API, 7)
    assert json_answer_body(actor, body, number_confirmation(body), outcome) is None
