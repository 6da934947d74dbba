"""The key ring: files on disk, rotation, retirement, the public key list and `flask keys`."""
import base64
import stat
from concurrent.futures import ThreadPoolExecutor

import pytest
from flask import Flask

from passresot.passes.exceptions import (
    KeyNotFound, KeyRingError, SigningKeyNotRetirable, TokenRefused)
from passresot.passes.keys import KeyRing, init_app, register_key_commands
from passresot.passes.token import key_id, sign_pass_token, verify_pass_token

NOW = 1_781_517_600


def pass_signed_by(ring: KeyRing) -> str:
    _, private_key = ring.signing_key()
    return sign_pass_token(pass_id=1, office_id=1, valid_from=NOW, valid_until=NOW + 60,
                           display_name="Test", private_key=private_key)


def test_ensure_key_makes_one_private_file_once(tmp_path):
    ring = KeyRing(tmp_path / "keys")
    kid = ring.ensure_key()
    assert ring.ensure_key() == kid
    [path] = (tmp_path / "keys").glob("*.pem")
    assert path.name.endswith(f"-{kid}.pem") and len(path.name) == len("20260101000000-") + 12
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "keys").stat().st_mode) == 0o700
    assert b"PRIVATE KEY" in path.read_bytes()
    assert kid not in repr(ring) and "PRIVATE" not in repr(ring)


def test_signing_key_matches_its_kid_and_public_key(tmp_path):
    ring = KeyRing(tmp_path)
    kid = ring.ensure_key()
    signing_kid, private_key = ring.signing_key()
    assert signing_kid == kid == key_id(private_key.public_key())
    assert list(ring.public_keys()) == [kid]
    assert verify_pass_token(pass_signed_by(ring), ring.public_keys(), NOW).kid == kid


def test_rotation_signs_with_the_new_key_and_still_verifies_old_passes(tmp_path):
    ring = KeyRing(tmp_path)
    old = ring.ensure_key()
    old_pass = pass_signed_by(ring)
    new = ring.rotate()
    newer = ring.rotate()  # same second: must still sort after the others
    assert len({old, new, newer}) == 3
    assert ring.signing_key()[0] == newer
    assert [key.kid for key in ring.active()] == [old, new, newer]
    assert verify_pass_token(old_pass, ring.public_keys(), NOW).kid == old
    assert verify_pass_token(pass_signed_by(ring), KeyRing(tmp_path).public_keys(), NOW).kid == newer


def test_retired_key_is_kept_but_no_longer_verifies(tmp_path):
    ring = KeyRing(tmp_path)
    old = ring.ensure_key()
    old_pass = pass_signed_by(ring)
    ring.rotate()
    ring.retire(old)
    assert old not in ring.public_keys()
    assert [key.kid for key in ring.retired()] == [old]
    assert list((tmp_path / "retired").glob(f"*-{old}.pem"))
    with pytest.raises(TokenRefused) as refusal:
        verify_pass_token(old_pass, ring.public_keys(), NOW)
    assert refusal.value.reason == "unknown_key"


def test_the_signing_key_and_unknown_keys_cannot_be_retired(tmp_path):
    ring = KeyRing(tmp_path)
    kid = ring.ensure_key()
    with pytest.raises(SigningKeyNotRetirable):
        ring.retire(kid)
    with pytest.raises(KeyNotFound):
        ring.retire("00000000")
    assert ring.signing_key()[0] == kid


def test_public_jwks_has_the_api_shape(tmp_path):
    ring = KeyRing(tmp_path)
    ring.ensure_key()
    ring.rotate()
    jwks = ring.public_jwks()
    assert [set(entry) for entry in jwks] == [{"kid", "alg", "public_key"}] * 2
    for entry in jwks:
        assert entry["alg"] == "Ed25519" and "=" not in entry["public_key"]
        raw = base64.urlsafe_b64decode(entry["public_key"] + "=")
        assert len(raw) == 32 and key_id(raw) == entry["kid"]
    assert jwks[-1]["kid"] == ring.signing_key()[0]


def test_an_empty_ring_has_no_signing_key(tmp_path):
    with pytest.raises(KeyRingError):
        KeyRing(tmp_path / "none").signing_key()
    assert KeyRing(tmp_path / "none").public_keys() == {}


def test_a_mislabelled_key_file_is_refused(tmp_path):
    ring = KeyRing(tmp_path)
    kid = ring.ensure_key()
    [path] = tmp_path.glob("*.pem")
    path.rename(tmp_path / path.name.replace(kid, "deadbeef"))
    with pytest.raises(KeyRingError):
        KeyRing(tmp_path).signing_key()


def test_concurrent_starts_make_a_single_key(tmp_path):
    with ThreadPoolExecutor(8) as pool:
        kids = set(pool.map(lambda _: KeyRing(tmp_path).ensure_key(), range(16)))
    assert len(kids) == 1 and len(list(tmp_path.glob("*.pem"))) == 1


# --- Flask integration ------------------------------------------------------------------------

@pytest.fixture
def app(tmp_path):
    app = Flask(__name__, instance_path=str(tmp_path / "instance"))
    init_app(app)
    register_key_commands(app)
    return app


def test_init_app_makes_a_key_under_the_instance_folder(app, tmp_path):
    ring = app.extensions["pass_keys"]
    assert ring.directory == tmp_path / "instance" / "keys"
    assert len(ring.public_keys()) == 1


def test_pass_keys_dir_setting_is_honoured(tmp_path):
    app = Flask(__name__, instance_path=str(tmp_path / "instance"))
    app.config["PASS_KEYS_DIR"] = str(tmp_path / "elsewhere")
    init_app(app)
    assert list((tmp_path / "elsewhere").glob("*.pem"))
    assert not (tmp_path / "instance" / "keys").exists()


def test_cli_lists_rotates_and_retires(app):
    runner = app.test_cli_runner()
    first = app.extensions["pass_keys"].signing_key()[0]

    result = runner.invoke(args=["keys", "rotate"])
    assert result.exit_code == 0, result.output
    second = app.extensions["pass_keys"].signing_key()[0]
    assert second != first and second in result.output

    refused = runner.invoke(args=["keys", "retire", second])
    assert refused.exit_code != 0 and "rotation" in refused.output

    result = runner.invoke(args=["keys", "retire", first.upper()])
    assert result.exit_code == 0, result.output

    listing = runner.invoke(args=["keys", "list"]).output
    assert f"{second}  " in listing and "signature" in listing
    assert f"{first}  " in listing and "retirée" in listing
    assert "PRIVATE" not in listing and "BEGIN" not in listing


def test_cli_retire_of_an_unknown_key_fails(app):
    result = app.test_cli_runner().invoke(args=["keys", "retire", "abcdef01"])
    assert result.exit_code != 0 and "abcdef01" in result.output
