"""The capability table: one row per kind of viewer, each account role a kind of viewer."""

from __future__ import annotations

from amicable.models.enums import Role
from amicable.policy import CAPABILITIES, Capability, ViewerKind, role_can, roles_that_can


def test_every_kind_of_viewer_has_a_row_in_the_capability_table():
    assert set(CAPABILITIES) == set(ViewerKind)


def test_every_account_role_is_a_kind_of_viewer():
    assert {role.value for role in Role} <= {kind.value for kind in ViewerKind}


def test_only_moderators_moderate_and_only_agents_act_for_a_company():
    assert roles_that_can(Capability.MODERATE) == [Role.MODERATOR]
    assert roles_that_can(Capability.ACT_FOR_COMPANY) == [Role.AGENT]
    assert role_can(Role.LAWYER, Capability.HANDLE_ESCALATIONS)
    assert not role_can(Role.CONSUMER, Capability.SEE_EVERYTHING)
