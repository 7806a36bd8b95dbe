"""Passwords, bearer tokens and API keys.

Tokens and keys are random and opaque; the database keeps only their SHA-256, so a copy of
the database grants no access. Argon2 costs ~100 ms of CPU, so it runs in a thread to keep
the event loop answering other requests meanwhile.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()

# Prefixes tell a user token from a partner key at a glance (and to secret scanners).
USER_TOKEN_PREFIX = "amt_"
API_KEY_PREFIX = "amk_"
# Single-use secrets mailed to a person (verification, reset, invitation, claim).
MAIL_TOKEN_PREFIX = "amv_"
# A complaint mail's web reply link: signed, not stored (see `amicable.mail.outbound.links`).
LINK_TOKEN_PREFIX = "aml_"

# A valid hash to verify against when the account does not exist, so that a login for an
# unknown email costs the same time as one for a known email (no account oracle).
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


async def hash_password(password: str) -> str:
    return await asyncio.to_thread(_hasher.hash, password)


async def verify_password(password_hash: str | None, password: str) -> bool:
    def _verify() -> bool:
        try:
            return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
        except (VerificationError, InvalidHashError):
            return False

    return await asyncio.to_thread(_verify)


def new_user_token() -> str:
    return USER_TOKEN_PREFIX + secrets.token_urlsafe(32)


def new_api_key() -> str:
    return API_KEY_PREFIX + secrets.token_urlsafe(32)


def new_mail_token() -> str:
    return MAIL_TOKEN_PREFIX + secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def hmac_token(key: str, *parts: str, length: int = 20) -> str:
    """A short, unguessable token bound to `parts` (used for per-thread reply addresses)."""
    mac = hmac.new(key.encode(), "\x1f".join(parts).encode(), hashlib.sha256).hexdigest()
    return mac[:length]


def sign(key: str, payload: bytes) -> str:
    """A full-length HMAC-SHA256 of `payload`, hex; compare with `hmac.compare_digest`."""
    return hmac.new(key.encode(), payload, hashlib.sha256).hexdigest()
