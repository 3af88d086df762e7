"""Modulus-10 check digit with weights 2,1,2,1… from the rightmost body digit (検証番号).

Used by 保険者番号 (insurer numbers), 公費負担者番号 and 受給者番号: each body digit is
multiplied by 2 and 1 alternately starting at the right, the digits of the products are
summed, and the check digit is 10 minus the last digit of the sum (0 when that is 10).
"""

from __future__ import annotations


def check_digit(body: str) -> int:
    if not body.isascii() or not body.isdigit():
        raise ValueError(f"check digit body must be ASCII digits: {body!r}")
    total = 0
    for position, char in enumerate(reversed(body)):
        product = int(char) * (2 if position % 2 == 0 else 1)
        total += product // 10 + product % 10
    return (10 - total % 10) % 10


def has_valid_check_digit(number: str) -> bool:
    """True when the last digit of `number` is the check digit of the digits before it."""
    if len(number) < 2 or not number.isascii() or not number.isdigit():
        return False
    return check_digit(number[:-1]) == int(number[-1])


def with_check_digit(body: str) -> str:
    return body + str(check_digit(body))
