"""The contracts a node is called with: a correlation id and the node's input.

``ModelContractEffect(correlation_id=uuid4(), input_state={...})`` is valid exactly as the guide writes it;
``input_data=`` is accepted as another name for ``input_state`` and ``contract.input_data`` reads it back. A pydantic
model given as input is stored as its JSON-compatible dictionary. Unknown fields are refused, so a misspelt
``input_sate`` fails loudly instead of running the node on nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, ClassVar, TypeVar
from uuid import UUID, uuid4

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, ValidationError, field_validator

from nodegen.onex.errors import EnumCoreErrorCode, ModelOnexError

InputT = TypeVar("InputT", bound=BaseModel)


class EnumNodeType(StrEnum):
    """The four ONEX node kinds."""

    EFFECT = "effect"
    COMPUTE = "compute"
    REDUCER = "reducer"
    ORCHESTRATOR = "orchestrator"


class ModelContractBase(BaseModel):
    """Fields shared by every contract."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    node_type: ClassVar[EnumNodeType]

    correlation_id: UUID = Field(default_factory=uuid4, description="Ties logs, events and results of one request")
    input_state: dict[str, Any] = Field(
        default_factory=dict,
        validation_alias=AliasChoices("input_state", "input_data"),
        description="The node's input; its keys are documented by each node",
    )
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC))

    @field_validator("input_state", mode="before")
    @classmethod
    def _input_as_dict(cls, value: Any) -> Any:
        if value is None:
            return {}
        if isinstance(value, BaseModel):
            return value.model_dump(mode="json")
        return value

    @property
    def input_data(self) -> dict[str, Any]:
        """The same dictionary as ``input_state`` (the original API's name)."""
        return self.input_state

    def input_as(self, model: type[InputT], **replacements: Any) -> InputT:
        """``input_state`` (with ``replacements`` applied) validated as ``model``.

        Raises ``ModelOnexError(VALIDATION_ERROR)`` naming the first offending field; for an unknown key, the
        message lists the keys the model accepts; a check of the model's own (a validator's ``ValueError``, which
        names its field) is its message as written.
        """
        try:
            return model.model_validate({**self.input_state, **replacements})
        except ValidationError as error:
            raise ModelOnexError(
                error_code=EnumCoreErrorCode.VALIDATION_ERROR, message=input_error_message(error, model), cause=error
            ) from error


def input_error_message(error: ValidationError, model: type[BaseModel]) -> str:
    """The first problem of ``error`` in a request of ``model``, said for the user."""
    first = error.errors()[0]
    field = ".".join(str(part) for part in first["loc"]) or "input_state"
    if first["type"] == "value_error":
        return str(first["ctx"]["error"])
    if first["type"] == "missing":
        return f"Missing required field: {field}"
    accepted = f" (accepted keys: {', '.join(model.model_fields)})" if first["type"] == "extra_forbidden" else ""
    return f"invalid input field {field}: {first['msg']}{accepted}"


class ModelContractEffect(ModelContractBase):
    """Contract of an Effect node (does I/O)."""

    node_type: ClassVar[EnumNodeType] = EnumNodeType.EFFECT


class ModelContractCompute(ModelContractBase):
    """Contract of a Compute node (pure transformation)."""

    node_type: ClassVar[EnumNodeType] = EnumNodeType.COMPUTE


class ModelContractReducer(ModelContractBase):
    """Contract of a Reducer node (pure aggregation that returns intents)."""

    node_type: ClassVar[EnumNodeType] = EnumNodeType.REDUCER


class ModelContractOrchestrator(ModelContractBase):
    """Contract of an Orchestrator node (runs a workflow and executes intents)."""

    node_type: ClassVar[EnumNodeType] = EnumNodeType.ORCHESTRATOR


__all__ = [
    "EnumNodeType",
    "ModelContractBase",
    "ModelContractCompute",
    "ModelContractEffect",
    "ModelContractOrchestrator",
    "ModelContractReducer",
]
