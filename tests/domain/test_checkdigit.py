from hypothesis import given
from hypothesis import strategies as st

from onshi.domain.checkdigit import check_digit, has_valid_check_digit, with_check_digit


def test_known_insurer_numbers_validate() -> None:
    # 協会けんぽ東京支部, 協会けんぽ北海道支部, 東京都後期高齢者医療広域連合
    for number in ("01130012", "01010016", "39131156"):
        assert has_valid_check_digit(number)


def test_check_digit_of_a_body() -> None:
    assert check_digit("0113001") == 2
    assert with_check_digit("3913115") == "39131156"


def test_rejects_non_digits_and_short_input() -> None:
    assert not has_valid_check_digit("0113001X")
    assert not has_valid_check_digit("１")
    assert not has_valid_check_digit("")


@given(st.text(alphabet="0123456789", min_size=5, max_size=7))
def test_every_body_gets_a_valid_number(body: str) -> None:
    assert has_valid_check_digit(with_check_digit(body))


@given(st.text(alphabet="0123456789", min_size=5, max_size=7), st.data())
def test_any_single_digit_change_is_detected(body: str, data: st.DataObject) -> None:
    number = with_check_digit(body)
    position = data.draw(st.integers(0, len(number) - 1))
    replacement = data.draw(st.sampled_from([d for d in "0123456789" if d != number[position]]))
    changed = number[:position] + replacement + number[position + 1 :]
    assert not has_valid_check_digit(changed)
