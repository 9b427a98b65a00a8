"""Passwords and tokens.

Passwords are hashed with Argon2id (RFC 9106; ``argon2-cffi``'s defaults, its recommended
parameters). A login token is 32 random bytes (``secrets.token_urlsafe``); the database holds
only its SHA-256, so a leaked database holds no usable token. Neither passwords nor tokens are
ever logged or returned after issue.
"""

from __future__ import annotations

import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_HASHER = PasswordHasher()
MIN_PASSWORD_LENGTH = 10
"""Shortest password accepted (NIST SP 800-63B asks for at least 8)."""


def hash_password(password: str) -> str:
    """The Argon2id hash of ``password`` (with its own random salt)."""
    return _HASHER.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches ``password_hash`` (constant-time inside argon2)."""
    try:
        return _HASHER.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def new_token() -> str:
    """A fresh login token (43 URL-safe characters, 256 bits)."""
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """What the database stores of a token: its SHA-256, hex."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
