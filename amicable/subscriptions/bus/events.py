"""Events, named in the past tense. They carry ids only: a subscriber reloads what it needs
and asks the policy whether its viewer may see it, so no private data travels the bus.

Channels (internal names; who receives what is decided per event by the policy, never by
the channel alone):

    complaint:<id>        everything about one complaint (messageAdded, complaintUpdated)
    company:<id>          complaints and messages of one company (agents' notifications)
    user:<id>             a consumer's own complaints (their notifications)
    moderation            new moderation queue items (moderators' notifications)
    company-score:<id>    a company's score changed (companyScoreUpdated)
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from dataclasses import asdict, dataclass, fields, replace
from typing import ClassVar


@dataclass(frozen=True, slots=True)
class Event(ABC):
    name: ClassVar[str] = ""

    @abstractmethod
    def channels(self) -> list[str]:
        """The channels this event is published on."""

    def to_json(self) -> str:
        return json.dumps({"event": self.name, **asdict(self)})


@dataclass(frozen=True, slots=True)
class ComplaintEvent(Event):
    """Something happened to a complaint. Each subclass ends with `consumer_id`, which
    routes it to the consumer's feed; a publisher that does not know it leaves it empty and
    the publishing operation looks it up (`amicable.resolvers.publish`)."""

    complaint_id: str
    company_id: str

    @property
    def consumer(self) -> str:
        # Every subclass declares `consumer_id` after its own positional fields (a field here
        # would come before them).
        return str(getattr(self, "consumer_id", ""))

    def channels(self) -> list[str]:
        channels = [complaint_channel(self.complaint_id), company_channel(self.company_id)]
        if self.consumer:
            channels.append(user_channel(self.consumer))
        return channels

    def with_consumer(self, consumer_id: str) -> ComplaintEvent:
        return replace(self, consumer_id=consumer_id)  # type: ignore[call-arg]


@dataclass(frozen=True, slots=True)
class ComplaintCreated(ComplaintEvent):
    name: ClassVar[str] = "ComplaintCreated"
    consumer_id: str = ""


@dataclass(frozen=True, slots=True)
class ComplaintUpdated(ComplaintEvent):
    name: ClassVar[str] = "ComplaintUpdated"
    consumer_id: str = ""


@dataclass(frozen=True, slots=True)
class MessageAdded(ComplaintEvent):
    """A message was posted, or changed since (approved, redacted, rejected): subscribers
    reload it and receive its current state. `withdrawn` marks a published message that
    was taken down, so those who saw it can be told it is gone."""

    name: ClassVar[str] = "MessageAdded"
    message_id: str
    consumer_id: str = ""
    withdrawn: bool = False


@dataclass(frozen=True, slots=True)
class ModerationItemAdded(Event):
    """An item joined the moderation queue (a flagged complaint or message, a report, a
    bounced company address). The ids say what it concerns, if anything."""

    name: ClassVar[str] = "ModerationItemAdded"
    item_id: str
    complaint_id: str = ""
    message_id: str = ""

    def channels(self) -> list[str]:
        return [moderation_channel()]


@dataclass(frozen=True, slots=True)
class CompanyScoreUpdated(Event):
    name: ClassVar[str] = "CompanyScoreUpdated"
    company_id: str

    def channels(self) -> list[str]:
        return [company_score_channel(self.company_id)]


EVENT_TYPES: dict[str, type[Event]] = {
    cls.name: cls
    for cls in (
        ComplaintCreated,
        ComplaintUpdated,
        MessageAdded,
        ModerationItemAdded,
        CompanyScoreUpdated,
    )
}


class UnknownEvent(ValueError):
    """A payload on the bus that this version cannot read (for example from a newer
    process during a rolling deploy); skipped, not fatal."""


def event_from_json(raw: str | bytes) -> Event:
    try:
        data = json.loads(raw)
        cls = EVENT_TYPES[data.pop("event")]
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise UnknownEvent(str(raw)[:200]) from error


def complaint_channel(complaint_id: str) -> str:
    return f"complaint:{complaint_id}"


def company_channel(company_id: str) -> str:
    return f"company:{company_id}"


def user_channel(user_id: str) -> str:
    return f"user:{user_id}"


def moderation_channel() -> str:
    return "moderation"


def company_score_channel(company_id: str) -> str:
    return f"company-score:{company_id}"
