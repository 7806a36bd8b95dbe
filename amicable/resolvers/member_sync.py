"""Reconciling memberships with the organisation's member list (a CSV file).

The file is the whole list: a header line `email,member_number,expiry`, then one member a
line (expiry as YYYY-MM-DD, the last day the membership counts). Matching is by account
email, case-insensitive. The result:

- added: a consumer account in the file that was not a member;
- renewed: a member whose number or expiry changed;
- expired: a member absent from the file, or whose expiry in the file has passed;
- unchanged, and unknown (an address without a consumer account: nothing is created).

A line that cannot be read (a bad address, no number, a bad date, an address twice) is
named by its line number and nothing at all is loaded. The whole sync is one transaction;
a dry run computes the same report and writes nothing.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date

from tortoise.transactions import in_transaction

from amicable.infra.validation import check_email, normalise_email
from amicable.models import User
from amicable.models.enums import Role
from amicable.resolvers import audit
from amicable.resolvers.membership import is_active
from amicable.services import Services

COLUMNS = ("email", "member_number", "expiry")


@dataclass
class SyncReport:
    added: list[str] = field(default_factory=list)
    renewed: list[str] = field(default_factory=list)
    expired: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dry_run: bool = False

    def lines(self) -> list[str]:
        if self.errors:
            return [*self.errors, f"{len(self.errors)} bad line(s): nothing was loaded"]
        out = []
        for name in ("added", "renewed", "expired", "unknown"):
            out += [f"{name}: {email}" for email in getattr(self, name)]
        out.append(
            f"added {len(self.added)}, renewed {len(self.renewed)}, expired "
            f"{len(self.expired)}, unchanged {len(self.unchanged)}, unknown {len(self.unknown)}"
            + (" (dry run: nothing written)" if self.dry_run else "")
        )
        return out


@dataclass(frozen=True)
class _Row:
    email: str
    number: str
    expiry: date


def parse(text: str) -> tuple[list[_Row], list[str]]:
    rows: list[_Row] = []
    errors: list[str] = []
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None or tuple(h.strip().lower() for h in header) != COLUMNS:
        return [], [f"line 1: the header must be {','.join(COLUMNS)}"]
    seen: set[str] = set()
    for number, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(COLUMNS):
            errors.append(f"line {number}: expected {len(COLUMNS)} columns, got {len(cells)}")
            continue
        email, member_number, expiry = (c.strip() for c in cells)
        email = normalise_email(email)
        if check_email("email", email):
            errors.append(f"line {number}: not an email address")
            continue
        if not member_number or len(member_number) > 64:
            errors.append(f"line {number}: a member number (at most 64 characters) is required")
            continue
        try:
            until = date.fromisoformat(expiry)
        except ValueError:
            errors.append(f"line {number}: the expiry must be a date as YYYY-MM-DD")
            continue
        if email in seen:
            errors.append(f"line {number}: {email} is listed twice")
            continue
        seen.add(email)
        rows.append(_Row(email, member_number, until))
    return rows, errors


async def sync(services: Services, text: str, *, dry_run: bool = False) -> SyncReport:
    rows, errors = parse(text)
    report = SyncReport(errors=errors, dry_run=dry_run)
    if errors:
        return report
    today = services.now().date()
    async with in_transaction():
        listed = {row.email: row for row in rows}
        accounts = {
            user.email: user
            for user in await User.select_for_update().filter(
                role=Role.CONSUMER, erased_at__isnull=True
            )
            if user.email in listed or user.is_member
        }
        changed: list[tuple[User, str]] = []
        for row in rows:
            user = accounts.get(row.email)
            if user is None:
                report.unknown.append(row.email)
                continue
            active_before = is_active(user, services.now())
            active_after = row.expiry >= today
            same = (user.member_number, user.member_until) == (row.number, row.expiry)
            if same and user.is_member == active_after:
                report.unchanged.append(row.email)
                continue
            bucket = (
                report.expired
                if not active_after
                else report.renewed
                if active_before
                else report.added
            )
            bucket.append(row.email)
            user.is_member = active_after
            user.member_number, user.member_until = row.number, row.expiry
            changed.append((user, "membership.sync"))
        for email, user in accounts.items():
            if email not in listed and user.is_member:
                report.expired.append(email)
                user.is_member = False
                changed.append((user, "membership.sync_expired"))
        if not dry_run:
            for user, action in changed:
                await user.save(update_fields=["is_member", "member_number", "member_until"])
                await audit.record(None, action, "user", user.id, actor_kind="cli")
    return report
