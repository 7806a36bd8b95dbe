"""Events, named in the past tense. They carry ids only: a subscriber reloads what it needs
and asks the policy whether its viewer may see it, so no private data travels the bus."""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from dataclasses import asdict, dataclass, fields
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
class ComplaintCreated(Event):
    name: ClassVar[str] = "ComplaintCreated"
    complaint_id: str
    company_id: str

    def channels(self) -> list[str]:
        return [complaint_channel(self.complaint_id), company_channel(self.company_id)]


@dataclass(frozen=True, slots=True)
class ComplaintUpdated(Event):
    name: ClassVar[str] = "ComplaintUpdated"
    complaint_id: str
    company_id: str

    def channels(self) -> list[str]:
        return [complaint_channel(self.complaint_id), company_channel(self.company_id)]


@dataclass(frozen=True, slots=True)
class MessageAdded(Event):
    name: ClassVar[str] = "MessageAdded"
    complaint_id: str
    company_id: str
    message_id: str

    def channels(self) -> list[str]:
        return [complaint_channel(self.complaint_id), company_channel(self.company_id)]


EVENT_TYPES: dict[str, type[Event]] = {
    cls.name: cls for cls in (ComplaintCreated, ComplaintUpdated, MessageAdded)
}


def event_from_json(raw: str) -> Event:
    data = json.loads(raw)
    cls = EVENT_TYPES[data.pop("event")]
    names = {f.name for f in fields(cls)}
    return cls(**{k: v for k, v in data.items() if k in names})


def complaint_channel(complaint_id: str) -> str:
    return f"complaint:{complaint_id}"


def company_channel(company_id: str) -> str:
    return f"company:{company_id}"
