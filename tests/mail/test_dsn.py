"""Reading delivery reports: each fixture's per-recipient blocks, and the odd shapes."""

from __future__ import annotations

from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

import pytest

from amicable.mail.outbound.dsn import DeliveryReport, delivery_report
from tests.mail.conftest import EMAILS

COMPANY = "klachten@telenova.be"
VALUES = {
    "REPLY_TO": "reply+0123456789abcdef0123@reply.amicable.test",
    "MESSAGE_ID": "<5f0c1d2e3a4b@reply.amicable.test>",
    "REFERENCE": "AM-7K3F9Q",
    "TITLE": "Internet valt elke avond weg",
    "COMPANY_ADDRESS": COMPANY,
    "CONSUMER_ADDRESS": "jan.desmet@example.org",
    "CONSUMER_REPLY_TO": "reply+fedcba9876543210fedc@reply.amicable.test",
    "CONSUMER_MESSAGE_ID": "<9a8b7c6d5e4f@reply.amicable.test>",
}

EXPECTED = {
    "dsn_bounce.eml": [("failed", "5.1.1", COMPANY)],
    "dsn_failed_outlook.eml": [("failed", "5.1.10", COMPANY)],
    "dsn_failed_gmail.eml": [("failed", "5.1.1", COMPANY)],
    "dsn_failed_transient_postfix.eml": [("failed", "4.2.2", COMPANY)],
    "dsn_delayed_postfix.eml": [("delayed", "4.4.1", COMPANY)],
    "dsn_delayed_outlook.eml": [("delayed", "4.4.7", COMPANY)],
    "dsn_delivered_postfix.eml": [("delivered", "2.0.0", COMPANY)],
    "dsn_relayed_postfix.eml": [("relayed", "2.0.0", COMPANY)],
    "dsn_expanded_postfix.eml": [("expanded", "2.0.0", COMPANY)],
    "dsn_alias_partly_failed_postfix.eml": [
        ("expanded", "2.0.0", COMPANY),
        ("failed", "5.1.1", "sofie.peeters@telenova.be"),
        ("delivered", "2.0.0", "jan.claes@telenova.be"),
    ],
    "dsn_mixed_recipients_postfix.eml": [
        ("failed", "5.1.1", COMPANY),
        ("delayed", "4.4.1", "facturatie@telenova.be"),
        ("delivered", "2.0.0", "info@telenova.be"),
    ],
    "dsn_failed_forward_target_postfix.eml": [
        ("failed", "5.1.1", "sofie.peeters@telenova-intern.be")
    ],
    "dsn_failed_consumer_postfix.eml": [("failed", "5.2.1", "jan.desmet@example.org")],
    "dsn_no_recipient_exchange.eml": [],
    "exim_bounce.eml": [("failed", "5.1.1", COMPANY)],
    "exim_bounce_mailbox_full.eml": [("failed", "4.2.2", COMPANY)],
    "exim_delay_warning.eml": [("delayed", "4.3.0", COMPANY)],
    "qmail_bounce.eml": [("failed", "5.1.1", COMPANY)],
    "exchange_text_ndr.eml": [("failed", "5.1.1", COMPANY)],
    "text_bounce_no_recipient.eml": [],
}


def _parse(raw: bytes) -> EmailMessage:
    message = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(message, EmailMessage)
    return message


def _fixture(name: str) -> EmailMessage:
    text = (EMAILS / name).read_text("utf-8")
    for key, value in VALUES.items():
        text = text.replace("{{" + key + "}}", value)
    return _parse(text.replace("\n", "\r\n").encode())


def _report(message: EmailMessage, envelope_sender: str = "<>") -> DeliveryReport:
    report = delivery_report(message, envelope_sender)
    assert report is not None
    return report


def _blocks(report: DeliveryReport) -> list[tuple[str, str, str]]:
    return [(r.action, r.status, r.final_recipient) for r in report.recipients]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_fixture_reads_as_its_blocks(name: str) -> None:
    report = _report(_fixture(name))
    assert _blocks(report) == EXPECTED[name]
    original = VALUES["CONSUMER_MESSAGE_ID"] if "consumer" in name else VALUES["MESSAGE_ID"]
    if name != "exim_delay_warning.eml":  # Exim's warning carries no copy of the mail
        assert report.original_message_ids == [original]
    assert report.standard is name.startswith("dsn_")


