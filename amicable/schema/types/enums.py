"""The model enumerations, exposed to GraphQL under the same names.

`strawberry.enum` marks the class itself, so the names re-exported here are the model
enums: one definition for the database, the policy and the API.
"""

import strawberry

from amicable.models.enums import (
    AuthorKind,
    Channel,
    ComplaintStatus,
    Language,
    ModerationState,
    Outcome,
    Role,
    Visibility,
)

for _enum in (
    AuthorKind,
    Channel,
    ComplaintStatus,
    Language,
    ModerationState,
    Outcome,
    Role,
    Visibility,
):
    strawberry.enum(_enum)

__all__ = [
    "AuthorKind",
    "Channel",
    "ComplaintStatus",
    "Language",
    "ModerationState",
    "Outcome",
    "Role",
    "Visibility",
]
