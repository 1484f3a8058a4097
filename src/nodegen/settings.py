"""nodegen's configuration, read once: ``NODEGEN_*`` environment variables over ``[tool.nodegen]`` in pyproject.toml.

Every field name is also the key nodes read with ``container.config.get(key, default)``. Unknown keys in
``[tool.nodegen]`` are refused (a typo must not silently fall back to a default).
"""

from __future__ import annotations

import contextvars
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, ValidationError
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    PyprojectTomlConfigSettingsSource,
    SettingsConfigDict,
)

from nodegen.onex import EnumCoreErrorCode, ModelContainer, ModelOnexError
from nodegen.pysource import DEFAULT_STUB_MARKERS

_pyproject_file: contextvars.ContextVar[Path | None] = contextvars.ContextVar("nodegen_pyproject", default=None)


class NodegenSettings(BaseSettings):
    """All of nodegen's settings, typed."""

    model_config = SettingsConfigDict(
        env_prefix="NODEGEN_",
        extra="forbid",
        pyproject_toml_table_header=("tool", "nodegen"),
    )

    stub_extraction_patterns: list[str] = Field(
        default_factory=lambda: list(DEFAULT_STUB_MARKERS),
        description="Markers that make a function a stub (case- and space-insensitive, optional ': note' suffix)",
    )
    stub_include_not_implemented: bool = Field(
        default=False,
        description="Also treat unmarked bodies that only raise NotImplementedError as stubs",
    )
    max_file_bytes: int = Field(
        default=5_000_000, ge=1, description="Largest source file nodegen reads (larger ones are refused unread)"
    )
    strict_line_matching: bool = Field(
        default=True, description="A request's line must be its def's or first decorator's exactly (else within 2)"
    )
    preserve_code_formatting: bool = Field(
        default=True,
        description="Keep the nesting widths an answer uses (False: nested blocks take the file's indentation unit)",
    )
    injector_backup: bool = Field(default=False, description="Keep '<file>.orig' when a file is written in place")
    validation_strict_mode: bool = Field(default=False, description="Warnings fail validation too")
    enable_security_checks: bool = Field(default=True, description="Run the security rule (bandit, secrets, ...)")
    validation_mypy: bool = Field(default=False, description="Also run mypy on code in place (slower)")
    validation_mypy_cache_dir: str | None = Field(default=".nodegen/mypy_cache", description="mypy's warm cache")
    validation_checker_timeout_s: float = Field(default=10.0, gt=0, description="Time limit of each external checker")
    validation_run_examples: bool = Field(
        default=True, description="Run each stub's docstring examples against every candidate, in the sandbox"
    )
    validation_examples_timeout_s: float = Field(default=5.0, gt=0, description="Time limit of one examples run")
    sandbox_memory_mb: int = Field(default=1024, ge=64, description="Address space of each sandboxed process")
    sandbox_output_bytes: int = Field(
        default=1_000_000, ge=1024, description="Bytes kept of a sandboxed run's stdout and stderr each (then killed)"
    )
    package_tests_timeout_s: float = Field(default=120.0, gt=0, description="Time limit of `nodegen new`'s tests")
    validation_severity: dict[str, Literal["error", "warning", "off"]] = Field(
        default_factory=dict, description="Severity by finding code, code prefix or rule, e.g. {'TYP': 'error'}"
    )
    validation_select: list[str] = Field(default_factory=list, description="Report only these codes (prefixes)")
    validation_ignore: list[str] = Field(default_factory=list, description="Never report these codes (prefixes)")
    log_level: str = Field(default="warning", description="Level of the JSON log lines written to stderr")
    state_dir: str = Field(default=".nodegen", description="Where nodegen keeps its cache and databases")
    llm: str = Field(
        default="local",
        description="Provider: openai:MODEL, ollama:MODEL, anthropic:MODEL, local (Qwen2.5-Coder-0.5B in-process), "
        "local:1.5b, gguf:PATH, replay:FILE",
    )
    llm_base_url: str | None = Field(
        default=None, description="Server address (default: OPENAI_BASE_URL / ANTHROPIC_BASE_URL, or the provider's)"
    )
    llm_api_key: SecretStr | None = Field(
        default=None, description="API key (default: OPENAI_API_KEY / ANTHROPIC_API_KEY); never logged or stored"
    )
    llm_record: str | None = Field(default=None, description="Also append every answer to this replay file")
    llm_cache: bool = Field(default=True, description="Reuse answers to unchanged prompts (SQLite in state_dir)")
    llm_temperature: float = Field(default=0.0, ge=0.0, le=2.0, description="Sampling temperature")
    llm_max_output_tokens: int = Field(default=2048, ge=16, description="Most tokens one answer may take")
    max_answer_chars: int = Field(
        default=20_000, ge=100, description="Longest answer read (characters); a longer one is refused unread"
    )
    llm_retry_temperature: float = Field(
        default=0.6, ge=0.0, le=2.0, description="Temperature of repair attempts (never the greedy answer again)"
    )
    llm_seed: int = Field(default=0, ge=0, description="Repair attempts sample with seed llm_seed + attempt number")
    llm_timeout_s: float = Field(default=120.0, gt=0, description="Time limit of one call")
    llm_max_retries: int = Field(default=4, ge=0, description="Retries of a call after 429, 5xx, timeout")
    llm_context_tokens: int = Field(default=8192, ge=512, description="Context window of a local GGUF model")
    llm_model_cache_dir: str | None = Field(
        default=None,
        description="Where the embedded local models are assembled (default $XDG_CACHE_HOME/nodegen/models, "
        "else ~/.cache/nodegen/models)",
    )
    prompt_token_budget: int = Field(
        default=6000, ge=500, description="Most tokens of context in a prompt (estimated); trimmed in a fixed order"
    )
    max_attempts: int = Field(default=3, ge=1, le=20, description="Tries per stub (the first and the repairs)")
    generation_concurrency: int = Field(default=4, ge=1, le=256, description="Stubs generated at the same time")
    max_tokens: int | None = Field(default=None, ge=1, description="Token budget of a run (no new call once spent)")
    max_cost_usd: float | None = Field(default=None, gt=0, description="Cost budget of a run in USD")
    codegen_output_dir: str = Field(default="./generated", description="Where the store effect writes artifacts")
    enable_artifact_db_storage: bool = Field(default=False, description="Also record each written file in the db")
    default_file_permissions: str = Field(default="0644", description="Permission bits of written artifacts")
    database_url: str | None = Field(
        default=None, description="postgresql://... for PostgreSQL; default SQLite at <state_dir>/nodegen.db"
    )
    kafka_bootstrap: str | None = Field(default=None, description="host:port of Kafka; default the in-process bus")
    workflow_timeout_s: float | None = Field(default=3600.0, description="Time limit of one fill run (None: none)")
    metrics_window_seconds: int = Field(default=3600, ge=1, description="Time window of the aggregated metrics")
    store_prompt_texts: bool = Field(
        default=False, description="Keep prompt and answer texts in generation events (default: only their hashes)"
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Without a project file the source points at one that does not exist, and reads as empty.
        pyproject = _pyproject_file.get() or Path("/nonexistent/pyproject.toml")
        return init_settings, env_settings, PyprojectTomlConfigSettingsSource(settings_cls, toml_file=pyproject)


def find_pyproject(start: Path) -> Path | None:
    """The nearest pyproject.toml in ``start`` or one of its parents."""
    directory = start if start.is_dir() else start.parent
    for candidate in (directory, *directory.parents):
        path = candidate / "pyproject.toml"
        if path.is_file():
            return path
    return None


def load_settings(project_dir: Path | None = None, **overrides: Any) -> NodegenSettings:
    """Settings for the project around ``project_dir`` (default: the working directory).

    Raises ``ModelOnexError(INVALID_CONFIGURATION)`` naming the offending key when a value does not validate.
    """
    pyproject = find_pyproject((project_dir or Path.cwd()).resolve())
    token = _pyproject_file.set(pyproject)
    try:
        return NodegenSettings(**overrides)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in item['loc']) or 'settings'}: {item['msg']}" for item in error.errors()
        )
        where = f" (read from {pyproject} [tool.nodegen] and NODEGEN_* variables)" if pyproject else ""
        raise ModelOnexError(
            error_code=EnumCoreErrorCode.INVALID_CONFIGURATION,
            message=f"invalid nodegen configuration{where}: {problems}",
            cause=error,
        ) from error
    finally:
        _pyproject_file.reset(token)


def build_container(settings: NodegenSettings | None = None, **overrides: Any) -> ModelContainer:
    """A container over ``settings`` (loaded from the working directory when not given)."""
    return ModelContainer.from_settings(settings or load_settings(), overrides=overrides)


__all__ = ["NodegenSettings", "build_container", "find_pyproject", "load_settings"]