def test_only_failed_with_a_permanent_status_is_a_permanent_failure() -> None:
    permanent = {
        name: [r.permanent_failure for r in _report(_fixture(name)).recipients] for name in EXPECTED
    }
    assert permanent["dsn_bounce.eml"] == [True]
    assert permanent["dsn_failed_transient_postfix.eml"] == [False]
    assert permanent["dsn_delayed_outlook.eml"] == [False]
    assert permanent["dsn_mixed_recipients_postfix.eml"] == [True, False, False]


@pytest.mark.parametrize(
    "name", ["gmail_nl.eml", "out_of_office_en.eml", "outlook_desktop_nl.eml", "iphone_nl.eml"]
)
def test_replies_and_auto_replies_are_not_reports(name: str) -> None:
    assert delivery_report(_fixture(name), "sofie@telenova.be") is None


def _report_mail(status_part: str, *, charset: str = "us-ascii") -> EmailMessage:
    raw = (
        "From: MAILER-DAEMON@mx.amicable.test\r\n"
        "To: reply+0123456789abcdef0123@reply.amicable.test\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type="delivery-status"; boundary="b"\r\n\r\n'
        "--b\r\nContent-Type: text/plain\r\n\r\nSee below.\r\n"
        f"--b\r\nContent-Type: message/delivery-status; charset={charset}\r\n\r\n"
        f"{status_part}\r\n--b--\r\n"
    )
    return _parse(raw.encode())


def test_a_missing_status_is_taken_from_the_diagnostic_code() -> None:
    report = _report(
        _report_mail(
            "Reporting-MTA: dns; mx\r\n\r\nFinal-Recipient: rfc822; a@telenova.be\r\n"
            "Action: failed\r\nDiagnostic-Code: smtp; 550 No such user"
        )
    )
    [block] = report.recipients
    assert (block.status, block.permanent_failure) == ("5.0.0", True)


def test_failed_without_any_code_is_not_a_permanent_failure() -> None:
    report = _report(
        _report_mail("Final-Recipient: rfc822; a@telenova.be\r\nAction: failed (gave up)")
    )
    [block] = report.recipients
    assert (block.action, block.status, block.permanent_failure) == ("failed", "", False)


def test_xtext_and_case_in_addresses_and_actions() -> None:
    report = _report(
        _report_mail(
            "Final-Recipient: RFC822; Info+2Bklachten@Telenova.BE\r\n"
            "Original-Recipient: rfc822;<Info@Telenova.BE>\r\n"
            "Action: FAILED\r\nStatus: 5.1.1 (bad destination mailbox address)"
        )
    )
    [block] = report.recipients
    assert block.final_recipient == "info+klachten@telenova.be"
    assert block.original_recipient == "info@telenova.be"
    assert block.permanent_failure


def test_an_unknown_charset_on_the_status_part_still_reads() -> None:
    report = _report(
        _report_mail(
            "Final-Recipient: rfc822; a@telenova.be\r\nAction: delayed\r\nStatus: 4.4.7",
            charset="unknown-8bit",
        )
    )
    assert _blocks(report) == [("delayed", "4.4.7", "a@telenova.be")]


def test_an_action_outside_rfc_3464_names_no_action() -> None:
    report = _report(
        _report_mail("Final-Recipient: rfc822; a@telenova.be\r\nAction: bounced\r\nStatus: 5.1.1")
    )
    [block] = report.recipients
    assert block.action == "" and not block.permanent_failure


def test_a_text_bounce_needs_a_daemon_or_the_null_sender() -> None:
    raw = (
        b"From: Sofie <sofie@telenova.be>\r\nTo: x@reply.amicable.test\r\n"
        b"Subject: Undeliverable: your refund\r\n\r\nJust kidding, we will pay.\r\n"
    )
    assert delivery_report(_parse(raw), "sofie@telenova.be") is None
    assert delivery_report(_parse(raw), "<>") is not None
