"""accountRegister, tokenCreate, tokenRevoke, apiKeyCreate."""

from __future__ import annotations

from typing import Annotated

import strawberry

from amicable.resolvers import accounts as account_ops
from amicable.schema.context import Info
from amicable.schema.mutations._attempt import attempt
from amicable.schema.permissions import IsAuthenticated, IsModerator, IsUser, requires
from amicable.schema.types.enums import Language
from amicable.schema.types.errors import ERRORS, INPUT, UserError
from amicable.schema.types.user import ApiKeyType, UserType


@strawberry.input(description="A new consumer account.")
class AccountRegisterInput:
    email: str = strawberry.field(description="The address to sign in with; verified by mail.")
    password: str = strawberry.field(description="At least 10 characters.")
    full_name: str = strawberry.field(
        description="Shown to the company; the public sees a pseudonym."
    )
    language: Language = strawberry.field(
        default=Language.NL, description="The language of mail and messages to this account."
    )


@strawberry.type(description="The new account and a token to use it, or why not.")
class AccountRegisterPayload:
    user: UserType | None = strawberry.field(default=None, description="The new account.")
    token: str | None = strawberry.field(default=None, description="A bearer token to sign in.")
    errors: list[UserError] = strawberry.field(description=ERRORS)


@strawberry.input(description="Credentials to sign in with.")
class TokenCreateInput:
    email: str = strawberry.field(description="The account's email address.")
    password: str = strawberry.field(description="The account's password.")


@strawberry.type(description="A bearer token and its account, or why not.")
class TokenCreatePayload:
    token: str | None = strawberry.field(
        default=None, description="A bearer token for the Authorization header."
    )
    user: UserType | None = strawberry.field(default=None, description="The signed-in account.")
    errors: list[UserError] = strawberry.field(description=ERRORS)


@strawberry.type(description="Whether the token was revoked.")
class TokenRevokePayload:
    revoked: bool = strawberry.field(description="The token no longer works.")
    errors: list[UserError] = strawberry.field(description=ERRORS)


@strawberry.input(description="A partner's read-only key.")
class ApiKeyCreateInput:
    partner_name: str = strawberry.field(description="Who the key is for.")


@strawberry.type(description="The new key (its secret shown once), or why not.")
class ApiKeyCreatePayload:
    api_key: ApiKeyType | None = strawberry.field(
        default=None, description="The new key, without its secret."
    )
    key: str | None = strawberry.field(
        default=None, description="The secret; shown once, stored only as a hash."
    )
    errors: list[UserError] = strawberry.field(description=ERRORS)


@strawberry.type
class AccountMutations:
    @strawberry.mutation(description="Sign up as a consumer.")
    async def account_register(
        self,
        info: Info,
        input: Annotated[AccountRegisterInput, strawberry.argument(description=INPUT)],
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
    async def token_create(
        self, info: Info, input: Annotated[TokenCreateInput, strawberry.argument(description=INPUT)]
    ) -> TokenCreatePayload:
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
    async def api_key_create(
        self,
        info: Info,
        input: Annotated[ApiKeyCreateInput, strawberry.argument(description=INPUT)],
    ) -> ApiKeyCreatePayload:
        created, errors = await attempt(
            account_ops.create_api_key(info.context.viewer, partner_name=input.partner_name)
        )
        if created is None:
            return ApiKeyCreatePayload(errors=errors)
        api_key, secret = created
        return ApiKeyCreatePayload(api_key=ApiKeyType.from_model(api_key), key=secret, errors=[])
