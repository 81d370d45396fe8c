"""Secrets a company stores, sealed at rest (SSO signing keys, identity-provider client secrets).

Fernet (AES-128-CBC + HMAC-SHA256, from `cryptography`) with a key derived from SECRET_KEY, so
a copy of the database alone (a backup, a stolen file) reveals none of them. SECRET_KEY_FALLBACKS
still open values sealed under an older key; `unseal` of a value no key opens raises
`SealBroken` (the caller treats the secret as unset and says so).
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


class SealBroken(Exception):
    """The value was sealed under a SECRET_KEY that is no longer configured."""


def _fernet(secret_key: str) -> Fernet:
    digest = hashlib.sha256(f"doorstep-sealed:{secret_key}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def _keys() -> MultiFernet:
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet([_fernet(key) for key in keys])


def seal(plain: str) -> str:
    return _keys().encrypt(plain.encode()).decode() if plain else ""


def unseal(sealed: str) -> str:
    if not sealed:
        return ""
    try:
        return _keys().decrypt(sealed.encode()).decode()
    except InvalidToken as exc:
        raise SealBroken("sealed under another SECRET_KEY") from exc
