"""Settings: the secret key kept in instance/ is one for every process that starts at once."""
import multiprocessing
import os

from passresot.config import _instance_secret, load_config


def _read(instance):
    return _instance_secret(instance)


def test_workers_starting_together_share_one_secret_key(tmp_path):
    instance = str(tmp_path / "instance")
    with multiprocessing.get_context("fork").Pool(8) as pool:
        keys = pool.map(_read, [instance] * 32)
    assert len(set(keys)) == 1 and len(keys[0]) > 40
    assert os.listdir(instance) == ["secret_key"]  # no temporary file left behind
    assert os.stat(os.path.join(instance, "secret_key")).st_mode & 0o777 == 0o600


def test_the_pass_keys_directory_comes_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x")
    monkeypatch.setenv("PASS_KEYS_DIR", "/srv/shared/passresot-keys")
    assert load_config(str(tmp_path))["PASS_KEYS_DIR"] == "/srv/shared/passresot-keys"
    monkeypatch.delenv("PASS_KEYS_DIR")
    assert load_config(str(tmp_path))["PASS_KEYS_DIR"] == ""  # keys_dir() falls back to instance/keys
