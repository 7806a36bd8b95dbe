"""Why an inbound mail was not posted, and what each door answers for it.

    InboundRejected
    ├── Acknowledged            accepted; nothing is posted
    │   ├── DuplicateMessage    a Message-ID seen before (a redelivery)
    │   ├── LoopDetected        our own mail coming back
    │   ├── BounceReceived      a delivery status notification (RFC 3464)
    │   ├── AutoReplyReceived   an out-of-office or other automatic reply (RFC 3834)
    │   ├── CorrectionReceived  a company wrote to the moderators: a correction request
    │   ├── EmptyReply          nothing new once the quoted history is removed (held)
    │   └── Unprocessable       the mail could not be processed as it is (held)
    ├── PermanentRejection      refused; the sender's server tells the sender
    │   ├── UnknownRecipient    not one of our addresses
    │   ├── UnknownCompany      to the moderators, from no company we know
    │   ├── Unroutable          ours, but no thread matches it
    │   ├── MessageTooLarge
    │   ├── MalformedMessage
    │   └── ThreadClosed        the complaint takes no messages (not published)
    └── TemporaryFailure        try again later (the database down)
        └── RateLimited         too many mails from this sender

Every class declares its own `disposition` (accepted, held, permanent or temporary) in its
own body: a class that does not is refused when it is defined, so a new rejection can
never fall through to a temporary refusal, which would make the sender's server retry a
mail that can never succeed. `verdict_for` maps the disposition to each door's answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Literal

Disposition = Literal["accepted", "held", "permanent", "temporary"]
DISPOSITIONS = ("accepted", "held", "permanent", "temporary")

# sysexits.h, which MTAs' pipe transports read: 0 delivered, 65 EX_DATAERR (bounce),
# 67 EX_NOUSER (bounce: unknown user), 75 EX_TEMPFAIL (queue and retry).
EX_OK, EX_DATAERR, EX_NOUSER, EX_TEMPFAIL = 0, 65, 67, 75


class InboundRejected(Exception):
    outcome: ClassVar[str] = "REJECTED"
    disposition: ClassVar[Disposition] = "permanent"
    # What a refusal answers: the SMTP reply, the pipe's exit code, the HTTP status.
    smtp_reply: ClassVar[str] = "554 5.0.0 Message refused"
    exit_code: ClassVar[int] = EX_DATAERR
    http_status: ClassVar[int] = 422

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        declared = cls.__dict__.get("disposition")
        if declared not in DISPOSITIONS:
            raise TypeError(f"{cls.__name__} must declare its own disposition")


class Acknowledged(InboundRejected):
    disposition: ClassVar[Disposition] = "accepted"


class DuplicateMessage(Acknowledged):
    outcome = "DUPLICATE"
    disposition = "accepted"


class LoopDetected(Acknowledged):
    outcome = "LOOP"
    disposition = "accepted"


class BounceReceived(Acknowledged):
    outcome = "BOUNCE"
    disposition = "accepted"


class AutoReplyReceived(Acknowledged):
    outcome = "AUTO_REPLY"
    disposition = "accepted"


class CorrectionReceived(Acknowledged):
    outcome = "CORRECTION_REQUEST"
    disposition = "accepted"


class EmptyReply(Acknowledged):
    outcome = "EMPTY"
    disposition = "held"


class Unprocessable(Acknowledged):
    outcome = "UNPROCESSABLE"
    disposition = "held"


class PermanentRejection(InboundRejected):
    disposition: ClassVar[Disposition] = "permanent"


class UnknownRecipient(PermanentRejection):
    outcome = "UNKNOWN_RECIPIENT"
    disposition = "permanent"
    smtp_reply = "550 5.1.1 No such recipient here"
    exit_code = EX_NOUSER
    http_status = 404


class Unroutable(PermanentRejection):
    outcome = "UNROUTABLE"
    disposition = "permanent"
    smtp_reply = "550 5.1.1 No such recipient here"
    exit_code = EX_NOUSER
    http_status = 404


class MessageTooLarge(PermanentRejection):
    outcome = "TOO_LARGE"
    disposition = "permanent"
    smtp_reply = "552 5.3.4 Message too large"
    http_status = 413


class MalformedMessage(PermanentRejection):
    outcome = "MALFORMED"
    disposition = "permanent"
    smtp_reply = "554 5.6.0 Message could not be read"
    http_status = 422


class UnknownCompany(PermanentRejection):
    outcome = "UNKNOWN_COMPANY"
    disposition = "permanent"
    smtp_reply = "550 5.7.1 The moderators take mail from the companies' own addresses only"
    http_status = 403


class ThreadClosed(PermanentRejection):
    outcome = "THREAD_CLOSED"
    disposition = "permanent"
    smtp_reply = "550 5.7.1 This complaint takes no messages"
    http_status = 409


class TemporaryFailure(InboundRejected):
    outcome = "TEMPORARY_FAILURE"
    disposition: ClassVar[Disposition] = "temporary"
    smtp_reply = "451 4.3.0 Try again later"
    exit_code = EX_TEMPFAIL
    http_status = 503


class RateLimited(TemporaryFailure):
    outcome = "RATE_LIMITED"
    disposition = "temporary"
    smtp_reply = "451 4.7.1 Too many messages; try again later"
    http_status = 429


@dataclass(frozen=True)
class Verdict:
    outcome: str
    smtp_reply: str
    exit_code: int
    http_status: int
    detail: str = ""

    @property
    def accepted(self) -> bool:
        return self.exit_code == EX_OK


def posted(held: bool) -> Verdict:
    if held:
        return Verdict("HELD", "250 2.0.0 OK: held for moderation", EX_OK, 200)
    return Verdict("POSTED", "250 2.0.0 OK: posted", EX_OK, 200)


def verdict_for(error: InboundRejected) -> Verdict:
    """The one mapping from a rejection to what each door answers, by its disposition."""
    detail = str(error)
    kind = type(error)
    if kind.disposition == "accepted":
        return Verdict(kind.outcome, f"250 2.0.0 OK: {kind.outcome.lower()}", EX_OK, 200, detail)
    if kind.disposition == "held":
        return Verdict(kind.outcome, "250 2.0.0 OK: held for moderation", EX_OK, 200, detail)
    if kind.disposition == "temporary":
        return Verdict(kind.outcome, kind.smtp_reply, EX_TEMPFAIL, kind.http_status, detail)
    return Verdict(kind.outcome, kind.smtp_reply, kind.exit_code, kind.http_status, detail)
