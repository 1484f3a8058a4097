"""ModelContainer and nodegen's settings (NODEGEN_* variables over [tool.nodegen])."""

import pytest

from nodegen.onex import EnumCoreErrorCode, ModelContainer, ModelOnexError
from nodegen.settings import NodegenSettings, build_container, find_pyproject, load_settings


def test_config_get_returns_the_default_for_unknown_keys():
    assert ModelContainer().config.get("anything", 7) == 7


def test_config_reads_settings_fields():
    container = ModelContainer.from_settings(NodegenSettings(stub_include_not_implemented=True))
    assert container.config.get("stub_include_not_implemented", False) is True
    assert "stub_extraction_patterns" in container.config


def test_overrides_win_over_settings():
    container = ModelContainer.from_settings(NodegenSettings(), overrides={"stub_extraction_patterns": ["# X"]})
    assert container.config.get("stub_extraction_patterns", []) == ["# X"]


def test_services_are_registered_and_looked_up():
    container = ModelContainer()
    service = object()
    container.register_service("event_bus", service)
    assert container.get_service("event_bus") is service
    assert container.get_service("store") is None
    assert container.service_names() == ["event_bus"]


def test_a_service_needs_a_name():
    with pytest.raises(ValueError):
        ModelContainer().register_service("", object())


def test_settings_defaults(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    settings = load_settings()
    assert settings.stub_extraction_patterns == ["# IMPLEMENTATION REQUIRED", "pass  # Stub"]
    assert settings.stub_include_not_implemented is False


def test_pyproject_table_is_read(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.nodegen]\nstub_extraction_patterns = ["# FILL"]\n')
    (tmp_path / "pkg").mkdir()
    assert load_settings(tmp_path / "pkg").stub_extraction_patterns == ["# FILL"]


def test_environment_wins_over_pyproject(tmp_path, monkeypatch):
    (tmp_path / "pyproject.toml").write_text("[tool.nodegen]\nstub_include_not_implemented = false\n")
    monkeypatch.setenv("NODEGEN_STUB_INCLUDE_NOT_IMPLEMENTED", "true")
    assert load_settings(tmp_path).stub_include_not_implemented is True


def test_list_settings_come_from_json_in_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("NODEGEN_STUB_EXTRACTION_PATTERNS", '["# A", "# B"]')
    assert load_settings(tmp_path).stub_extraction_patterns == ["# A", "# B"]


def test_unknown_pyproject_key_is_refused_by_name(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.nodegen]\nstub_patterns = []\n")
    with pytest.raises(ModelOnexError) as caught:
        load_settings(tmp_path)
    assert caught.value.error_code == EnumCoreErrorCode.INVALID_CONFIGURATION
    assert "stub_patterns" in caught.value.message
    assert "pyproject.toml" in caught.value.message


def test_wrongly_typed_value_is_refused_by_name(tmp_path, monkeypatch):
    monkeypatch.setenv("NODEGEN_STUB_INCLUDE_NOT_IMPLEMENTED", "maybe")
    with pytest.raises(ModelOnexError) as caught:
        load_settings(tmp_path)
    assert "stub_include_not_implemented" in caught.value.message


def test_find_pyproject_walks_up(tmp_path):
    (tmp_path / "pyproject.toml").write_text("")
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    assert find_pyproject(deep) == tmp_path / "pyproject.toml"


def test_build_container_uses_the_given_settings():
    container = build_container(NodegenSettings(log_level="debug"), extra_key=3)
    assert container.config.get("log_level", "x") == "debug"
    assert container.config.get("extra_key", 0) == 3
