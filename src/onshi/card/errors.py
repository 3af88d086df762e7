"""Errors of the card emulation.

CardError
├── CardFileError      the card file is missing, unreadable or not a card
├── CardLocked         the PIN route is locked (3 wrong PINs); only the municipality can reset it
├── WrongPin           the PIN was wrong; `attempts_left` says how many tries remain
├── FaceMismatch       the face in front of the camera is not the card holder's
└── CertificateRefused central-side check of a presented certificate or signature failed;
                       `problem` is the domain's CardProblem
"""

from __future__ import annotations

from onshi.domain.card import CardProblem


class CardError(Exception):
    pass


class CardFileError(CardError):
    pass


class CardLocked(CardError):
    def __init__(self) -> None:
        super().__init__("the PIN route of the user-authentication function is locked")


class WrongPin(CardError):
    def __init__(self, attempts_left: int) -> None:
        super().__init__(f"wrong PIN; {attempts_left} attempts left")
        self.attempts_left = attempts_left


class FaceMismatch(CardError):
    def __init__(self, similarity: float) -> None:
        super().__init__(f"face does not match the card (similarity {similarity:.2f})")
        self.similarity = similarity


class CertificateRefused(CardError):
    def __init__(self, problem: CardProblem, detail: str) -> None:
        super().__init__(f"{problem.value}: {detail}")
        self.problem = problem
        self.detail = detail
