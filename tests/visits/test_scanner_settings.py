"""The network's scanner settings read from the environment and given to devices in the bundle."""
from passresot.config import load_config


def test_verify_after_days_comes_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x")
    monkeypatch.delenv("SCANNER_VERIFY_AFTER_DAYS", raising=False)
    assert load_config(str(tmp_path))["SCANNER_VERIFY_AFTER_DAYS"] == 0
    monkeypatch.setenv("SCANNER_VERIFY_AFTER_DAYS", "5")
    assert load_config(str(tmp_path))["SCANNER_VERIFY_AFTER_DAYS"] == 5


def test_the_bundle_says_after_how_many_days_verdicts_are_to_be_checked(app, bundle_device, monkeypatch):
    assert bundle_device()["verify_after_days"] is None  # not set: the device's verdicts stand
    monkeypatch.setitem(app.config, "SCANNER_VERIFY_AFTER_DAYS", 3)
    assert bundle_device()["verify_after_days"] == 3
