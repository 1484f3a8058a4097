"""nodegen's configuration, read once: ``NODEGEN_*`` environment variables over ``[tool.nodegen]`` in pyproject.toml.

Every field name is also a key of ``container.config``. Each node reads its keys through one typed options model
(a :class:`NodeOptions` subclass whose fields are settings of the same name and type; the defaults are declared
here, once). An unknown key — in ``[tool.nodegen]``, a ``NODEGEN_*`` variable, an override, an options model — is
refused with the nearest known name (a typo must not silently fall back to a default).
"""

from __future__ import annotations

import contextvars
import difflib
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, SecretStr, TypeAdapter, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    PyprojectTomlConfigSettingsSource,
    SettingsConfigDict,
)

from nodegen.infra.store import check_database_url
from nodegen.onex import EnumCoreErrorCode, ModelContainer, ModelOnexError
from nodegen.onex.container import unknown_key_message
from nodegen.pysource import DEFAULT_STUB_MARKERS
from nodegen.services import NodegenServices

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
    injector_rewrite_hard_links: bool = Field(
        default=False,
        description="Fill a file that has other hard links by rewriting its own inode, journaled (not atomic: a "
        "reader may see it half-written meanwhile); off: such a file is refused",
    )
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
    allow_unsandboxed_code: bool = Field(
        default=False,
        description="Where bubblewrap is missing or fails, run generated and example code anyway as a plain child "
        "process: its file system and network are NOT isolated (off: such code is not run, and the output says so)",
    )
    sandbox_output_bytes: int = Field(
        default=1_000_000, ge=1024, description="Bytes kept of a sandboxed run's stdout and stderr each (then killed)"
    )
    package_tests_timeout_s: float = Field(default=120.0, gt=0, description="Time limit of `nodegen new`'s tests")
    spec_samples: int = Field(
        default=3,
        ge=1,
        le=10,
        description="Node specs `nodegen new` draws from the model (it keeps the one the others agree with)",
    )
    spec_implementations: int = Field(
        default=3,
        ge=0,
        le=10,
        description="Implementations `nodegen new` draws from an operation's rules to check its examples' outputs, "
        "as many again where they decide nothing (0: the model's outputs stand unchecked)",
    )
    spec_repairs: int = Field(
        default=1, ge=0, le=5, description="Times a spec that fails nodegen's checks goes back to the model, per sample"
    )
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
    new_llm: str = Field(
        default="local:1.5b",
        description="The provider of `nodegen new` when neither --llm nor the llm setting names one: the 1.5B model "
        "writes node specs the 0.5B mostly cannot (docs/benchmarks.md); when it is not installed, the llm setting's "
        "provider, and the run says so",
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
        default=0.6,
        ge=0.0,
        le=2.0,
        description="Temperature of retries up to the 6th attempt (never the greedy answer again); later ones "
        "sample at llm_late_retry_temperature",
    )
    llm_late_retry_temperature: float = Field(
        default=1.0,
        ge=0.0,
        le=2.0,
        description="Temperature from the 7th attempt on (never below llm_retry_temperature): the draws near the "
        "greedy answer have failed, wider ones are likelier to differ",
    )
    llm_seed: int = Field(default=0, ge=0, description="Repair attempts sample with seed llm_seed + attempt number")
    llm_retry_style: Literal["auto", "repair", "resample"] = Field(
        default="auto",
        description="What a retry sends: 'repair' (the failed answer and its findings, then the first prompt with "
        "the last findings), 'resample' (the first prompt again, sampled at llm_retry_temperature), 'auto' "
        "(resample for the in-process local models, which copy a failed answer back; repair for the others)",
    )
    llm_prompt_style: Literal["auto", "full", "plain"] = Field(
        default="auto",
        description="The system prompt: 'full' (nodegen's conventions), 'plain' (the plain assistant prompt a small "
        "model was tuned with; an ONEX node's conventions still follow), 'auto' (plain for the in-process local "
        "models, full for the others)",
    )
    llm_answer_start: Literal["auto", "methods", "off"] = Field(
        default="auto",
        description="'methods': a method's answer starts with its signature and docstring, written by nodegen, and "
        "ends where the method does, so the model writes only its body (a model that continues an answer: the "
        "in-process local ones); 'off': the model writes the whole answer; 'auto' (methods for the in-process local "
        "models, off for the others)",
    )
    llm_timeout_s: float = Field(default=120.0, gt=0, description="Time limit of one call")
    llm_max_retries: int = Field(default=4, ge=0, description="Retries of a call after 429, 5xx, timeout")
    llm_context_tokens: int = Field(default=8192, ge=512, description="Context window of a local GGUF model")
    llm_model_cache_dir: str | None = Field(
        default=None,
        description="Where the embedded local models are assembled (default $XDG_CACHE_HOME/nodegen/models, "
        "else ~/.cache/nodegen/models)",
    )
    prompt_token_budget: int = Field(  # at most a large file's size: such a file is shown in sections
        default=6000, ge=500, le=200_000, description="Most tokens of prompt context (estimated), trimmed in order"
    )
    max_attempts: int | None = Field(
        default=None,
        ge=1,
        le=20,
        description="Tries per stub (the first and the retries); default 3 when retries repair, 10 when they resample "
        "(llm_retry_style: each resample is a fresh draw, and the odds grow with the draws)",
    )
    generation_candidates: int = Field(
        default=1,
        ge=1,
        le=16,
        description="Candidates drawn for a stub from the first that passes its checks on, the passing ones chosen by "
        "execution agreement on probe inputs (1: the first that passes is written; measured with the 0.5B model on "
        "HumanEval's 164, 4 decoded together: 120 pass against 121 with 1, in about the same model time)",
    )
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
    worker_group_id: str = Field(default="nodegen-workers", description="Consumer group of `nodegen worker`")
    worker_partitions: int = Field(default=12, ge=1, description="Partitions of the request topic when created")
    worker_max_failures: int = Field(default=3, ge=1, description="Failed tries before a request is dead-lettered")
    worker_session_timeout_ms: int = Field(
        default=10_000, ge=500, description="Consumer-group session timeout: a dead worker's work moves after it"
    )
    worker_stop_grace_s: float = Field(default=30.0, ge=0, description="On SIGTERM: time to finish work in flight")
    submit_inline_text_bytes: int = Field(
        default=262_144, ge=0, description="Larger files travel as their sha256 (text in PostgreSQL)"
    )
    submit_republish_after_s: float = Field(
        default=120.0, gt=0, description="Send missing requests again after this long without a result"
    )
    outbox_drain_timeout_s: float = Field(
        default=10.0, gt=0, description="How long a run's end waits to deliver what the outbox holds (Kafka)"
    )
    workflow_timeout_s: float | None = Field(default=3600.0, description="Time limit of one fill run (None: none)")
    metrics_window_seconds: int = Field(default=3600, ge=1, description="Time window of the aggregated metrics")
    store_prompt_texts: bool = Field(
        default=False, description="Keep prompt and answer texts in generation events (default: only their hashes)"
    )

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str | None) -> str | None:
        if value:
            try:
                check_database_url(value)
            except ModelOnexError as error:
                raise ValueError(error.message) from None
        return value

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


