"""The primitives behind professional secrecy (R2), from the `cryptography` library.

- A user's X25519 private key is sealed with AES-256-GCM under a key derived from the password by Argon2id.
- A dossier's data key (AES-256-GCM, 32 random bytes) is wrapped for each reader's public key: an ephemeral
  X25519 agreement, HKDF-SHA256, AES-GCM (an ECIES construction). The context (which dossier, which reader
  kind) is bound as associated data, so a wrapped key cannot be moved to another dossier.
- Each confidential field is AES-GCM under the dossier's data key, with its place (dossier, field) bound as
  associated data: a ciphertext copied into another row or field fails to open.
"""
from __future__ import annotations

import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PrivateFormat, PublicFormat, NoEncryption

KEY_BYTES = 32
NONCE_BYTES = 12
SALT_BYTES = 16
WRAP_INFO = b"vertrouwd/wrap/v1"


class CryptoError(Exception):
    """Something could not be opened: a wrong password or key, or data that was changed."""


class WrongPassword(CryptoError):
    pass


class Tampered(CryptoError):
    pass


@dataclass(frozen=True)
class KdfParams:
    """Argon2id cost; stored with each sealed key so that stronger settings apply from the next password."""

    iterations: int = 3
    memory_kib: int = 65536
    lanes: int = 4

    def encode(self) -> str:
        return f"argon2id$t={self.iterations},m={self.memory_kib},p={self.lanes}"

    @classmethod
    def decode(cls, text: str) -> KdfParams:
        name, _, values = text.partition("$")
        if name != "argon2id":
            raise CryptoError("unknown key derivation")
        fields = dict(item.split("=", 1) for item in values.split(","))
        return cls(iterations=int(fields["t"]), memory_kib=int(fields["m"]), lanes=int(fields["p"]))


@dataclass(frozen=True)
class KeyPair:
    private: bytes
    public: bytes


@dataclass(frozen=True)
class SealedKey:
    """A private key sealed under a password: salt, nonce and ciphertext in one blob, and the KDF's cost."""

    blob: bytes
    params: str


def new_key_pair() -> KeyPair:
    private = X25519PrivateKey.generate()
    return KeyPair(private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption()),
                   private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))


def public_key_of(private: bytes) -> bytes:
    return X25519PrivateKey.from_private_bytes(private).public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def new_data_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def seal_private_key(private: bytes, password: str, params: KdfParams, owner: bytes) -> SealedKey:
    salt = os.urandom(SALT_BYTES)
    key = _password_key(password, salt, params)
    nonce = os.urandom(NONCE_BYTES)
    return SealedKey(salt + nonce + AESGCM(key).encrypt(nonce, private, owner), params.encode())


def open_private_key(sealed: SealedKey, password: str, owner: bytes) -> bytes:
    params = KdfParams.decode(sealed.params)
    salt, nonce, body = _split(sealed.blob, SALT_BYTES, NONCE_BYTES)
    try:
        return AESGCM(_password_key(password, salt, params)).decrypt(nonce, body, owner)
    except InvalidTag as exc:
        raise WrongPassword("the password does not open this key") from exc


def wrap_key(recipient_public: bytes, data_key: bytes, context: bytes) -> bytes:
    """The data key, readable only with the private key of ``recipient_public``."""
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = ephemeral.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(recipient_public))
    key = _wrapping_key(shared, ephemeral_public, recipient_public)
    nonce = os.urandom(NONCE_BYTES)
    return ephemeral_public + nonce + AESGCM(key).encrypt(nonce, data_key, context)


def unwrap_key(private: bytes, wrapped: bytes, context: bytes) -> bytes:
    ephemeral_public, nonce, body = _split(wrapped, KEY_BYTES, NONCE_BYTES)
    me = X25519PrivateKey.from_private_bytes(private)
    my_public = me.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    key = _wrapping_key(me.exchange(X25519PublicKey.from_public_bytes(ephemeral_public)), ephemeral_public, my_public)
    try:
        return AESGCM(key).decrypt(nonce, body, context)
    except InvalidTag as exc:
        raise Tampered("this key was not wrapped for this reader and place, or it was changed") from exc


def encrypt(data_key: bytes, plaintext: str, place: bytes) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(data_key).encrypt(nonce, plaintext.encode("utf-8"), place)


def decrypt(data_key: bytes, blob: bytes, place: bytes) -> str:
    nonce, body = blob[:NONCE_BYTES], blob[NONCE_BYTES:]
    try:
        return AESGCM(data_key).decrypt(nonce, body, place).decode("utf-8")
    except InvalidTag as exc:
        raise Tampered("this text was changed or does not belong here") from exc


def _password_key(password: str, salt: bytes, params: KdfParams) -> bytes:
    return Argon2id(salt=salt, length=KEY_BYTES, iterations=params.iterations, lanes=params.lanes,
                    memory_cost=params.memory_kib).derive(password.encode("utf-8"))


def _wrapping_key(shared: bytes, ephemeral_public: bytes, recipient_public: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=ephemeral_public + recipient_public,
                info=WRAP_INFO).derive(shared)


def _split(blob: bytes, first: int, second: int) -> tuple[bytes, bytes, bytes]:
    if len(blob) < first + second + 16:
        raise Tampered("too short to be sealed data")
    return blob[:first], blob[first:first + second], blob[first + second:]
