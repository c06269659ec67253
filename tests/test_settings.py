"""Settings: one validated object, every field documented (datasette's habit)."""

from pathlib import Path

import pytest
from pydantic import ValidationError

from isac.settings import Settings

README = Path(__file__).resolve().parents[1] / "README.md"


def test_every_setting_is_documented_in_the_readme():
    text = README.read_text(encoding="utf-8")
    missing = [f"ISAC_{name.upper()}" for name in Settings.model_fields if f"ISAC_{name.upper()}" not in text]
    assert not missing, f"document these settings in README.md: {missing}"


def test_settings_come_from_isac_variables(monkeypatch):
    monkeypatch.setenv("ISAC_K", "7")
    monkeypatch.setenv("ISAC_MAX_BODY_BYTES", "2048")
    s = Settings()
    assert s.k == 7 and s.max_body_bytes == 2048


@pytest.mark.parametrize("name, value", [("ISAC_K", "0"), ("ISAC_ENCODER", "word2vec"), ("ISAC_PORT", "70000")])
def test_bad_values_are_refused_with_the_field(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError) as exc:
        Settings()
    assert name.removeprefix("ISAC_").lower() in str(exc.value)
