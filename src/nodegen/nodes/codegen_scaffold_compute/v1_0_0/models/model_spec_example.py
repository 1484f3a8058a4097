"""Model of one executable example of a node spec's operation, and what an effect's example sets up around it."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, JsonValue, field_validator, model_validator

from nodegen.onex import EnumCoreErrorCode

ERROR_CODES = tuple(code.name for code in EnumCoreErrorCode)
_NONE_WRITTEN = frozenset({"", "none", "null", "~"})  # Python's None and YAML's null, written as text


class ModelHttpRoute(BaseModel):
    """One answer of the loopback HTTP server an effect's example starts: a method and path, and what it answers."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, serialize_by_alias=True)

    method: Literal["GET", "POST", "PUT", "PATCH", "DELETE"] = "GET"
    path: str = Field(pattern=r"^/", description="The path, with its query string if it has one, e.g. '/invoices/7'")
    status: int = Field(default=200, ge=100, le=599)
    json_body: JsonValue = Field(default=None, alias="json", description="The JSON the server answers")


class ModelExampleSetup(BaseModel):
    """What exists before an effect's example runs, in a fresh folder: ``{dir}`` in the example's strings is that
    folder, ``{base_url}`` the loopback server's address."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    files: dict[str, str] = Field(default_factory=dict, description="Relative path -> text, written before the call")
    sqlite: dict[str, list[str]] = Field(
        default_factory=dict, description="Relative database path -> SQL statements run before the call"
    )
    http: list[ModelHttpRoute] = Field(default_factory=list, description="What the loopback server answers")

    @field_validator("files", mode="before")
    @classmethod
    def _lines(cls, files: Any) -> Any:
        """A file's text may be written as the list of its lines."""
        if not isinstance(files, dict):
            return files
        return {
            path: "".join(f"{line}\n" for line in text)
            if isinstance(text, list) and all(isinstance(line, str) for line in text)
            else text
            for path, text in files.items()
        }


class ModelExampleCheck(BaseModel):
    """What must hold after an effect's example ran: files with this exact text, queries with these rows."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    files: dict[str, str] = Field(default_factory=dict, description="Relative path -> its text after the call")
    sqlite: dict[str, dict[str, list[list[JsonValue]]]] = Field(
        default_factory=dict, description="Relative database path -> {SQL query: the rows it returns after the call}"
    )


class ModelSpecExample(BaseModel):
    """An input (request fields) and either the output (the operation's response fields) or the error code it
    raises. ``source`` and ``agreement`` are nodegen's, never the model's: whether the prompt states these values
    itself, and how many independent samples of the spec gave the same output for this input."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    case: Literal["typical", "edge", "error"] = Field(default="typical", description="What the example shows")
    input: dict[str, JsonValue] = Field(default_factory=dict, description="Request field -> value")
    output: dict[str, JsonValue] | None = Field(default=None, description="Response field -> value")
    error: str | None = Field(default=None, description="The ModelOnexError code raised, e.g. VALIDATION_ERROR")
    note: str = Field(default="", description="What the example shows, in a few words")
    setup: ModelExampleSetup | None = Field(default=None, description="Effects: files, databases, HTTP answers")
    after: ModelExampleCheck | None = Field(default=None, description="Effects: files and rows after the call")
    source: Literal["prompt", "derived"] | None = Field(
        default=None, description="nodegen's: 'prompt' when the prompt itself states these values"
    )
    agreement: str | None = Field(
        default=None, description="nodegen's: samples that gave this output for this input, e.g. '3/3'"
    )

    @field_validator("output", "error", mode="before")
    @classmethod
    def _none_written(cls, value: object) -> object:
        """``error: None`` (YAML reads a string) or an empty one: no error; likewise no output."""
        return None if isinstance(value, str) and value.strip().lower() in _NONE_WRITTEN else value

    @field_validator("error", mode="before")
    @classmethod
    def _code_name(cls, value: object) -> object:
        """``ONEX_CORE_006_VALIDATION_ERROR`` and ``EnumCoreErrorCode.VALIDATION_ERROR`` name VALIDATION_ERROR."""
        if isinstance(value, str):
            text = value.strip().removeprefix("EnumCoreErrorCode.")
            return next((code.name for code in EnumCoreErrorCode if text == code.value), text)
        return value

    @model_validator(mode="after")
    def _one_outcome(self) -> ModelSpecExample:
        if self.output is not None and self.error is not None:
            raise ValueError("an example has either an output or an error (the ModelOnexError code), not both")
        if self.output is None and self.error is None:  # told "not both", the 1.5B model gave neither again
            raise ValueError(
                "an example needs its outcome: the output (response field -> value) or the error (the ModelOnexError "
                "code) it raises"
            )
        if self.error is not None and self.error not in ERROR_CODES:
            known = ", ".join(ERROR_CODES[:8])
            raise ValueError(f"unknown error code {self.error!r}: use an EnumCoreErrorCode name ({known}, ...)")
        return self

    @property
    def placeholders(self) -> bool:
        """The example needs its setup folder or server (effects)."""
        return self.setup is not None or self.after is not None
