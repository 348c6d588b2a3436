"""The ledger chain's key (SPEC §3 "Ledgers and exports"; docs/security.md "The ledger key").

Standard library only: the settings import it before Django is set up.
"""

from __future__ import annotations

import hashlib
import hmac

MIN_LENGTH = 32
MIN_DISTINCT = 10  # a 32-character hex key has about 14 distinct characters


def derive_ledger_key(secret_key: str) -> str:
    """The stand-in key of development, test and demo machines: derived from SECRET_KEY, so
    it is stable on one machine but worth no more than SECRET_KEY (production sets its own)."""
    return hmac.new(secret_key.encode(), b"portal ledger chain key v1", hashlib.sha256).hexdigest()


def ledger_key_problem(key: str, secret_key: str) -> str | None:
    """Why ``key`` is too weak to key the chain, or None. Generate one with
    ``python -c "import secrets; print(secrets.token_urlsafe(48))"``."""
    if len(key) < MIN_LENGTH:
        return f"must be at least {MIN_LENGTH} characters long"
    if len(set(key)) < MIN_DISTINCT:
        return f"must have at least {MIN_DISTINCT} different characters"
    if key == secret_key:
        return "must not be the same as DJANGO_SECRET_KEY"
    return None
