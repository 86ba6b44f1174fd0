"""Configuration layers and start-up checks."""

from __future__ import annotations

import pytest

from catalog.errors import ConfigError
from portal import create_app


def make(instance_dir, **config):
    return create_app({"INSTANCE_PATH": str(instance_dir), **config})


def test_storage_defaults_live_in_the_instance_folder(instance_dir):
    app = make(instance_dir)
    assert app.config["DATABASE_URL"] == f"sqlite:///{instance_dir / 'warisan.db'}"
    assert app.config["SEARCH_URL"] == f"tantivy://{instance_dir / 'index'}"
    assert app.config["QUEUE_URL"] == f"sqlite:///{instance_dir / 'queue.db'}"
    assert app.config["FILES_DIR"] == str(instance_dir / "files")


def test_layers_instance_file_then_environment_then_test_config(instance_dir, monkeypatch):
    (instance_dir / "config.py").write_text(
        "PORTAL_NAME = 'From instance'\nSECRET_KEY = 'instance-secret'\nLANGUAGES = ['en', 'id']\n"
    )
    monkeypatch.setenv("WARISAN_SECRET_KEY", "env-secret")
    monkeypatch.setenv("WARISAN_LANGUAGES", '["en", "ms"]')
    app = make(instance_dir, PORTAL_NAME="From test")
    assert app.config["PORTAL_NAME"] == "From test"
    assert app.config["SECRET_KEY"] == "env-secret"
    assert app.config["LANGUAGES"] == ["en", "ms"]


def test_warisan_instance_selects_the_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("WARISAN_INSTANCE", str(tmp_path / "elsewhere"))
    app = create_app()
    assert app.instance_path == str(tmp_path / "elsewhere")
    assert str(tmp_path / "elsewhere" / "warisan.db") in app.config["DATABASE_URL"]


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("DATABASE_URL", "mysql://x/y"),
        ("SEARCH_URL", "solr://localhost:8983"),
        ("QUEUE_URL", "amqp://localhost"),
        ("LANGUAGES", "en"),
        ("BABEL_DEFAULT_LOCALE", "fr"),
    ],
)
def test_bad_value_fails_at_start_naming_the_setting(instance_dir, setting, value):
    with pytest.raises(ConfigError, match=setting) as info:
        make(instance_dir, **{setting: value})
    assert info.value.fields["setting"] == setting


def test_bad_value_from_the_environment_fails_too(instance_dir, monkeypatch):
    monkeypatch.setenv("WARISAN_QUEUE_URL", "ftp://nowhere")
    with pytest.raises(ConfigError, match="QUEUE_URL"):
        make(instance_dir)
