"""The encrypted field: what reaches the database is a token, what comes back is the text, and keys rotate."""

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from peersnet.kernel import crypto

OLD = "tVbV2ia9mmwXbJ1GDU3xgqSuzKu5PxOZI6m-7Xy7qVU="
NEW = Fernet.generate_key().decode()


def test_round_trip_hides_the_text_and_every_string_including_the_empty_one():
    for text in ["I'd like to talk about my sister", "", "ünïcødé ✓"]:
        token = crypto.encrypt(text)
        assert text not in token or text == ""
        assert token.startswith("gAAAA")
        assert crypto.decrypt(token) == text


def test_a_newer_key_encrypts_and_the_older_one_still_decrypts(settings):
    settings.FIELD_ENCRYPTION_KEYS = [OLD]
    old_token = crypto.encrypt("kept")
    settings.FIELD_ENCRYPTION_KEYS = [NEW, OLD]
    assert crypto.decrypt(old_token) == "kept"
    assert not crypto.is_token_under_newest_key(old_token)
    rotated = crypto.reencrypt(old_token)
    assert crypto.is_token_under_newest_key(rotated)
    settings.FIELD_ENCRYPTION_KEYS = [NEW]
    assert crypto.decrypt(rotated) == "kept"
    with pytest.raises(crypto.DecryptionFailed):
        crypto.decrypt(old_token)


@pytest.mark.parametrize("keys", [[], ["nope"], [OLD, "x" * 44]])
def test_bad_keys_are_refused_with_a_message_that_never_repeats_the_key(settings, keys):
    settings.FIELD_ENCRYPTION_KEYS = keys
    with pytest.raises(ImproperlyConfigured) as excinfo:
        crypto.encrypt("x")
    assert OLD not in str(excinfo.value)


def test_the_field_refuses_lookups_that_could_never_match():
    field = crypto.EncryptedTextField()
    assert field.get_lookup("isnull") is not None
    for lookup in ["exact", "icontains", "startswith", "in"]:
        assert field.get_lookup(lookup) is None


def test_looks_like_token_knows_tokens_from_text():
    for text in ["", "x", "I'd like to talk", "gAAAAA" + "b" * 93, "gAAAAA b" * 20, crypto.encrypt("")[:-4]]:
        assert not crypto.looks_like_token(text)
    for text in ["", "x" * 500, "ünï"]:
        assert crypto.looks_like_token(crypto.encrypt(text))
    assert crypto.looks_like_token(Fernet(NEW).encrypt(b"under a key we don't hold").decode())
    assert not crypto.is_readable_token(Fernet(NEW).encrypt(b"under a key we don't hold").decode())
    assert crypto.is_readable_token(crypto.encrypt("ours"))
