"""Every setting is documented, and a bad value names its key."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from newsgraph.errors import ConfigError
from newsgraph.settings import Settings, load_settings

from tests.conftest import ROOT, record, write_jsonl


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


def test_an_empty_store_setting_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    """``NEWSGRAPH_STORE=`` (an unset shell variable) named the working directory: an ingest
    filled it with a store. It is refused, naming the setting; the control, the default, makes
    ``.newsgraph`` there."""
    records = write_jsonl(tmp_path / "records.jsonl", [record("a")])
    work = tmp_path / "work"
    work.mkdir()

    def ingest(env: dict[str, str]) -> subprocess.CompletedProcess[bytes]:
        environ = {k: v for k, v in os.environ.items() if k != "NEWSGRAPH_STORE"}
        return subprocess.run(
            [sys.executable, "-m", "newsgraph", "ingest", "-q", str(records)],
            capture_output=True, env={**environ, **env}, cwd=work, timeout=120,
        )  # fmt: skip

    refused = ingest({"NEWSGRAPH_STORE": ""})
    assert refused.returncode == 2
    assert "NEWSGRAPH_STORE (--store) = '': is empty" in refused.stderr.decode()
    assert list(work.iterdir()) == []
    done = ingest({})
    assert done.returncode == 0, done.stderr.decode()
    assert [path.name for path in work.iterdir()] == [".newsgraph"]
