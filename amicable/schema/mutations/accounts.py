"""accountRegister, tokenCreate, tokenRevoke, apiKeyCreate."""

from __future__ import annotations

import strawberry

from amicable.resolvers import accounts as account_ops
from amicable.schema.context import Info
from amicable.schema.mutations._attempt import attempt
from amicable.schema.permissions import IsAuthenticated, IsModerator, IsUser, requires
from amicable.schema.types.enums import Language
from amicable.schema.types.errors import UserError
from amicable.schema.types.user import ApiKeyType, UserType


@strawberry.input
class AccountRegisterInput:
    email: str
    password: str = strawberry.field(description="At least 10 characters.")
    full_name: str
    language: Language = Language.NL


@strawberry.type
class AccountRegisterPayload:
    user: UserType | None = None
    token: str | None = strawberry.field(default=None, description="A bearer token to sign in.")
    errors: list[UserError]


@strawberry.input
class TokenCreateInput:
    email: str
    password: str


@strawberry.type
class TokenCreatePayload:
    token: str | None = None
    user: UserType | None = None
    errors: list[UserError]


@strawberry.type
class TokenRevokePayload:
    revoked: bool
    errors: list[UserError]


@strawberry.input
class ApiKeyCreateInput:
    partner_name: str


@strawberry.type
class ApiKeyCreatePayload:
    api_key: ApiKeyType | None = None
    key: str | None = strawberry.field(
        default=None, description="The secret; shown once, stored only as a hash."
    )
    errors: list[UserError]


@strawberry.type
class AccountMutations:
    @strawberry.mutation(description="Sign up as a consumer.")
    async def account_register(
        self, info: Info, input: AccountRegisterInput
    ) -> AccountRegisterPayload:
        issued, errors = await attempt(
            account_ops.register(
                info.context.services,
                email=input.email,
                password=input.password,
                full_name=input.full_name,
                language=input.language,
                client_key=info.context.client_key,
            )
        )
        if issued is None:
            return AccountRegisterPayload(errors=errors)
        return AccountRegisterPayload(
            user=UserType.from_model(issued.user), token=issued.token, errors=[]
        )

    @strawberry.mutation(description="Sign in: a bearer token for the Authorization header.")
    async def token_create(self, info: Info, input: TokenCreateInput) -> TokenCreatePayload:
        issued, errors = await attempt(
            account_ops.create_token(
                info.context.services,
                email=input.email,
                password=input.password,
                client_key=info.context.client_key,
            )
        )
        if issued is None:
            return TokenCreatePayload(errors=errors)
        return TokenCreatePayload(
            token=issued.token, user=UserType.from_model(issued.user), errors=[]
        )

    @strawberry.mutation(
        description="Sign out: revoke the token this request carries.",
        extensions=requires(IsAuthenticated(), IsUser()),
    )
    async def token_revoke(self, info: Info) -> TokenRevokePayload:
        _, errors = await attempt(
            account_ops.revoke_token(info.context.services, info.context.viewer)
        )
        return TokenRevokePayload(revoked=not errors, errors=errors)

    @strawberry.mutation(
        description="Create a partner's read-only API key (moderators).",
        extensions=requires(IsAuthenticated(), IsModerator()),
    )
    async def api_key_create(self, info: Info, input: ApiKeyCreateInput) -> ApiKeyCreatePayload:
        created, errors = await attempt(
            account_ops.create_api_key(info.context.viewer, partner_name=input.partner_name)
        )
        if created is None:
            return ApiKeyCreatePayload(errors=errors)
        api_key, secret = created
        return ApiKeyCreatePayload(api_key=ApiKeyType.from_model(api_key), key=secret, errors=[])
