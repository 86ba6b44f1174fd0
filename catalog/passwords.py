"""Password rules and Argon2id hashes (``argon2-cffi``).

A password is only ever held in memory: it is never stored, logged, or put into an
error message or an audit event. Hashes use argon2-cffi's default parameters (RFC 9106's
low-memory profile); when those change, :func:`needs_rehash` says so and the next
successful sign-in stores a fresh hash (:func:`catalog.accounts.authenticate`).
"""

from __future__ import annotations

import functools

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from catalog.errors import InvalidInput

MIN_LENGTH = 10
"""Fewest characters a password may have."""
MAX_LENGTH = 1024
"""Most characters a password may have (no one types more; a bound keeps hashing cheap)."""

_hasher = PasswordHasher()


def check_password_rules(password: str) -> None:
    """Raise :class:`InvalidInput` when ``password`` is too short or too long.

    The message states the rule, never the password.
    """
    if not isinstance(password, str) or len(password) < MIN_LENGTH:
        raise InvalidInput(f"a password needs at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise InvalidInput(f"a password may have at most {MAX_LENGTH} characters")


def hash_password(password: str) -> str:
    """An Argon2id hash of ``password`` (checked against the rules first), salted anew."""
    check_password_rules(password)
    return _hasher.hash(password)


def rehash(password: str) -> str:
    """A fresh hash of a password that has just been verified, with today's parameters.

    The rules are not checked again: they may have grown since the password was set,
    and signing in must not fail because of it.
    """
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches ``password_hash``, compared in constant time.

    False for a wrong password and for a hash that is not an Argon2 hash (never raises
    for either).
    """
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Whether ``password_hash`` was made with other parameters than today's."""
    try:
        return _hasher.check_needs_rehash(password_hash)
    except InvalidHashError:
        return True


@functools.cache
def dummy_hash() -> str:
    """A hash of no one's password, verified against when an account does not exist or
    cannot sign in, so that answer takes as long as a wrong password."""
    return _hasher.hash("no account has this password: it only takes time")
