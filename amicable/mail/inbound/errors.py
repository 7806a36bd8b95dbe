"""Why an inbound mail was not posted, and what each door answers for it.

    InboundRejected
    ├── Acknowledged            accepted; nothing is posted
    │   ├── DuplicateMessage    a Message-ID seen before (a redelivery)
    │   ├── LoopDetected        our own mail coming back
    │   ├── BounceReceived      a delivery status notification (RFC 3464)
    │   ├── AutoReplyReceived   an out-of-office or other automatic reply (RFC 3834)
    │   ├── CorrectionReceived  a company wrote to the moderators: a correction request
    │   └── EmptyReply          nothing new once the quoted history is removed
    ├── PermanentRejection      refused; the sender's server tells the sender
    │   ├── UnknownRecipient    not one of our addresses
    │   ├── UnknownCompany      to the moderators, from no company we know
    │   ├── Unroutable          ours, but no thread matches it
    │   ├── MessageTooLarge
    │   ├── MalformedMessage
    │   └── ThreadClosed        the complaint takes no messages (not published)
    └── TemporaryFailure        try again later
        └── RateLimited         too many mails from this sender

`verdict_for` is the one place that maps them to an outcome per door.
"""

from __future__ import annotations

from dataclasses import dataclass


class InboundRejected(Exception):
    outcome = "REJECTED"


class Acknowledged(InboundRejected):
    pass


class DuplicateMessage(Acknowledged):
    outcome = "DUPLICATE"


class LoopDetected(Acknowledged):
    outcome = "LOOP"


class BounceReceived(Acknowledged):
    outcome = "BOUNCE"


class AutoReplyReceived(Acknowledged):
    outcome = "AUTO_REPLY"


class CorrectionReceived(Acknowledged):
    outcome = "CORRECTION_REQUEST"


class EmptyReply(Acknowledged):
    outcome = "EMPTY"


class PermanentRejection(InboundRejected):
    pass


class UnknownRecipient(PermanentRejection):
    outcome = "UNKNOWN_RECIPIENT"


class Unroutable(PermanentRejection):
    outcome = "UNROUTABLE"


class MessageTooLarge(PermanentRejection):
    outcome = "TOO_LARGE"


class MalformedMessage(PermanentRejection):
    outcome = "MALFORMED"


class UnknownCompany(PermanentRejection):
    outcome = "UNKNOWN_COMPANY"


class ThreadClosed(PermanentRejection):
    outcome = "THREAD_CLOSED"


class TemporaryFailure(InboundRejected):
    outcome = "TEMPORARY_FAILURE"


class RateLimited(TemporaryFailure):
    outcome = "RATE_LIMITED"


# sysexits.h, which MTAs' pipe transports read: 0 delivered, 65 EX_DATAERR (bounce),
# 67 EX_NOUSER (bounce: unknown user), 75 EX_TEMPFAIL (queue and retry).
EX_OK, EX_DATAERR, EX_NOUSER, EX_TEMPFAIL = 0, 65, 67, 75


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
    """The one mapping from a rejection to what each door answers."""
    detail = str(error)
    if isinstance(error, Acknowledged):
        return Verdict(error.outcome, f"250 2.0.0 OK: {error.outcome.lower()}", EX_OK, 200, detail)
    if isinstance(error, UnknownRecipient | Unroutable):
        return Verdict(error.outcome, "550 5.1.1 No such recipient here", EX_NOUSER, 404, detail)
    if isinstance(error, MessageTooLarge):
        return Verdict(error.outcome, "552 5.3.4 Message too large", EX_DATAERR, 413, detail)
    if isinstance(error, MalformedMessage):
        return Verdict(
            error.outcome, "554 5.6.0 Message could not be read", EX_DATAERR, 422, detail
        )
    if isinstance(error, UnknownCompany):
        return Verdict(
            error.outcome,
            "550 5.7.1 The moderators take mail from the companies' own addresses only",
            EX_DATAERR,
            403,
            detail,
        )
    if isinstance(error, ThreadClosed):
        return Verdict(
            error.outcome, "550 5.7.1 This complaint takes no messages", EX_DATAERR, 409, detail
        )
    if isinstance(error, RateLimited):
        return Verdict(
            error.outcome, "451 4.7.1 Too many messages; try again later", EX_TEMPFAIL, 429, detail
        )
    return Verdict(error.outcome, "451 4.3.0 Try again later", EX_TEMPFAIL, 503, detail)
