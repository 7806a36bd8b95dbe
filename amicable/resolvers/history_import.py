"""`amicable import FILE.jsonl`: a platform's past, loaded with its original timestamps.

Every line is validated before anything is written, and everything is written in one
transaction, so a bad file changes nothing. Lines are written with the lifecycle rules of
the live operations (the first company reply answers, a closing needs an open complaint) and
the same score hooks, so dashboards come out as if the history had happened here. History is
not mailed: nothing is queued in the outbox. The format is in docs/scores.md.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError
from tortoise.transactions import in_transaction

from amicable.infra.validation import normalise_email
from amicable.models import Company, CompanyAddress, Complaint, Message, User
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
from amicable.policy import Capability, role_can
from amicable.resolvers import scores as score_ops
from amicable.resolvers.complaints import CATEGORIES, _unique_reference
from amicable.services import Services

_Text = Annotated[str, Field(min_length=1, max_length=20_000)]


class _Line(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CompanyLine(_Line):
    type: Literal["company"]
    slug: Annotated[str, Field(min_length=1, max_length=120, pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]
    name: Annotated[str, Field(min_length=1, max_length=200)]
    email: Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=254)]
    language: Language = Language.NL
    listed: bool = True
    aliases: list[str] = []


class ComplaintLine(_Line):
    type: Literal["complaint"]
    id: Annotated[str, Field(min_length=1, max_length=100)]
    company: Annotated[str, Field(min_length=1, max_length=120)]
    consumer_email: Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=254)]
    consumer_name: Annotated[str, Field(min_length=1, max_length=200)]
    title: Annotated[str, Field(min_length=1, max_length=200)]
    description: _Text
    desired_solution: str = ""
    category: str = "other"
    visibility: Visibility = Visibility.PRIVATE
    sent_at: AwareDatetime


class MessageLine(_Line):
    type: Literal["message"]
    complaint: Annotated[str, Field(min_length=1, max_length=100)]
    author: Literal["consumer", "company"]
    body: _Text
    at: AwareDatetime


class ClosingLine(_Line):
    type: Literal["closing"]
    complaint: Annotated[str, Field(min_length=1, max_length=100)]
    outcome: Outcome
    comment: Annotated[str, Field(max_length=5000)] = ""
    at: AwareDatetime


_LINE_TYPES: dict[str, type[_Line]] = {
    "company": CompanyLine,
    "complaint": ComplaintLine,
    "message": MessageLine,
    "closing": ClosingLine,
}


class ImportFailed(Exception):
    """A line that cannot be loaded; nothing was loaded."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(f"line {line}: {reason}")
        self.line = line
        self.reason = reason


@dataclass
class ImportReport:
    companies: int = 0
    complaints: int = 0
    messages: int = 0
    closings: int = 0
    consumers: int = 0
    company_ids: set[uuid.UUID] = field(default_factory=set)


async def import_history(services: Services, lines: Iterable[str]) -> ImportReport:
    """Validate every line, then load them all in one transaction, or raise ImportFailed."""
    parsed = _parse(lines, services.now())
    report = ImportReport()
    async with in_transaction():
        loader = _Loader(services, report)
        for number, line in parsed:
            try:
                await loader.load(line)
            except _Refused as refused:
                raise ImportFailed(number, str(refused)) from None
    for company_id in report.company_ids:
        await score_ops.publish_score_updated(services, company_id)
    return report


def _parse(lines: Iterable[str], now: datetime) -> list[tuple[int, _Line]]:
    parsed: list[tuple[int, _Line]] = []
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as error:
            raise ImportFailed(number, f"not JSON ({error.msg})") from None
        if not isinstance(data, dict) or data.get("type") not in _LINE_TYPES:
            raise ImportFailed(number, f"type must be one of {', '.join(_LINE_TYPES)}")
        try:
            line = _LINE_TYPES[data["type"]].model_validate(data)
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(str(part) for part in first["loc"]) or "line"
            raise ImportFailed(number, f"{where}: {first['msg']}") from None
        moment = getattr(line, "sent_at", None) or getattr(line, "at", None)
        if moment is not None and moment > now:
            raise ImportFailed(number, "a timestamp in the future")
        if isinstance(line, ComplaintLine) and line.category not in CATEGORIES:
            raise ImportFailed(number, f"category must be one of {', '.join(CATEGORIES)}")
        parsed.append((number, line))
    return parsed


class _Refused(Exception):
    pass


