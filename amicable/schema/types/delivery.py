"""The complaint's mail to the company, as its readers may see it."""

from __future__ import annotations

from datetime import datetime

import strawberry

from amicable import models
from amicable.resolvers.delivery import Delivery, DeliveryState
from amicable.schema.permissions import CanSeeDeliveryErrors, private
from amicable.schema.types.enums import expose

expose(
    DeliveryState,
    "Where the complaint's mail to the company stands (docs/mail.md).",
    {
        DeliveryState.NOT_SENT: "Not handed to the mail system yet (waiting for moderation).",
        DeliveryState.NO_ADDRESS: "The company had no working address; nothing was queued.",
        DeliveryState.QUEUED: "Waiting for the mail worker.",
        DeliveryState.RETRYING: "The relay was unreachable or answered 4xx; tried again later.",
        DeliveryState.SENT: "The relay accepted it.",
        DeliveryState.FAILED: "Refused, every retry spent, or bounced after acceptance.",
    },
)


@strawberry.type(
    name="ComplaintDelivery",
    description="The complaint's mail to the company: its consumer, the company's agents and "
    "moderators read it; error details are for moderators.",
)
class ComplaintDeliveryType:
    complaint_model: strawberry.Private[models.Complaint]
    delivery: strawberry.Private[Delivery]

    @strawberry.field(description="Where the mail stands.")
    def state(self) -> DeliveryState:
        return self.delivery.state

    @strawberry.field(
        description="When the relay accepted the mail (not when it was queued); null until then."
    )
    def sent_at(self) -> datetime | None:
        return self.delivery.sent_at

    @strawberry.field(
        extensions=private(CanSeeDeliveryErrors()), description="Delivery attempts so far."
    )
    def attempts(self) -> int | None:
        return self.delivery.attempts

    @strawberry.field(
        extensions=private(CanSeeDeliveryErrors()),
        description="The relay's last answer, or the delivery report's diagnostic.",
    )
    def last_error(self) -> str | None:
        return self.delivery.last_error or None
