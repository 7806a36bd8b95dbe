"""A person's own account: verification, password reset and change, email change,
profile, signing out everywhere."""

from __future__ import annotations

from typing import Annotated

import strawberry

from amicable.models import User
from amicable.resolvers import credentials, verification
from amicable.schema.context import Info
from amicable.schema.mutations._attempt import attempt
from amicable.schema.permissions import IsAuthenticated, IsUser, requires
from amicable.schema.types.enums import Language
from amicable.schema.types.errors import ERRORS, INPUT, UserError
from amicable.schema.types.user import UserType


@strawberry.type(description="The account as it is now, or why not.")
class AccountPayload:
    user: UserType | None = strawberry.field(default=None, description="The account as it is now.")
    errors: list[UserError] = strawberry.field(description=ERRORS)


@strawberry.type(description="Done, or why not.")
class DonePayload:
    ok: bool = strawberry.field(description="True when done.")
    errors: list[UserError] = strawberry.field(description=ERRORS)


@strawberry.type(description="How many sessions ended, or why not.")
class TokenRevokeAllPayload:
    revoked_count: int = strawberry.field(description="How many sessions were ended.")
    errors: list[UserError] = strawberry.field(description=ERRORS)


@strawberry.input(description="The verification link's token.")
class AccountVerifyEmailInput:
    token: str = strawberry.field(description="The token from the mailed link.")


@strawberry.input(description="The account's address, mailed a reset link.")
class PasswordResetRequestInput:
    email: str = strawberry.field(description="The account's address.")


@strawberry.input(description="A new password with the reset link's token.")
class PasswordResetConfirmInput:
    token: str = strawberry.field(description="The token from the mailed link.")
    new_password: str = strawberry.field(description="At least 10 characters.")


@strawberry.input(description="The current password and a new one.")
class PasswordChangeInput:
    current_password: str = strawberry.field(description="The current password.")
    new_password: str = strawberry.field(description="At least 10 characters.")


@strawberry.input(description="A new address for the account, mailed a link to confirm.")
class EmailChangeRequestInput:
    new_email: str = strawberry.field(description="The new address.")
    password: str = strawberry.field(description="The account's password.")


@strawberry.input(description="The email change link's token.")
class EmailChangeConfirmInput:
    token: str = strawberry.field(description="The token from the mailed link.")


@strawberry.input(description="What to change on the signed-in account; omitted fields stay.")
class AccountUpdateInput:
    full_name: str | None = strawberry.field(default=None, description="The new full name.")
    language: Language | None = strawberry.field(
        default=None, description="The new language of mail and messages."
    )


def _account(user: User | None, errors: list[UserError]) -> AccountPayload:
    if user is None:
        return AccountPayload(errors=errors)
    return AccountPayload(user=UserType.from_model(user), errors=[])


@strawberry.type
class AccountLifecycleMutations:
    @strawberry.mutation(
        description="Verify the account's email address with the mailed link's token; "
        "complaints that waited for it are sent."
    )
    async def account_verify_email(
        self,
        info: Info,
        input: Annotated[AccountVerifyEmailInput, strawberry.argument(description=INPUT)],
    ) -> AccountPayload:
        user, errors = await attempt(verification.verify_email(info.context.services, input.token))
        return _account(user, errors)

    @strawberry.mutation(
        description="Mail the verification link again.",
        extensions=requires(IsAuthenticated(), IsUser()),
    )
    async def account_resend_verification(self, info: Info) -> AccountPayload:
        user, errors = await attempt(
            verification.resend(info.context.services, info.context.viewer)
        )
        return _account(user, errors)

    @strawberry.mutation(
        description="Mail a password reset link. The answer is the same whether or not the "
        "address has an account."
    )
    async def password_reset_request(
        self,
        info: Info,
        input: Annotated[PasswordResetRequestInput, strawberry.argument(description=INPUT)],
    ) -> DonePayload:
        _, errors = await attempt(
            credentials.request_password_reset(
                info.context.services, input.email, client_key=info.context.client_key
            )
        )
        return DonePayload(ok=not errors, errors=errors)

    @strawberry.mutation(
        description="Set a new password with the mailed link's token; every session ends."
    )
    async def password_reset_confirm(
        self,
        info: Info,
        input: Annotated[PasswordResetConfirmInput, strawberry.argument(description=INPUT)],
    ) -> DonePayload:
        _, errors = await attempt(
            credentials.confirm_password_reset(
                info.context.services, input.token, input.new_password
            )
        )
        return DonePayload(ok=not errors, errors=errors)

    @strawberry.mutation(
        description="Change the password; the account's other sessions end.",
        extensions=requires(IsAuthenticated(), IsUser()),
    )
    async def password_change(
        self,
        info: Info,
        input: Annotated[PasswordChangeInput, strawberry.argument(description=INPUT)],
    ) -> AccountPayload:
        user, errors = await attempt(
            credentials.change_password(
                info.context.services,
                info.context.viewer,
                input.current_password,
                input.new_password,
            )
        )
        return _account(user, errors)

    @strawberry.mutation(
        description="Mail a confirmation link to a new address; it changes when followed.",
        extensions=requires(IsAuthenticated(), IsUser()),
    )
    async def email_change_request(
        self,
        info: Info,
        input: Annotated[EmailChangeRequestInput, strawberry.argument(description=INPUT)],
    ) -> AccountPayload:
        user, errors = await attempt(
            credentials.request_email_change(
                info.context.services, info.context.viewer, input.new_email, input.password
            )
        )
        return _account(user, errors)

    @strawberry.mutation(description="Confirm a new address with the mailed link's token.")
    async def email_change_confirm(
        self,
        info: Info,
        input: Annotated[EmailChangeConfirmInput, strawberry.argument(description=INPUT)],
    ) -> AccountPayload:
        user, errors = await attempt(
            credentials.confirm_email_change(info.context.services, input.token)
        )
        return _account(user, errors)

    @strawberry.mutation(
        description="Change the profile: full name, language.",
        extensions=requires(IsAuthenticated(), IsUser()),
    )
    async def account_update(
        self,
        info: Info,
        input: Annotated[AccountUpdateInput, strawberry.argument(description=INPUT)],
    ) -> AccountPayload:
        user, errors = await attempt(
            credentials.update_profile(
                info.context.services,
                info.context.viewer,
                full_name=input.full_name,
                language=input.language,
            )
        )
        return _account(user, errors)

    @strawberry.mutation(
        description="Sign out everywhere: revoke every token of the account, this one too.",
        extensions=requires(IsAuthenticated(), IsUser()),
    )
    async def token_revoke_all(self, info: Info) -> TokenRevokeAllPayload:
        count, errors = await attempt(
            credentials.sign_out_everywhere(info.context.services, info.context.viewer)
        )
        return TokenRevokeAllPayload(revoked_count=count or 0, errors=errors)