class _Loader:
    def __init__(self, services: Services, report: ImportReport) -> None:
        self.services = services
        self.report = report
        self.complaints: dict[str, Complaint] = {}

    async def load(self, line: _Line) -> None:
        if isinstance(line, CompanyLine):
            await self._company(line)
        elif isinstance(line, ComplaintLine):
            await self._complaint(line)
        elif isinstance(line, MessageLine):
            await self._message(line)
        elif isinstance(line, ClosingLine):
            await self._closing(line)

    async def _company(self, line: CompanyLine) -> None:
        if await Company.exists(slug=line.slug):
            raise _Refused(f"a company with slug {line.slug!r} exists already")
        company = Company(
            name=line.name.strip(),
            slug=line.slug,
            aliases=[a.strip() for a in line.aliases if a.strip()],
            language=line.language,
            listed=line.listed,
        )
        company.refresh_search_text()
        await company.save()
        await CompanyAddress.create(company=company, email=normalise_email(line.email), position=0)
        self.report.companies += 1

    async def _complaint(self, line: ComplaintLine) -> None:
        if line.id in self.complaints:
            raise _Refused(f"complaint id {line.id!r} appears twice")
        company = await Company.get_or_none(slug=line.company)
        if company is None:
            raise _Refused(f"no company with slug {line.company!r} (in the file or the database)")
        consumer = await self._consumer(line.consumer_email, line.consumer_name)
        complaint = await Complaint.create(
            reference=await _unique_reference(),
            consumer=consumer,
            company=company,
            title=line.title.strip(),
            description=line.description.strip(),
            desired_solution=line.desired_solution.strip(),
            category=line.category,
            public_title=line.title.strip(),
            public_description=line.description.strip(),
            public_desired_solution=line.desired_solution.strip(),
            visibility=line.visibility,
            status=ComplaintStatus.WAITING_FOR_COMPANY,
            created_at=line.sent_at,
            last_activity_at=line.sent_at,
            sent_at=line.sent_at,
        )
        await score_ops.complaint_sent(self.services, complaint)
        self.complaints[line.id] = complaint
        self.report.complaints += 1
        self.report.company_ids.add(company.id)

    async def _consumer(self, email: str, name: str) -> User:
        email = normalise_email(email)
        user = await User.get_or_none(email=email)
        if user is not None:
            if not role_can(user.role, Capability.FILE_COMPLAINTS):
                raise _Refused(f"{email} belongs to an account that is not a consumer's")
            return user
        self.report.consumers += 1
        # No password: the consumer sets one through the ordinary reset before signing in.
        return await User.create(
            email=email, password_hash="", full_name=name.strip(), role=Role.CONSUMER
        )

    def _known(self, key: str, at: datetime) -> Complaint:
        complaint = self.complaints.get(key)
        if complaint is None:
            raise _Refused(f"complaint {key!r} is not defined on an earlier line")
        assert complaint.sent_at is not None
        if at < complaint.sent_at:
            raise _Refused("earlier than the complaint was sent")
        return complaint

    async def _message(self, line: MessageLine) -> None:
        complaint = self._known(line.complaint, line.at)
        company_reply = line.author == "company"
        await Message.create(
            complaint=complaint,
            author_kind=AuthorKind.COMPANY if company_reply else AuthorKind.CONSUMER,
            author_user_id=None if company_reply else complaint.consumer_id,
            channel=Channel.EMAIL if company_reply else Channel.WEB,
            body=line.body,
            public_body=line.body,
            moderation_state=ModerationState.PUBLISHED,
            created_at=line.at,
        )
        # The lifecycle of messages.append_message: the first company reply answers.
        if company_reply and complaint.first_company_reply_at is None:
            complaint.first_company_reply_at = line.at
            if complaint.status is ComplaintStatus.WAITING_FOR_COMPANY:
                complaint.status = ComplaintStatus.ANSWERED
            await complaint.save(update_fields=["first_company_reply_at", "status"])
            await score_ops.first_reply_recorded(self.services, complaint)
        self.report.messages += 1

    async def _closing(self, line: ClosingLine) -> None:
        complaint = self._known(line.complaint, line.at)
        if complaint.status not in (ComplaintStatus.WAITING_FOR_COMPANY, ComplaintStatus.ANSWERED):
            raise _Refused("the complaint is closed already")
        window = timedelta(days=self.services.settings.feedback_window_days)
        replied = complaint.first_company_reply_at
        if replied is not None and line.at > replied + window:
            raise _Refused("later than the feedback period after the company's first reply")
        complaint.status = ComplaintStatus(line.outcome.value)
        complaint.outcome = line.outcome
        complaint.feedback_comment = line.comment.strip()
        complaint.closed_at = line.at
        await complaint.save()
        await score_ops.complaint_closed(self.services, complaint)
        self.report.closings += 1
