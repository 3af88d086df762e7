"""Who may do what in the portal: one table, used by every page and API route.

- facility (医療機関等): its own records only;
- corporation (法人: a hospital group or pharmacy chain): the facilities linked to it, and the
  bulk applications (一括申請) for them;
- operator (支払基金・国保中央会): reviews applications, issues nothing it was not asked for,
  sees every facility, the compliance list and the survey tally. It does not apply for anyone.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    FACILITY = "facility"
    CORPORATION = "corporation"
    OPERATOR = "operator"

    @property
    def label_ja(self) -> str:
        return _ROLE_LABELS[self]


_ROLE_LABELS = {
    Role.FACILITY: "医療機関等",
    Role.CORPORATION: "法人",
    Role.OPERATOR: "運営者（支払基金）",
}


class Permission(StrEnum):
    VIEW_FACILITY = "view_facility"  # a facility's page: steps, applications, certificates
    APPLY = "apply"  # submit applications, download and renew certificates, operation start, 事前届出, 補助金, 調査
    REVOKE_CERTIFICATE = "revoke_certificate"
    BULK = "bulk"  # 一括申請 by CSV
    REVIEW = "review"  # approve or return applications, 個別判断 of notifications
    OVERSEE = "oversee"  # every facility, the compliance list, the survey tally, corporations
    CALCULATE = "calculate"  # the calculators (加算, 補助金)


_TABLE: dict[Permission, frozenset[Role]] = {
    Permission.VIEW_FACILITY: frozenset(Role),
    Permission.APPLY: frozenset({Role.FACILITY, Role.CORPORATION}),
    Permission.REVOKE_CERTIFICATE: frozenset(Role),
    Permission.BULK: frozenset({Role.CORPORATION, Role.OPERATOR}),
    Permission.REVIEW: frozenset({Role.OPERATOR}),
    Permission.OVERSEE: frozenset({Role.OPERATOR}),
    Permission.CALCULATE: frozenset(Role),
}


def allowed(role: Role, permission: Permission) -> bool:
    return role in _TABLE[permission]


def roles_with(permission: Permission) -> frozenset[Role]:
    return _TABLE[permission]
