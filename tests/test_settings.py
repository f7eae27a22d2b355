"""Every setting is documented, and a bad value names its key."""

from __future__ import annotations

import pytest
from newsgraph.errors import ConfigError
from newsgraph.settings import Settings, load_settings

from tests.conftest import ROOT


def test_every_setting_is_documented() -> None:
    table = (ROOT / "docs" / "settings.md").read_text()
    missing = [f"NEWSGRAPH_{name.upper()}" for name in Settings.model_fields
               if f"NEWSGRAPH_{name.upper()}" not in table]  # fmt: skip
    assert missing == []


def test_every_setting_has_a_description() -> None:
    assert all(field.description for field in Settings.model_fields.values())


def test_environment_and_flags(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSGRAPH_QUERY_TIMEOUT", "12")
    monkeypatch.setenv("NEWSGRAPH_PORT", "9001")
    settings = load_settings(port=9002)
    assert settings.query_timeout == 12 and settings.port == 9002


def test_bad_values_name_the_key_and_the_value(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSGRAPH_QUERY_TIMEOUT", "soon")
    with pytest.raises(ConfigError, match=r"NEWSGRAPH_QUERY_TIMEOUT .*'soon'"):
        load_settings()
