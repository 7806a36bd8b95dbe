"""Write operations, noun-first, each returning a payload with `errors: [UserError!]!`."""

import strawberry

from amicable.schema.mutations.accounts import AccountMutations
from amicable.schema.mutations.companies import CompanyMutations
from amicable.schema.mutations.complaints import ComplaintMutations


@strawberry.type
class Mutation(AccountMutations, ComplaintMutations, CompanyMutations):
    pass
