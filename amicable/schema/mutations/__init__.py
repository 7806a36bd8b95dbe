"""Write operations, noun-first, each returning a payload with `errors: [UserError!]!`."""

import strawberry

from amicable.schema.mutations.account_lifecycle import AccountLifecycleMutations
from amicable.schema.mutations.accounts import AccountMutations
from amicable.schema.mutations.attachments import AttachmentMutations
from amicable.schema.mutations.companies import CompanyMutations
from amicable.schema.mutations.complaints import ComplaintMutations
from amicable.schema.mutations.data_rights import DataRightsMutations
from amicable.schema.mutations.escalations import EscalationMutations
from amicable.schema.mutations.moderation import ModerationMutations
from amicable.schema.mutations.nudges import NudgeMutations
from amicable.schema.mutations.onboarding import OnboardingMutations
from amicable.schema.operations import OperatorMutations


@strawberry.type(
    description="What the API changes; expected failures come back in each payload's `errors`."
)
class Mutation(
    AccountMutations,
    ComplaintMutations,
    CompanyMutations,
    ModerationMutations,
    EscalationMutations,
    DataRightsMutations,
    OperatorMutations,
    AccountLifecycleMutations,
    OnboardingMutations,
    AttachmentMutations,
    NudgeMutations,
):
    pass