# NODEGEN_* variables that are not settings: the benchmarks' own knobs (NODEGEN_BENCH_CAP_S, ...).
_NOT_SETTINGS_PREFIXES = ("NODEGEN_BENCH_",)
_ENV_PREFIX = "NODEGEN_"


def _setting_names() -> list[str]:
    return list(NodegenSettings.model_fields)


def _unknown_environment(environ: Mapping[str, str]) -> list[str]:
    known = {f"{_ENV_PREFIX}{name}".upper() for name in _setting_names()}
    problems = []
    for variable in sorted(environ):
        upper = variable.upper()
        if upper.startswith(_ENV_PREFIX) and upper not in known and not upper.startswith(_NOT_SETTINGS_PREFIXES):
            close = difflib.get_close_matches(upper, sorted(known), n=1, cutoff=0.6)
            hint = f"did you mean {close[0]}?" if close else "no setting has that name"
            problems.append(f"unknown variable {variable} ({hint})")
    return problems


def _problem(item: Any) -> str:
    location = ".".join(str(part) for part in item["loc"]) or "settings"
    if item["type"] == "extra_forbidden":
        return unknown_key_message(str(item["loc"][-1]), _setting_names(), where="key")
    return f"{location}: {item['msg']}"


def _configuration_error(problems: list[str], pyproject: Path | None, cause: Exception | None = None) -> ModelOnexError:
    where = f" (read from {pyproject} [tool.nodegen] and NODEGEN_* variables)" if pyproject else ""
    return ModelOnexError(
        error_code=EnumCoreErrorCode.INVALID_CONFIGURATION,
        message=f"invalid nodegen configuration{where}: {'; '.join(problems)}",
        cause=cause,
    )


