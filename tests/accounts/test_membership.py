"""Memberships: set and cleared by moderators, synced from the member list (CSV), and
checked with their expiry when a consumer escalates."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from amicable.models import Complaint, User
from amicable.models.enums import ComplaintStatus, Role
from amicable.resolvers import accounts, member_sync
from tests.accounts.mailed import complaint_link
from tests.conftest import GraphQLClient
from tests.factories import gid, make_company, make_complaint, make_user
from tests.test_cli import _run

UPDATE = """mutation($id: ID!, $member: Boolean!, $number: String!, $until: Date) {
  accountMembershipUpdate(input: {userId: $id, isMember: $member, memberNumber: $number,
    memberUntil: $until}) { user { isMember memberNumber memberUntil }
    errors { code field } } }"""
ESCALATE = """mutation($id: ID!) { complaintEscalate(input: {complaintId: $id}) {
  errors { code } } }"""


async def _escalatable(services, consumer) -> Complaint:
    moderator = await make_user(services, Role.MODERATOR)
    company = await make_company(moderator.viewer)
    complaint = await make_complaint(services, consumer, company)
    await Complaint.filter(id=complaint.id).update(status=ComplaintStatus.UNRESOLVED)
    return complaint


async def test_moderator_sets_and_clears_membership(gql, services):
    moderator = await make_user(services, Role.MODERATOR)
    consumer = await make_user(services)
    mod = GraphQLClient(gql.http, moderator.token)
    user_id = gid("User", consumer.user.id)
    until = (services.now().date() + timedelta(days=365)).isoformat()
    done = await mod.data(UPDATE, id=user_id, member=True, number="TA-123", until=until)
    assert done["accountMembershipUpdate"] == {
        "user": {"isMember": True, "memberNumber": "TA-123", "memberUntil": until},
        "errors": [],
    }
    missing = await mod.data(UPDATE, id=user_id, member=True, number="", until=None)
    assert {e["field"] for e in missing["accountMembershipUpdate"]["errors"]} == {
        "memberNumber",
        "memberUntil",
    }
    cleared = await mod.data(UPDATE, id=user_id, member=False, number="", until=None)
    assert cleared["accountMembershipUpdate"]["user"] == {
        "isMember": False,
        "memberNumber": None,
        "memberUntil": None,
    }
    # Only consumers are members; anything else answers as a missing account.
    agent = await make_user(services, Role.MODERATOR)
    other = await mod.data(
        UPDATE, id=gid("User", agent.user.id), member=True, number="1", until=until
    )
    assert other["accountMembershipUpdate"]["errors"][0]["code"] == "NOT_FOUND"


@pytest.mark.parametrize("role", ["anonymous", "consumer", "agent", "lawyer", "partner", "link"])
async def test_only_moderators_manage_memberships(role, gql, services):
    consumer = await make_user(services)
    moderator = await make_user(services, Role.MODERATOR)
    token: str | None = None
    if role == "link":
        company = await make_company(moderator.viewer)
        complaint = await make_complaint(services, consumer, company)
        token = await complaint_link(complaint.id)
    elif role == "partner":
        _, token = await accounts.create_api_key(moderator.viewer, partner_name="P")
    elif role == "agent":
        company = await make_company(moderator.viewer)
        token = (await make_user(services, Role.AGENT, company=company)).token
    elif role != "anonymous":
        token = (await make_user(services, Role(role))).token
    result = await GraphQLClient(gql.http, token).execute(
        UPDATE, id=gid("User", consumer.user.id), member=True, number="X", until="2099-01-01"
    )
    expected = "UNAUTHENTICATED" if role == "anonymous" else "FORBIDDEN"
    assert result["errors"][0]["extensions"]["code"] == expected
    assert not (await User.get(id=consumer.user.id)).is_member


async def test_escalation_checks_the_expiry(gql, services):
    consumer = await make_user(services, member=True)
    complaint = await _escalatable(services, consumer)
    me = GraphQLClient(gql.http, consumer.token)
    await User.filter(id=consumer.user.id).update(
        member_number="TA-1", member_until=services.now().date() - timedelta(days=1)
    )
    expired = await me.data(ESCALATE, id=gid("Complaint", complaint.id))
    assert expired["complaintEscalate"]["errors"] == [{"code": "MEMBERS_ONLY"}]
    assert (await me.data("{ me { isMember } }"))["me"]["isMember"] is True  # the record
    await User.filter(id=consumer.user.id).update(member_until=services.now().date())
    valid = await me.data(ESCALATE, id=gid("Complaint", complaint.id))
    assert valid["complaintEscalate"]["errors"] == []


CSV_HEADER = "email,member_number,expiry\n"


async def test_sync_adds_renews_expires_and_reports(services):
    today = services.now().date()
    later = (today + timedelta(days=365)).isoformat()
    new = await make_user(services, email="new@example.org")
    renewing = await make_user(services, email="renew@example.org", member=True)
    await User.filter(id=renewing.user.id).update(member_number="TA-2", member_until=today)
    gone = await make_user(services, email="gone@example.org", member=True)
    lapsed = await make_user(services, email="lapsed@example.org")
    same = await make_user(services, email="same@example.org", member=True)
    await User.filter(id=same.user.id).update(member_number="TA-5", member_until=date(2099, 1, 1))
    text = (
        CSV_HEADER
        + f"NEW@example.org,TA-1,{later}\n"
        + f"renew@example.org,TA-2,{later}\n"
        + f"lapsed@example.org,TA-4,{(today - timedelta(days=3)).isoformat()}\n"
        + "same@example.org,TA-5,2099-01-01\n"
        + f"stranger@example.org,TA-9,{later}\n"
    )
    dry = await member_sync.sync(services, text, dry_run=True)
    assert (dry.added, dry.renewed, dry.expired, dry.unchanged, dry.unknown) == (
        ["new@example.org"],
        ["renew@example.org"],
        ["lapsed@example.org", "gone@example.org"],
        ["same@example.org"],
        ["stranger@example.org"],
    )
    assert "(dry run: nothing written)" in dry.lines()[-1]
    assert not (await User.get(id=new.user.id)).is_member  # the dry run changed nothing
    report = await member_sync.sync(services, text)
    assert report.added == dry.added and report.expired == dry.expired
    assert (await User.get(id=new.user.id)).is_member
    assert (await User.get(id=renewing.user.id)).member_until == today + timedelta(days=365)
    assert not (await User.get(id=gone.user.id)).is_member
    assert not (await User.get(id=lapsed.user.id)).is_member
    assert not await User.exists(email="stranger@example.org")
    again = await member_sync.sync(services, text)
    assert again.added == again.renewed == again.expired == []


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("email,number\n", "line 1: the header must be email,member_number,expiry"),
        (CSV_HEADER + "a@example.org,TA-1\n", "line 2: expected 3 columns, got 2"),
        (CSV_HEADER + "not-an-address,TA-1,2099-01-01\n", "line 2: not an email address"),
        (CSV_HEADER + "a@example.org,,2099-01-01\n", "line 2: a member number"),
        (CSV_HEADER + "a@example.org,TA-1,31/12/2099\n", "line 2: the expiry must be a date"),
        (
            CSV_HEADER + "a@example.org,TA-1,2099-01-01\nA@example.org,TA-2,2099-01-01\n",
            "line 3: a@example.org is listed twice",
        ),
    ],
)
async def test_bad_lines_are_named_and_nothing_is_loaded(text, error, services):
    member = await make_user(services, email="a@example.org")
    good = "ok@example.org,TA-7,2099-01-01\n"
    report = await member_sync.sync(services, text + good if text != "email,number\n" else text)
    assert any(line.startswith(error) for line in report.errors), report.errors
    assert report.lines()[-1].endswith("nothing was loaded")
    assert not (await User.get(id=member.user.id)).is_member


def test_members_sync_command(tmp_path: Path):
    env = {"AMICABLE_DATA_DIR": str(tmp_path / "data")}
    assert _run(["migrate"], env).returncode == 0
    created = _run(
        [
            "users",
            "create",
            "--role",
            "consumer",
            "--email",
            "lid@example.org",
            "--name",
            "L",
            "--password",
            "a long password",
        ],
        env,
    )
    assert created.returncode == 0, created.stderr
    members = tmp_path / "members.csv"
    members.write_text(CSV_HEADER + "lid@example.org,TA-1,2099-12-31\n")
    dry = _run(["members", "sync", str(members), "--dry-run"], env)
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.splitlines() == [
        "added: lid@example.org",
        "added 1, renewed 0, expired 0, unchanged 0, unknown 0 (dry run: nothing written)",
    ]
    done = _run(["members", "sync", str(members)], env)
    assert done.stdout.splitlines()[-1] == ("added 1, renewed 0, expired 0, unchanged 0, unknown 0")
    again = _run(["members", "sync", str(members)], env)
    assert again.stdout.splitlines() == ["added 0, renewed 0, expired 0, unchanged 1, unknown 0"]
    members.write_text(CSV_HEADER + "lid@example.org,TA-1,someday\n")
    bad = _run(["members", "sync", str(members)], env)
    assert bad.returncode == 1
    assert bad.stderr.splitlines()[0] == "line 2: the expiry must be a date as YYYY-MM-DD"
    missing = _run(["members", "sync", str(tmp_path / "nope.csv")], env)
    assert missing.returncode == 1 and missing.stderr.startswith("cannot read")
