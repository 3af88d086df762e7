"""The emulated card: one JSON file standing for the IC chip (and the printed surface).

Layout (format "onshi-card/1"):

* `certificate` — the user-authentication certificate, readable without any PIN, as on the
  real chip; `form_factor` — card or smartphone;
* `chip` — the private key, the card-surface data (券面事項) and the holder's face template,
  encrypted with AES-GCM under a random card key;
* `pin` — that card key sealed under a key derived from the 4-digit PIN (scrypt), and the
  PIN retry counter;
* `face` — the card key sealed under a key derived from the code printed on the card (in the
  spirit of 照合番号B, which a face-recognition reader reads off the surface). This route
  models the flow of face authentication, not its security: whoever holds the file can read
  the printed code, exactly as whoever holds a real card can read its surface. What protects
  it is the certified reader's face match.

The retry counter sits outside the encrypted part so that a wrong PIN can be counted. A real
card enforces the counter in hardware and never lets its key out; a file cannot stop anyone
from trying all 10,000 PINs offline — this is an emulation for tests and demos, not a
credential store.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from onshi.card import face
from onshi.card.certificates import serial_hex
from onshi.card.errors import CardFileError, CardLocked, FaceMismatch, WrongPin
from onshi.card.protocol import surface_from_json, surface_to_json
from onshi.domain.card import FormFactor
from onshi.domain.errors import InvalidValue
from onshi.domain.linkage import CardSurface
from onshi.terminal.files import write_atomically

FORMAT = "onshi-card/1"
MAX_PIN_ATTEMPTS = 3
PIN_LENGTH = 4
_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**14, 8, 1


def valid_pin(pin: str) -> bool:
    return len(pin) == PIN_LENGTH and pin.isascii() and pin.isdigit()


def new_pin() -> str:
    return f"{secrets.randbelow(10**PIN_LENGTH):0{PIN_LENGTH}d}"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _unb64(text: str) -> bytes:
    return base64.b64decode(text, validate=True)


def _derive(secret: str, salt: bytes) -> bytes:
    return Scrypt(salt=salt, length=32, n=_SCRYPT_N, r=_SCRYPT_R, p=_SCRYPT_P).derive(secret.encode())


def _seal(key: bytes, plaintext: bytes, aad: bytes) -> dict[str, str]:
    nonce = os.urandom(12)
    return {"nonce": _b64(nonce), "data": _b64(AESGCM(key).encrypt(nonce, plaintext, aad))}


def _open(key: bytes, sealed: dict[str, str], aad: bytes) -> bytes:
    """Raises InvalidTag when the key is wrong or the data were altered."""
    return AESGCM(key).decrypt(_unb64(sealed["nonce"]), _unb64(sealed["data"]), aad)


def _wrapped_key(secret: str, card_key: bytes, aad: bytes) -> dict[str, Any]:
    salt = os.urandom(16)
    return {"salt": _b64(salt), "sealed_key": _seal(_derive(secret, salt), card_key, aad)}


def printed_code(surface: CardSurface, not_after: str) -> str:
    """生年月日 (YYMMDD) + 有効期限の年 + a 4-digit security code, as 照合番号B is built."""
    return f"{surface.birthdate:%y%m%d}{not_after[:4]}{secrets.randbelow(10**4):04d}"


def write_card(
    path: Path,
    certificate: x509.Certificate,
    private_key: rsa.RSAPrivateKey,
    surface: CardSurface,
    face_template: face.Template,
    pin: str,
    form_factor: FormFactor,
) -> None:
    """Create a card file (refuses to overwrite an existing one: a card is issued once)."""
    if not valid_pin(pin):
        raise ValueError("a PIN is 4 digits")
    if path.exists():
        raise CardFileError(f"{path} already exists")
    card_key = AESGCM.generate_key(bit_length=256)
    aad = _aad(serial_hex(certificate))
    chip = {
        "private_key": _b64(
            private_key.private_bytes(
                serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        ),
        "surface": surface_to_json(surface),
        "face_template": list(face_template),
    }
    not_after = certificate.not_valid_after_utc.strftime("%Y%m%d")
    code = printed_code(surface, not_after)
    document = {
        "format": FORMAT,
        "form_factor": form_factor.value,
        "certificate": certificate.public_bytes(serialization.Encoding.PEM).decode(),
        "chip": _seal(card_key, json.dumps(chip, ensure_ascii=False).encode(), aad),
        "pin": {"attempts_left": MAX_PIN_ATTEMPTS, **_wrapped_key(pin, card_key, aad)},
        "face": {"printed_code": code, **_wrapped_key(code, card_key, aad)},
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, json.dumps(document, ensure_ascii=False, indent=1).encode())


def _aad(serial: str) -> bytes:
    """Binds every sealed part to this card, so parts cannot be swapped between card files."""
    return f"{FORMAT}:{serial}".encode()


@dataclass(frozen=True, slots=True)
class UnlockedCard:
    """The card after face or PIN authentication: it can sign, and shows its surface data."""

    certificate_pem: str
    form_factor: FormFactor
    surface: CardSurface
    face_template: face.Template
    private_key: rsa.RSAPrivateKey

    def sign(self, payload: bytes) -> bytes:
        return self.private_key.sign(payload, padding.PKCS1v15(), hashes.SHA256())


class CardFile:
    def __init__(self, path: Path, document: dict[str, Any]) -> None:
        self.path = path
        self._document = document
        self.certificate = x509.load_pem_x509_certificate(self.certificate_pem.encode())

    @classmethod
    def load(cls, path: Path) -> CardFile:
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
            if document.get("format") != FORMAT:
                raise CardFileError(f"{path} is not an onshi card ({FORMAT})")
            return cls(path, document)
        except (OSError, ValueError, KeyError, AttributeError) as error:
            raise CardFileError(f"{path}: cannot read the card ({error})") from None

    @property
    def certificate_pem(self) -> str:
        return str(self._document["certificate"])

    @property
    def serial(self) -> str:
        return serial_hex(self.certificate)

    @property
    def form_factor(self) -> FormFactor:
        return FormFactor(self._document["form_factor"])

    @property
    def attempts_left(self) -> int:
        return int(self._document["pin"]["attempts_left"])

    @property
    def locked(self) -> bool:
        return self.attempts_left <= 0

    def unlock_with_pin(self, pin: str) -> UnlockedCard:
        """Raises CardLocked, or WrongPin (counted — the third wrong PIN locks the PIN route)."""
        if self.locked:
            raise CardLocked()
        try:
            card_key = self._unwrap("pin", pin)
        except InvalidTag:
            self._set_attempts(self.attempts_left - 1)
            raise WrongPin(self.attempts_left) from None
        if self.attempts_left != MAX_PIN_ATTEMPTS:
            self._set_attempts(MAX_PIN_ATTEMPTS)  # a correct PIN resets the counter, as on the card
        return self._unlocked(card_key)

    def photo(self) -> face.Template:
        """The holder's face as a face-recognition reader reads it from the chip."""
        return self._face_route().face_template

    def unlock_with_face(self, capture: face.Template) -> UnlockedCard:
        """The reader's route: it reads the printed code, then compares the chip's photo with the
        camera. Works while the PIN route is locked, as face authentication at the counter does."""
        card = self._face_route()
        if not face.matches(card.face_template, capture):
            raise FaceMismatch(face.similarity(card.face_template, capture))
        return card

    def _face_route(self) -> UnlockedCard:
        try:
            card_key = self._unwrap("face", str(self._document["face"]["printed_code"]))
        except InvalidTag:
            raise CardFileError(f"{self.path}: the printed code does not open the chip") from None
        return self._unlocked(card_key)

    def _unwrap(self, route: str, secret: str) -> bytes:
        wrapped = self._document[route]
        return _open(_derive(secret, _unb64(wrapped["salt"])), wrapped["sealed_key"], _aad(self.serial))

    def _unlocked(self, card_key: bytes) -> UnlockedCard:
        try:
            chip = json.loads(_open(card_key, self._document["chip"], _aad(self.serial)))
            key = serialization.load_der_private_key(_unb64(chip["private_key"]), password=None)
            surface = surface_from_json(chip["surface"])
        except (InvalidTag, ValueError, KeyError, InvalidValue) as error:
            raise CardFileError(f"{self.path}: the chip data are damaged ({error})") from None
        if not isinstance(key, rsa.RSAPrivateKey):
            raise CardFileError(f"{self.path}: the card key is not an RSA key")
        template = tuple(float(v) for v in chip["face_template"])
        return UnlockedCard(self.certificate_pem, self.form_factor, surface, template, key)

    def _set_attempts(self, attempts: int) -> None:
        self._document["pin"]["attempts_left"] = max(attempts, 0)
        write_atomically(self.path, json.dumps(self._document, ensure_ascii=False, indent=1).encode())
