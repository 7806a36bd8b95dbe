"""The model enumerations, exposed to GraphQL under the same names."""

import strawberry

from amicable.models import enums

ComplaintStatus = strawberry.enum(enums.ComplaintStatus, name="ComplaintStatus")
Visibility = strawberry.enum(enums.Visibility, name="Visibility")
Outcome = strawberry.enum(enums.Outcome, name="Outcome")
AuthorKind = strawberry.enum(enums.AuthorKind, name="AuthorKind")
Channel = strawberry.enum(enums.Channel, name="Channel")
ModerationState = strawberry.enum(enums.ModerationState, name="ModerationState")
Language = strawberry.enum(enums.Language, name="Language")
Role = strawberry.enum(enums.Role, name="Role")
