"""A complaint category with its names in the three languages of the platform."""

from __future__ import annotations

import strawberry

from amicable.infra.message_names import CATEGORY_LABELS
from amicable.schema.context import Info
from amicable.schema.types.enums import ComplaintCategory, Language


@strawberry.type(description="The names of one thing in the platform's three languages.")
class LocalizedText:
    nl: str = strawberry.field(description="In Dutch.")
    fr: str = strawberry.field(description="In French.")
    en: str = strawberry.field(description="In English.")


@strawberry.type(name="Category", description="A complaint category and its names.")
class CategoryType:
    value: ComplaintCategory = strawberry.field(
        description="The value to send in `ComplaintCreateInput.category` and list filters."
    )

    @strawberry.field(description="Its name in the viewer's language.")
    async def label(self, info: Info) -> str:
        language = await info.context.language()
        return CATEGORY_LABELS[self.value][language]

    @strawberry.field(description="Its name in Dutch, French and English.")
    def labels(self) -> LocalizedText:
        words = CATEGORY_LABELS[self.value]
        return LocalizedText(nl=words[Language.NL], fr=words[Language.FR], en=words[Language.EN])
