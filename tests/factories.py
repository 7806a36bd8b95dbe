"""Building test data through the real operations (never around them)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from amicable import security
from amicable.models import AccessToken, Company, Complaint, User
from amicable.models.enums import Language, Role, Visibility
from amicable.policy import Viewer
from amicable.resolvers import accounts, companies, complaints
from amicable.schema.relay import global_id
from amicable.services import Services

PASSWORD = "correct horse battery"


@dataclass
class Actor:
    user: User
    viewer: Viewer
    token: str


# Argon2 costs ~100 ms a hash; tests that need many accounts share one hash of PASSWORD.
# (The login path itself is tested with real hashing in tests/test_accounts.py.)
_PASSWORD_HASH: str | None = None


async def make_user(
    services: Services,
    role: Role = Role.CONSUMER,
    *,
    name: str = "Jan De Smet",
    company: Company | None = None,
    member: bool = False,
    email: str | None = None,
) -> Actor:
    global _PASSWORD_HASH
    if _PASSWORD_HASH is None:
        _PASSWORD_HASH = await security.hash_password(PASSWORD)
    user = await User.create(
        email=email or f"{role.value}-{uuid.uuid4().hex[:8]}@example.org",
        password_hash=_PASSWORD_HASH,
        full_name=name,
        role=role,
        company=company if role is Role.AGENT else None,
        is_member=member,
        # Verified, as every account was before verification existed: the tests of the
        # unverified path make their consumers through `accountRegister`.
        email_verified_at=datetime.now(UTC),
    )
    token = await accounts.issue_token(services, user)
    viewer = await accounts.authenticate(services, token)
    assert viewer is not None
    return Actor(user, viewer, token)


async def make_company(
    moderator: Viewer, name: str = "Telenova", *, email: str | None = None, listed: bool = True
) -> Company:
    return await companies.create(
        moderator,
        companies.CompanyChanges(
            name=name,
            addresses=[email or f"klachten@{uuid.uuid4().hex[:6]}.example"],
            language=Language.NL,
            listed=listed,
        ),
    )


async def make_complaint(
    services: Services,
    consumer: Actor,
    company: Company,
    *,
    visibility: Visibility = Visibility.PUBLIC,
    title: str = "Internet valt elke avond weg",
    description: str = "Sinds drie weken valt mijn internetverbinding elke avond weg.",
    phone: str = "+32 470 12 34 56",
) -> Complaint:
    return await complaints.create(
        services,
        consumer.viewer,
        complaints.ComplaintDraft(
            title=title,
            description=description,
            visibility=visibility,
            company_id=company.id,
            customer_reference="KL-778899",
            phone=phone,
            postal_address="Kerkstraat 1, 9000 Gent",
        ),
    )


def gid(type_name: str, pk: uuid.UUID) -> str:
    return global_id(type_name, pk)


async def expired_token(user: User) -> str:
    from datetime import UTC, datetime, timedelta

    token = security.new_user_token()
    await AccessToken.create(
        token_hash=security.digest(token),
        user=user,
        expires_at=datetime.now(UTC) - timedelta(minutes=1),
    )
    return token
