"""Models of what a node spec declares besides fields and operations: an effect's I/O, a reducer's intents, an
orchestrator's steps, and nested models."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from nodegen.onex import EnumIntentType

from .model_spec_field import ModelSpecField

IOKind = Literal["files", "sqlite", "http"]
# The worked example an effect's spec prompt shows: its I/O kind, or a CSV file (files, with a header row)
IOHint = Literal["files", "csv", "sqlite", "http"]


class ModelIoOperation(BaseModel):
    """I/O an effect does: files under a path the request gives, an SQLite database, or HTTP through httpx."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: IOKind
    access: Literal["read", "write", "read_write"] = "read"
    target: str = Field(description="The request field holding the path, database file or base URL")
    description: str = ""


class ModelSpecIntent(BaseModel):
    """An intent a reducer returns after its aggregation, its payload made of response fields."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    intent_type: EnumIntentType
    target: str = Field(min_length=1, description="Who carries it out, e.g. 'event_bus' or 'store_effect'")
    payload: list[str] = Field(default_factory=list, description="Response fields carried in the payload")
    priority: int = Field(default=5, ge=1, le=10, description="10 runs first")


class ModelSpecStep(BaseModel):
    """A step an orchestrator coordinates, and the steps it waits for."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    description: str = ""
    depends_on: list[str] = Field(default_factory=list)


class ModelSpecModel(BaseModel):
    """A nested model: a PascalCase name that field types may use, and its fields."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[A-Z][A-Za-z0-9]*$")
    description: str = ""
    fields: list[ModelSpecField] = Field(min_length=1)
