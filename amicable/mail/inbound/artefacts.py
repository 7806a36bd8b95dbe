"""Text as the sender meant it: decoding that survives unknown or misspelled charsets,
`format=flowed` reflowed (RFC 3676), and the residue mail clients leave in text parts
(Outlook's `[cid:...]` image placeholders and `<mailto:...>` link targets) removed.

A mail whose charset Python does not know (`unknown-8bit`, `x-unknown`, a typo) would
otherwise fail to decode on every delivery attempt; the fallback guesses the charset from
the bytes with `charset-normalizer`, and NUL characters (which Postgres refuses in text)
are dropped everywhere.
"""

from __future__ import annotations

import codecs
import re
from email.message import Message

from charset_normalizer import from_bytes

# Outlook renders inline images in the text part as "[cid:image001.png@01DA1B2C.3D4E5F60]".
_CID = re.compile(r"[ \t]*\[cid:[^\]\s]{1,200}\][ \t]*")
# Outlook (and Word) write a link as its text followed by "<mailto:...>" or "<https://...>".
_MAILTO = re.compile(r"[ \t]*<mailto:[^>\s]{1,320}>", re.IGNORECASE)
_REPEATED_URL = re.compile(r"(?P<url>https?://[^\s<>]{1,500})[ \t]*<(?P=url)/?>", re.IGNORECASE)


_WESTERN = ["cp1252", "iso8859_15", "latin_1", "mac_roman", "utf_16", "cp850"]


def decode_bytes(data: bytes, declared: str | None = None) -> str:
    """`data` as text: the declared charset if Python knows it and it fits, else the
    charset guessed from the bytes, else UTF-8 with replacement characters."""
    if declared:
        try:
            codecs.lookup(declared)
            return strip_nul(data.decode(declared))
        except (LookupError, UnicodeDecodeError, ValueError):
            pass
    try:
        return strip_nul(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    # The platform's mail is Dutch, French, German or English: of the charsets the bytes
    # fit, prefer the Western ones (a short Latin-1 text also "fits" Baltic code pages).
    for isolation in (_WESTERN, None):
        guess = from_bytes(data, cp_isolation=isolation).best()
        if guess is not None:
            return strip_nul(str(guess))
    return strip_nul(data.decode("utf-8", "replace"))


def safe_text(value: str) -> str:
    """A string from the parser that may carry undecodable bytes (as surrogates) or NUL,
    made storable."""
    if any("\udc80" <= ch <= "\udcff" for ch in value):
        value = decode_bytes(value.encode("utf-8", "surrogateescape"))
    return strip_nul(value)


def strip_nul(text: str) -> str:
    return text.replace("\x00", "")


def part_text(part: Message) -> str:
    """A text part's content, decoded as robustly as we can, reflowed if `format=flowed`."""
    payload = part.get_payload(decode=True)
    if isinstance(payload, bytes):
        text = decode_bytes(payload, part.get_content_charset())
    else:
        text = safe_text(str(part.get_payload() or ""))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if part.get_content_type() == "text/plain":
        if str(part.get_param("format", "")).lower() == "flowed":
            text = reflow(text, delsp=str(part.get_param("delsp", "")).lower() == "yes")
        text = remove_client_residue(text)
    return text


def reflow(text: str, *, delsp: bool = False) -> str:
    """RFC 3676: a line ending in a space continues on the next line of the same quote
    depth; space-stuffing is undone; the signature separator "-- " stays a hard break.
    With DelSp=yes the space that marked the soft break is not part of the text."""
    out: list[str] = []
    buffer: str | None = None
    buffer_depth = 0

    def flush() -> None:
        nonlocal buffer
        if buffer is not None:
            out.append(("> " * buffer_depth if buffer_depth else "") + buffer)
            buffer = None

    for line in text.split("\n"):
        depth = len(line) - len(line.lstrip(">"))
        content = line[depth:]
        if content.startswith(" "):
            content = content[1:]  # space-stuffed (RFC 3676 section 4.4)
        if content == "-- ":
            flush()
            out.append(("> " * depth if depth else "") + content)
            continue
        soft = content.endswith(" ")
        if soft and delsp:
            content = content[:-1]
        if buffer is not None and buffer_depth == depth:
            buffer += content
        else:
            flush()
            buffer, buffer_depth = content, depth
        if not soft:
            flush()
    flush()
    return "\n".join(out)


def remove_client_residue(text: str) -> str:
    """Drop Outlook's image placeholders and duplicated link targets; a line that held only
    a placeholder goes with it."""
    lines = []
    for line in text.split("\n"):
        had_cid = bool(_CID.search(line))
        line = _CID.sub(" ", line)
        line = _MAILTO.sub("", line)
        line = _REPEATED_URL.sub(r"\g<url>", line)
        if had_cid:
            line = re.sub(r"[ \t]{2,}", " ", line).strip()
            if not line:
                continue
        lines.append(line)
    return "\n".join(lines)
