"""公費負担者番号, 受給者番号, programmes, entitlements, tickets and identity matching."""

from __future__ import annotations

from datetime import date

import pytest

from onshi.domain.codes import DesignatedInstitutionFlag, MedicalTreatmentType, Sex, TicketType
from onshi.domain.errors import InvalidValue, Problem
from onshi.domain.facility import FacilityType
from onshi.domain.linkage import Attribute, CardSurface
from onshi.domain.public_expense import (
    CareSetting,
    CopayTerms,
    Entitlement,
    Identity,
    MedicalTicket,
    Payer,
    PayerNumber,
    ProgrammeKind,
    RecipientNumber,
    check_period,
    compare_identity,
    in_priority_order,
    paper_certificate_message,
    valid_on,
)

NANBYO = PayerNumber.parse("54136015")  # 難病, 東京都
WELFARE = PayerNumber.parse("12136016")  # 生活保護, a Tokyo welfare office
CHILD = PayerNumber.parse("88130018")  # 地方単独 (法別 88), a Tokyo municipality
IDENTITY = Identity(
    "山田　花子", "ヤマダ ハナコ", date(2015, 6, 1), Sex.FEMALE, "東京都新宿区西新宿二丁目8番1号"
)


def entitlement(payer: Payer, recipient: str = "1234566", **changes: object) -> Entitlement:
    values: dict[str, object] = {
        "payer": payer,
        "recipient": RecipientNumber.parse(recipient),
        "valid_from": date(2025, 4, 1),
        "valid_to": date(2026, 3, 31),
        "identity": IDENTITY,
    }
    values.update(changes)
    return Entitlement(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", Problem.REQUIRED),
        ("5413601", Problem.BAD_FORMAT),
        ("54136016", Problem.BAD_CHECK_DIGIT),
        ("54996012", Problem.UNKNOWN_CODE),  # prefecture 99
        ("01130012", Problem.UNKNOWN_CODE),  # an insurer's 法別番号, not a programme's
    ],
)
def test_payer_numbers_are_validated(text: str, problem: Problem) -> None:
    with pytest.raises(InvalidValue) as raised:
        PayerNumber.parse(text)
    assert raised.value.problem is problem


def test_payer_number_names_its_programme() -> None:
    assert PayerNumber.parse("５４１３６０１５") == NANBYO  # full-width digits are read
    assert (NANBYO.houbetsu, NANBYO.prefecture_code, NANBYO.programme.name_ja) == (
        "54",
        "13",
        "難病医療費助成",
    )
    assert WELFARE.programme.kind is ProgrammeKind.MEDICAL_AID
    assert CHILD.programme.kind is ProgrammeKind.MUNICIPAL
    assert CHILD.programme.terms == CopayTerms(percent=0)


def test_recipient_numbers_have_seven_digits_and_a_check_digit() -> None:
    assert RecipientNumber.parse("1234566").digits == "1234566"
    for bad in ("123456", "1234567", "12345666"):
        with pytest.raises(InvalidValue):
            RecipientNumber.parse(bad)


def test_a_payer_overrides_its_programme_and_a_recipient_the_payer() -> None:
    child = Payer.of(CHILD, "新宿区", programme_name="子ども医療費助成", terms=CopayTerms(per_visit_yen=200))
    assert child.programme.name_ja == "子ども医療費助成"
    assert child.programme.terms == CopayTerms(per_visit_yen=200)
    nanbyo = entitlement(Payer.of(NANBYO, "東京都"), terms=CopayTerms(monthly_cap_yen=5000))
    assert nanbyo.effective_terms == CopayTerms(percent=20, monthly_cap_yen=5000)
    assert nanbyo.effective_terms.label_ja == "2割負担・月額上限5,000円"


def test_priority_order_puts_national_first_and_medical_aid_last() -> None:
    aid = entitlement(Payer.of(WELFARE, "新宿福祉事務所"))
    child = entitlement(Payer.of(CHILD, "新宿区"))
    nanbyo = entitlement(Payer.of(NANBYO, "東京都"))
    assert in_priority_order([aid, child, nanbyo]) == [nanbyo, child, aid]


def test_validity_settings_and_participation() -> None:
    outpatient_only = Payer.of(PayerNumber.parse("21136015"), "東京都")
    mental = entitlement(outpatient_only, valid_to=None)
    assert mental.applies_to(date(2030, 1, 1), CareSetting.OUTPATIENT, FacilityType.PHARMACY)
    assert not mental.applies_to(date(2025, 5, 1), CareSetting.INPATIENT, FacilityType.HOSPITAL)
    assert not mental.is_valid_on(date(2025, 3, 31))
    dental_only = Payer.of(CHILD, "新宿区", facility_types=frozenset({FacilityType.DENTAL_CLINIC}))
    assert not entitlement(dental_only).applies_to(
        date(2025, 5, 1), CareSetting.OUTPATIENT, FacilityType.PHARMACY
    )
    paper = Payer.of(NANBYO, "東京都", participating=False)
    assert valid_on([entitlement(paper), mental], date(2025, 5, 1)) == [mental]
    assert paper_certificate_message([paper]) == (
        "東京都（難病医療費助成・54136015）はオンライン資格確認に参加していません。紙の受給者証で確認してください。"
    )
    with pytest.raises(InvalidValue):
        check_period(date(2025, 4, 1), date(2025, 3, 31))


def test_tickets_cover_their_days_and_flag_another_facility() -> None:
    ticket = MedicalTicket(
        WELFARE, RecipientNumber.parse("7654320"), TicketType.MEDICAL, date(2025, 5, 1),
        date(2025, 5, 1), date(2025, 5, 31), "0001", "1310000017", "テスト診療所", MedicalTreatmentType.OUTPATIENT,
    )  # fmt: skip
    assert ticket.covers(date(2025, 5, 31)) and not ticket.covers(date(2025, 6, 1))
    assert ticket.designated_flag("1310000017") is DesignatedInstitutionFlag.MATCHES
    assert ticket.designated_flag("1340000015") is DesignatedInstitutionFlag.DIFFERS


def test_identity_is_compared_like_a_card_linkage() -> None:
    surface = CardSurface(
        "山田 花子", "やまだ はなこ", date(2015, 6, 1), Sex.FEMALE, "東京都新宿区西新宿2-8-1"
    )
    assert compare_identity(surface, IDENTITY) == ((), ())
    other = CardSurface("山田 花子", "やまだ はなこ", date(2015, 6, 2), Sex.FEMALE, "大阪府大阪市北区1-1")
    assert compare_identity(other, IDENTITY)[0] == (Attribute.BIRTHDATE, Attribute.ADDRESS)
    no_address = Identity("山田　花子", "ヤマダ ハナコ", date(2015, 6, 1), Sex.FEMALE)
    assert compare_identity(surface, no_address) == ((), (Attribute.ADDRESS,))
