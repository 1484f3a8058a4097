"""ModelContainer and nodegen's settings (NODEGEN_* variables over [tool.nodegen])."""

from unittest.mock import Mock

import pytest

from nodegen.infra.store import open_store
from nodegen.onex import EnumCoreErrorCode, ModelContainer, ModelOnexError
from nodegen.onex.testing import create_test_container
from nodegen.settings import NodegenSettings, NodeOptions, build_container, find_pyproject, load_settings


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
    container = build_container(NodegenSettings(log_level="debug"), max_attempts=5)
    assert container.config.get("log_level", "x") == "debug"
    assert container.config.get("max_attempts", 0) == 5


def test_a_misspelt_pyproject_key_names_the_setting_it_resembles(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.nodegen]\nllm_temprature = 0.2\n")
    with pytest.raises(ModelOnexError) as caught:
        load_settings(tmp_path)
    assert "unknown key 'llm_temprature' (did you mean 'llm_temperature'?)" in caught.value.message


def test_a_misspelt_environment_variable_is_refused_not_ignored(tmp_path, monkeypatch):
    monkeypatch.setenv("NODEGEN_MAX_ATEMPTS", "5")
    with pytest.raises(ModelOnexError) as caught:
        load_settings(tmp_path)
    assert caught.value.error_code == EnumCoreErrorCode.INVALID_CONFIGURATION
    assert "NODEGEN_MAX_ATEMPTS (did you mean NODEGEN_MAX_ATTEMPTS?)" in caught.value.message


def test_benchmark_variables_are_not_settings(tmp_path, monkeypatch):
    monkeypatch.setenv("NODEGEN_BENCH_CAP_S", "30")
    assert load_settings(tmp_path).generation_concurrency == 4


def test_a_misspelt_override_is_refused_with_the_nearest_name():
    with pytest.raises(ModelOnexError) as caught:
        build_container(NodegenSettings(), max_atempts=5)
    assert "unknown setting 'max_atempts' (did you mean 'max_attempts'?)" in caught.value.message
    with pytest.raises(ValueError, match="did you mean 'max_attempts'"):
        ModelContainer.from_settings(NodegenSettings(), overrides={"max_atempts": 5})


def test_an_override_is_validated_as_its_setting():
    with pytest.raises(ModelOnexError) as caught:
        build_container(NodegenSettings(), max_attempts=0)
    assert "max_attempts" in caught.value.message


def test_an_unknown_database_scheme_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("NODEGEN_DATABASE_URL", "mysql://x")
    with pytest.raises(ModelOnexError) as caught:
        load_settings(tmp_path)
    assert "database_url mysql://... is not a database nodegen can use" in caught.value.message
    with pytest.raises(ModelOnexError, match="postgresql://"):
        open_store("mysql://x", tmp_path)
    assert not (tmp_path / "mysql:").exists()


class ModelExampleOptions(NodeOptions):
    generation_concurrency: int
    stub_extraction_patterns: list[str]
    database_url: str | None


def test_node_options_take_the_settings_defaults_and_the_container_values():
    assert ModelExampleOptions.from_container(ModelContainer()).model_dump() == {
        "generation_concurrency": 4,
        "stub_extraction_patterns": ["# IMPLEMENTATION REQUIRED", "pass  # Stub"],
        "database_url": None,
    }
    container = ModelContainer.from_settings(NodegenSettings(generation_concurrency=7))
    assert ModelExampleOptions.from_container(container).generation_concurrency == 7


def test_node_options_work_with_a_container_that_only_answers_config_get():
    container = Mock()
    container.config.get = Mock(side_effect=lambda key, default: default)
    assert ModelExampleOptions.from_container(container).generation_concurrency == 4


def test_node_options_refuse_a_bad_value_by_name():
    with pytest.raises(ModelOnexError, match="generation_concurrency"):
        ModelExampleOptions.from_container(create_test_container({"generation_concurrency": "many"}))


def test_a_node_options_field_must_be_a_setting_of_the_same_type():
    with pytest.raises(TypeError, match="did you mean 'generation_concurrency'"):

        class ModelMisspelt(NodeOptions):
            generation_concurency: int

    with pytest.raises(TypeError, match="generation_concurrency is <class 'str'>"):

        class ModelMistyped(NodeOptions):
            generation_concurrency: str
