"""Hypothesis-made mail through the whole inbound pipeline: MIME trees, charsets (real,
misspelt and unknown), transfer encodings (valid, broken, unknown), header shapes (encoded
words, missing or garbled From, raw 8-bit bytes). Every message gets one clear outcome,
never a crash dressed up as "try again later", and its raw bytes are always stored."""

from __future__ import annotations

import base64
import os
import quopri

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from amicable.mail.inbound.pipeline import receive
from amicable.models import InboundMail
from amicable.models.enums import Role
from amicable.models.mail import InboundDoor
from tests.factories import make_company, make_complaint, make_user
from tests.mail.conftest import company_mail

CHARSETS = ["utf-8", "iso-8859-1", "windows-1252", "koi8-r", "shift_jis", "utf-16", "x-bogus", ""]
ENCODINGS = ["7bit", "8bit", "base64", "quoted-printable", "x-uuencode", "binary", "Base64 "]
TYPES = [
    "text/plain",
    "text/html",
    "application/pdf",
    "image/png",
    "message/rfc822",
    "text/x-weird",
]

text = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=60)
header_value = st.one_of(
    text.map(lambda t: t.replace("\r", " ").replace("\n", " ")),
    text.map(lambda t: "=?utf-8?b?" + base64.b64encode(t.encode()).decode() + "?="),
    text.map(
        lambda t: (
            "=?iso-8859-1?q?"
            + quopri.encodestring(t.encode("latin-1", "replace")).decode().replace("\n", "")
            + "?="
        )
    ),
    st.sampled_from(["=?utf-8?q?broken", "=?x-bogus?b?////?=", "", "<>", '"" <@>']),
)


def _encode(body: bytes, encoding: str) -> bytes:
    kind = encoding.strip().lower()
    if kind == "base64":
        return base64.encodebytes(body)
    if kind == "quoted-printable":
        return quopri.encodestring(body)
    return body


@st.composite
def leaf(draw: st.DrawFn) -> bytes:
    charset = draw(st.sampled_from(CHARSETS))
    encoding = draw(st.sampled_from(ENCODINGS))
    ctype = draw(st.sampled_from(TYPES))
    raw_body = draw(st.one_of(text.map(lambda t: t.encode("utf-8")), st.binary(max_size=80)))
    body = _encode(raw_body, encoding)
    if draw(st.booleans()):
        body = body[: draw(st.integers(0, len(body)))]  # truncated
    params = f'; charset="{charset}"' if charset else ""
    disposition = draw(
        st.sampled_from(
            [
                "",
                'Content-Disposition: attachment; filename="x.pdf"\r\n',
                "Content-Disposition: inline\r\n",
            ]
        )
    )
    head = f"Content-Type: {ctype}{params}\r\nContent-Transfer-Encoding: {encoding}\r\n"
    return (head + disposition + "\r\n").encode() + body


def tree(depth: int = 2) -> st.SearchStrategy[bytes]:
    if depth == 0:
        return leaf()
    return st.one_of(leaf(), multipart(depth))


@st.composite
def multipart(draw: st.DrawFn, depth: int) -> bytes:
    boundary = draw(st.sampled_from(["b1", "=_x", "a" * 70, "with space"]))
    subtype = draw(st.sampled_from(["mixed", "alternative", "related", "signed", "report"]))
    parts = draw(st.lists(tree(depth - 1), max_size=3))
    closing = b"" if draw(st.booleans()) else f"--{boundary}--\r\n".encode()
    body = b"".join(f"--{boundary}\r\n".encode() + part + b"\r\n" for part in parts) + closing
    return f'Content-Type: multipart/{subtype}; boundary="{boundary}"\r\n\r\n'.encode() + body


@st.composite
def mail(draw: st.DrawFn) -> bytes:
    headers = []
    if draw(st.booleans()):
        headers.append(f"From: {draw(header_value)} <sofie@telenova.be>")
    else:
        headers.append(f"From: {draw(header_value)}")
    headers.append(f"Subject: {draw(header_value)}")
    if draw(st.booleans()):
        headers.append(f"Message-ID: <{draw(st.uuids())}@fuzz.example>")
    extra = draw(
        st.lists(
            st.sampled_from(
                [
                    "Auto-Submitted: auto-replied",
                    "Precedence: bulk",
                    "In-Reply-To: <nope@x>",
                    "References: <a@b> <c@d>",
                    "Content-Language: nl",
                    "X-Weird: \x01\x7f",
                    "MIME-Version: 1.0",
                    "MIME-Version: 2.0",
                ]
            ),
            max_size=3,
        )
    )
    head = "\r\n".join([*headers, *extra]).encode("utf-8", "surrogateescape")
    if draw(st.booleans()):
        head += b"\r\nX-Raw: caf\xe9 \xff"
    return head + b"\r\n" + draw(tree())


@pytest.fixture
async def reply_address(services) -> str:
    moderator = await make_user(services, Role.MODERATOR)
    company = await make_company(moderator.viewer, email="klachten@telenova.be")
    await make_user(services, Role.AGENT, company=company, email="sofie@telenova.be")
    complaint = await make_complaint(services, await make_user(services), company)
    return (await company_mail(complaint)).envelope_sender


@settings(
    max_examples=60,
    derandomize=os.environ.get("AMICABLE_FUZZ_RANDOM") != "1",
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(raw=mail(), door=st.sampled_from(list(InboundDoor)))
async def test_every_generated_mail_gets_one_clear_outcome(services, reply_address, raw, door):
    before = await InboundMail.all().count()
    verdict = await receive(
        services,
        raw,
        door=door,
        envelope_sender="sofie@telenova.be",
        envelope_recipients=[reply_address],
    )
    # TEMPORARY_FAILURE is for outages; here it would be a bug caught by the safety net.
    assert verdict.outcome != "TEMPORARY_FAILURE", (verdict, raw)
    stored = await InboundMail.all().count()
    assert stored == before + 1 or verdict.outcome == "DUPLICATE", (verdict, raw)
