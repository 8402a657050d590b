"""A passphrase on a practice bundle: the bundle's bytes sealed with the ``cryptography``
library (PyCA), nothing home-made.

A protected bundle is one file::

    MAGIC (16 bytes) | header length (2 bytes, big-endian) | header (JSON, UTF-8) | sealed

- the key: **scrypt** (``n`` = 2**17, ``r`` = 8, ``p`` = 1: about 128 MiB and a fraction of a
  second, the strength OWASP recommends for passwords) of the passphrase (UTF-8, NFC) with a
  random 16-byte salt, 32 bytes long;
- ``sealed``: **AES-256-GCM** of the plain bundle's bytes (the zip :mod:`.bundle` writes)
  under that key with a random 12-byte nonce, the header authenticated with it (changing a
  parameter breaks the seal).

The header is ``{"cipher": "AES-256-GCM", "kdf": "scrypt", "n", "r", "p", "salt", "nonce"}``
(salt and nonce in base64). A header asking for other parameters (a hostile file could ask
for gigabytes of memory) is refused before any work is done. A wrong passphrase and a
changed file look the same to GCM: both are refused with :class:`WrongPassphraseError`,
nothing written.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import unicodedata

from mit_desktop.history.errors import HistoryError

MAGIC = b"MITBUNDLE-LOCK1\n"
MIN_PASSPHRASE_CHARS = 8
MAX_PASSPHRASE_CHARS = 1024
SALT_BYTES = 16
NONCE_BYTES = 12
KEY_BYTES = 32
#: scrypt cost written into new bundles (tests lower it through this name to run fast)
SCRYPT_N = 2**17
SCRYPT_R = 8
SCRYPT_P = 1
#: the costs a reader accepts: at most SCRYPT_N's 128 MiB, at least 2**14
_ALLOWED_N = {2**k for k in range(14, 18)}
_MAX_HEADER_BYTES = 1024


class PassphraseError(HistoryError):
    """A passphrase problem; ``str()`` says what to do. Nothing was written."""


class PassphraseNeededError(PassphraseError):
    """The bundle is protected and no passphrase was given."""

    def __init__(self) -> None:
        super().__init__("This bundle is protected by a passphrase. Ask the person who made "
                         "it for the passphrase, then import it again. Nothing was changed.")


class WrongPassphraseError(PassphraseError):
    """The passphrase does not open the bundle (or the file was changed after it was made)."""

    def __init__(self) -> None:
        super().__init__("This passphrase does not open the bundle. Check the passphrase "
                         "(capital letters and spaces count) and try again; if it is right, "
                         "the file was damaged or changed after it was made. Nothing was "
                         "changed.")


def is_locked(head: bytes) -> bool:
    """True when ``head`` (the first bytes of a file, at least 16) starts a protected bundle."""
    return head[:len(MAGIC)] == MAGIC


def check_passphrase(passphrase: str) -> str:
    """The passphrase as it is used (Unicode NFC); :class:`PassphraseError` if it is too
    short or too long to protect a bundle."""
    text = unicodedata.normalize("NFC", passphrase)
    if len(text) < MIN_PASSPHRASE_CHARS:
        raise PassphraseError(f"A passphrase needs at least {MIN_PASSPHRASE_CHARS} characters "
                              "(a few words you will both remember is best).")
    if len(text) > MAX_PASSPHRASE_CHARS:
        raise PassphraseError(f"A passphrase can have at most {MAX_PASSPHRASE_CHARS} "
                              "characters.")
    return text


def _key(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    return Scrypt(salt=salt, length=KEY_BYTES, n=n, r=r, p=p).derive(
        unicodedata.normalize("NFC", passphrase).encode("utf-8"))


def lock(plain: bytes, passphrase: str) -> bytes:
    """The protected file's bytes for the plain bundle ``plain``."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    passphrase = check_passphrase(passphrase)
    salt, nonce = os.urandom(SALT_BYTES), os.urandom(NONCE_BYTES)
    header = json.dumps({"cipher": "AES-256-GCM", "kdf": "scrypt", "n": SCRYPT_N,
                         "r": SCRYPT_R, "p": SCRYPT_P,
                         "salt": base64.b64encode(salt).decode("ascii"),
                         "nonce": base64.b64encode(nonce).decode("ascii")},
                        sort_keys=True).encode("utf-8")
    key = _key(passphrase, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    sealed = AESGCM(key).encrypt(nonce, plain, header)
    return MAGIC + len(header).to_bytes(2, "big") + header + sealed


def _refuse(why: str) -> PassphraseError:
    return PassphraseError(f"This file cannot be imported: {why}. Nothing was changed.")


def unlock(locked: bytes, passphrase: str | None) -> bytes:
    """The plain bundle's bytes inside a protected file; :class:`PassphraseNeededError`
    without a passphrase, :class:`WrongPassphraseError` when it does not open it,
    :class:`PassphraseError` for a damaged or hostile header."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    if not is_locked(locked):
        raise _refuse("it is not a protected bundle")
    start = len(MAGIC) + 2
    length = int.from_bytes(locked[len(MAGIC):start], "big")
    if not 0 < length <= _MAX_HEADER_BYTES or len(locked) < start + length + 16:
        raise _refuse("it is damaged (its protection header is cut short)")
    header_bytes = locked[start:start + length]
    try:
        header = json.loads(header_bytes.decode("utf-8"))
        if not isinstance(header, dict) or set(header) != {"cipher", "kdf", "n", "r", "p",
                                                            "salt", "nonce"}:
            raise ValueError("fields")
        salt = base64.b64decode(header["salt"], validate=True)
        nonce = base64.b64decode(header["nonce"], validate=True)
    except (ValueError, UnicodeDecodeError, TypeError, binascii.Error):
        raise _refuse("it is damaged (its protection header cannot be read)") from None
    if (header["cipher"] != "AES-256-GCM" or header["kdf"] != "scrypt"
            or header["n"] not in _ALLOWED_N or header["r"] != SCRYPT_R
            or header["p"] != SCRYPT_P or len(salt) != SALT_BYTES
            or len(nonce) != NONCE_BYTES):
        raise _refuse("it is protected in a way this version of MIT Desktop does not read")
    if passphrase is None or passphrase == "":
        raise PassphraseNeededError()
    key = _key(passphrase, salt, header["n"], header["r"], header["p"])
    try:
        return AESGCM(key).decrypt(nonce, locked[start + length:], header_bytes)
    except InvalidTag:
        raise WrongPassphraseError() from None
