"""The primitives of app/crypto: each refuses what it must refuse."""
from __future__ import annotations

import pytest

from app.crypto import keys
from app.crypto.keys import KdfParams, Tampered, WrongPassword

CHEAP = KdfParams(iterations=1, memory_kib=8192, lanes=1)


def test_a_private_key_opens_with_its_password_only():
    pair = keys.new_key_pair()
    sealed = keys.seal_private_key(pair.private, "correct horse battery", CHEAP, b"user-key/1")
    assert keys.open_private_key(sealed, "correct horse battery", b"user-key/1") == pair.private
    with pytest.raises(WrongPassword):
        keys.open_private_key(sealed, "correct horse batterY", b"user-key/1")
    with pytest.raises(WrongPassword):  # sealed for user 1: not usable as user 2's key
        keys.open_private_key(sealed, "correct horse battery", b"user-key/2")
    assert pair.private not in sealed.blob


def test_a_wrapped_data_key_opens_for_its_reader_and_place_only():
    reader, stranger = keys.new_key_pair(), keys.new_key_pair()
    data_key = keys.new_data_key()
    wrapped = keys.wrap_key(reader.public, data_key, b"dossier/7/owner/3")
    assert keys.unwrap_key(reader.private, wrapped, b"dossier/7/owner/3") == data_key
    with pytest.raises(Tampered):
        keys.unwrap_key(stranger.private, wrapped, b"dossier/7/owner/3")
    with pytest.raises(Tampered):  # the same wrap moved to another dossier
        keys.unwrap_key(reader.private, wrapped, b"dossier/8/owner/3")


@pytest.mark.parametrize("position", [0, 12, 20, -1])
def test_tampered_ciphertext_fails_the_gcm_tag(position):
    data_key = keys.new_data_key()
    blob = bytearray(keys.encrypt(data_key, "Gesprek over pesterijen", b"dossier/1/note"))
    blob[position] ^= 0x01
    with pytest.raises(Tampered):
        keys.decrypt(data_key, bytes(blob), b"dossier/1/note")


def test_a_ciphertext_moved_to_another_field_or_dossier_fails():
    data_key = keys.new_data_key()
    blob = keys.encrypt(data_key, "J.D.", b"dossier/1/requester")
    assert keys.decrypt(data_key, blob, b"dossier/1/requester") == "J.D."
    for place in (b"dossier/1/note", b"dossier/2/requester"):
        with pytest.raises(Tampered):
            keys.decrypt(data_key, blob, place)


def test_kdf_params_round_trip_and_unknown_ones_are_refused():
    assert KdfParams.decode(CHEAP.encode()) == CHEAP
    with pytest.raises(keys.CryptoError):
        KdfParams.decode("scrypt$n=1")
