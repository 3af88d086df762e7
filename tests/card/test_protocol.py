from __future__ import annotations

import pytest

from onshi.card.protocol import auth_payload, surface_from_json, surface_to_json
from onshi.domain.errors import InvalidValue
from tests.card.support import SURFACE

FLAGS = {"surgery": True, "treatment": False, "checkup": False, "limit": True, "disease": False}


def test_the_payload_is_canonical() -> None:
    reordered = dict(reversed(list(FLAGS.items())))
    assert auth_payload("n", "1310000017", FLAGS, None) == auth_payload("n", "1310000017", reordered, None)


def test_the_payload_binds_facility_consent_and_surface() -> None:
    base = auth_payload("n", "1310000017", FLAGS, None)
    assert base != auth_payload("n", "1310000025", FLAGS, None)
    assert base != auth_payload("n", "1310000017", {**FLAGS, "surgery": False}, None)
    assert base != auth_payload("n", "1310000017", FLAGS, surface_to_json(SURFACE))


def test_surface_round_trip_and_validation() -> None:
    assert surface_from_json(surface_to_json(SURFACE)) == SURFACE
    with pytest.raises(InvalidValue):
        surface_from_json({**surface_to_json(SURFACE), "address": ""})
    with pytest.raises(InvalidValue):
        surface_from_json({**surface_to_json(SURFACE), "sex": "9"})