def load_settings(project_dir: Path | None = None, **overrides: Any) -> NodegenSettings:
    """Settings for the project around ``project_dir`` (default: the working directory); ``INVALID_CONFIGURATION``
    naming the offending key when a value does not validate or a key (in ``[tool.nodegen]``, a ``NODEGEN_*``
    variable, ``overrides``) is not a setting."""
    pyproject = find_pyproject((project_dir or Path.cwd()).resolve())
    unknown = _unknown_environment(os.environ)
    if unknown:
        raise _configuration_error(unknown, pyproject)
    token = _pyproject_file.set(pyproject)
    try:
        return NodegenSettings(**overrides)
    except ValidationError as error:
        raise _configuration_error([_problem(item) for item in error.errors()], pyproject, error) from error
    finally:
        _pyproject_file.reset(token)


def check_overrides(overrides: Mapping[str, Any]) -> dict[str, Any]:
    """``overrides`` validated as settings: each key must be a setting and each value valid for it."""
    checked: dict[str, Any] = {}
    problems = []
    for key, value in overrides.items():
        field = NodegenSettings.model_fields.get(key)
        if field is None:
            problems.append(unknown_key_message(key, _setting_names()))
            continue
        try:
            checked[key] = _adapter(key).validate_python(value)
        except ValidationError as error:
            problems.append(f"{key}: {error.errors()[0]['msg']}")
    if problems:
        raise _configuration_error(problems, None)
    return checked


_ADAPTERS: dict[str, TypeAdapter[Any]] = {}


def _adapter(key: str) -> TypeAdapter[Any]:
    """A validator of one setting: its type with its constraints (``ge``, ``gt``, ...)."""
    if key not in _ADAPTERS:
        field = NodegenSettings.model_fields[key]
        _ADAPTERS[key] = TypeAdapter(field.rebuild_annotation())
    return _ADAPTERS[key]


def build_container(
    settings: NodegenSettings | None = None, *, services: NodegenServices | None = None, **overrides: Any
) -> ModelContainer:
    """A container over ``settings`` (loaded from the working directory when not given), ``overrides`` on top (each
    must be a setting: see :func:`check_overrides`), holding ``services``."""
    registry = services.registry() if services is not None else {}
    return ModelContainer.from_settings(settings or load_settings(), check_overrides(overrides), registry)


class NodeOptions(BaseModel):
    """The settings one node reads, typed: a subclass declares fields named and typed as settings (no defaults: they
    are declared once, in :class:`NodegenSettings`) and is built with :meth:`from_container`.

    A field that is not a setting, or whose type differs from the setting's, is refused when the class is defined.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        declared = NodegenSettings.model_fields
        for name, field in cls.model_fields.items():
            if name not in declared:
                raise TypeError(f"{cls.__name__}: {unknown_key_message(name, declared)}")
            if field.annotation != declared[name].annotation:
                raise TypeError(
                    f"{cls.__name__}.{name} is {field.annotation}, but the setting is {declared[name].annotation}"
                )

    @classmethod
    def from_container(cls, container: ModelContainer) -> Self:
        """Each field from ``container.config.get(name, <the setting's default>)``, validated as the setting."""
        values: dict[str, Any] = {}
        problems = []
        for name in cls.model_fields:
            default = NodegenSettings.model_fields[name].get_default(call_default_factory=True)
            value = container.config.get(name, default)
            if isinstance(value, os.PathLike):  # a folder given as a Path: settings hold paths as text
                value = os.fspath(value)
            try:
                values[name] = _adapter(name).validate_python(value)
            except ValidationError as error:
                problems.append(f"{name}: {error.errors()[0]['msg']}")
        if problems:
            raise _configuration_error(problems, None)
        return cls.model_validate(values)


__all__ = [
    "NodeOptions",
    "NodegenSettings",
    "build_container",
    "check_overrides",
    "find_pyproject",
    "load_settings",
    "unknown_key_message",
]
