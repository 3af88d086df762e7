"""The portal's permission table: who may do what."""

import pytest

from onshi.domain.portal.roles import Permission, Role, allowed

F, C, OP = Role.FACILITY, Role.CORPORATION, Role.OPERATOR
TABLE = {
    Permission.VIEW_FACILITY: {F, C, OP},
    Permission.APPLY: {F, C},  # the operator reviews; it never applies for a facility
    Permission.REVOKE_CERTIFICATE: {F, C, OP},
    Permission.BULK: {C, OP},
    Permission.REVIEW: {OP},
    Permission.OVERSEE: {OP},
    Permission.CALCULATE: {F, C, OP},
}


@pytest.mark.parametrize("permission", list(Permission))
def test_permissions(permission: Permission) -> None:
    assert {role for role in Role if allowed(role, permission)} == TABLE[permission]
