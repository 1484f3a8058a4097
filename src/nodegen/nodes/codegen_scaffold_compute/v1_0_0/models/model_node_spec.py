"""Model of a node spec: the one source of a scaffolded package (YAML on disk, JSON under its schema from a model)."""

from __future__ import annotations

import copy
import keyword
import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .enum_node_kind import EnumNodeKind
from .model_spec_field import ModelSpecField
from .model_spec_operation import ModelSpecOperation
from .model_spec_parts import ModelIoOperation, ModelSpecIntent, ModelSpecModel, ModelSpecStep


def to_snake(name: str) -> str:
    """``ShippingCost`` -> ``shipping_cost``; ``HTTPFetcher`` -> ``http_fetcher``."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name)
    return spaced.lower()


_FIELD_KEYS = frozenset(ModelSpecField.model_fields) - {"name"}
_RECORD_MARKS = frozenset({"dict", "object", "Dict"})  # ``{type: dict, customer: str}``: the mark of a record


def _marks_record(value: Any) -> bool:
    return isinstance(value, str) and value in _RECORD_MARKS


def _is_record(value: Any) -> bool:
    """A mapping of field names to types (``{customer: str, amount: float}``), not a field's own settings."""
    if not isinstance(value, dict) or not value:
        return False
    return _marks_record(value.get("type")) or not set(value) <= _FIELD_KEYS


def _field_list(value: Any) -> Any:
    """The compact YAML form ``{weight_kg: float}`` or ``{weight_kg: {type: float, ge: 0}}`` as a list of fields
    (a record written in place, ``{customer: str}`` or ``[{customer: str}]``, is the field's type)."""
    if not isinstance(value, dict):
        return value
    fields = []
    for name, item in value.items():
        plain = not isinstance(item, dict) or _is_record(item)
        fields.append({"name": name, "type": item} if plain else {"name": name, **item})
    return fields


def _record_name(field: str, many: bool, taken: set[str]) -> str:
    """``customer`` -> ``Customer``; a list's ``orders`` -> ``Order``, ``entries`` -> ``Entry``; unique."""
    words = [word for word in field.split("_") if word]
    if many and words:
        last = words[-1]
        if last.endswith("ies") and len(last) > 3:
            words[-1] = last[:-3] + "y"
        elif last.endswith("s") and not last.endswith("ss") and len(last) > 1:
            words[-1] = last[:-1]
        else:
            words.append("item")
    base = "".join(word[:1].upper() + word[1:] for word in words) or "Record"
    base = base if base[0].isalpha() else f"Record{base}"
    name, number = base, 2
    while name in taken:
        name, number = f"{base}{number}", number + 1
    taken.add(name)
    return name


def _inline_records(data: dict[str, Any]) -> None:
    """Each record written in place as a field's type becomes a nested model of the spec, named after the field,
    and the field's type names it (``list[Order]`` for ``orders: [{customer: str, amount: float}]``)."""
    models = [m for m in data.get("models") or [] if isinstance(m, dict)]
    taken = {str(m.get("name")) for m in models}
    queue = [fields for key in ("request", "response") if isinstance(fields := data.get(key), list)]
    queue += [m["fields"] for m in models if isinstance(m.get("fields"), list)]
    while queue:
        for entry in queue.pop():
            if not isinstance(entry, dict):
                continue
            kind = entry.get("type")
            many = isinstance(kind, list) and len(kind) == 1 and _is_record(kind[0])
            record = kind[0] if many and isinstance(kind, list) else kind
            if not (many or _is_record(record)) or not isinstance(record, dict):
                continue
            name = _record_name(str(entry.get("name", "")), many, taken)
            fields = _field_list({k: v for k, v in record.items() if not (k == "type" and _marks_record(v))})
            models.append({"name": name, "fields": fields})
            queue.append(fields)
            entry["type"] = f"list[{name}]" if many else name
    if models:
        data["models"] = models


class ModelNodeSpec(BaseModel):
    """A node: kind, name, request and response fields, operations with executable examples, and what its kind
    declares (an effect's I/O, a reducer's intents, an orchestrator's steps)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: EnumNodeKind
    name: str = Field(description="PascalCase, without 'Node' and the kind: 'ShippingCost'")
    description: str = Field(min_length=1, description="One line: what the node does")
    request: list[ModelSpecField] = Field(min_length=1, description="The request's fields")
    response: list[ModelSpecField] = Field(min_length=1, description="The response's fields")
    operations: list[ModelSpecOperation] = Field(min_length=1)
    models: list[ModelSpecModel] = Field(default_factory=list, description="Nested models the field types use")
    io_operations: list[ModelIoOperation] = Field(default_factory=list, description="Effects: the I/O they do")
    intents: list[ModelSpecIntent] = Field(default_factory=list, description="Reducers: the intents they return")
    steps: list[ModelSpecStep] = Field(default_factory=list, description="Orchestrators: the steps they coordinate")
    prompt: str = Field(default="", description="The prompt the spec was written from")
    written_by: str = Field(default="", description="Who wrote it: a provider, 'keywords' or 'file'")

    @model_validator(mode="before")
    @classmethod
    def _compact_forms(cls, data: Any) -> Any:
        """Fields as mappings, records written in place as types (nested models named after their field), an
        example's bare output for an operation of one response field, and a bare input for a request of one field."""
        if not isinstance(data, dict):
            return data
        data = copy.deepcopy(data)  # never the caller's dicts: outputs are rewritten below
        for key in ("request", "response"):
            data[key] = _field_list(data.get(key, []))
        if isinstance(data.get("models"), dict):
            data["models"] = [
                {"name": name, "fields": _field_list(item.get("fields", item) if isinstance(item, dict) else item)}
                for name, item in data["models"].items()
            ]
        _inline_records(data)
        types = {f.get("name"): str(f.get("type", "")) for f in data["response"] or [] if isinstance(f, dict)}
        requests = [f.get("name") for f in data["request"] or [] if isinstance(f, dict)]
        for operation in data.get("operations") or []:
            if not isinstance(operation, dict):
                continue
            outputs = operation.get("outputs") or list(types)
            for example in operation.get("examples") or []:
                # the one request field's value written as the whole input: ``input: [1, 2]`` for ``{values: [1, 2]}``
                if isinstance(example, dict) and len(requests) == 1 and not isinstance(example.get("input", {}), dict):
                    example["input"] = {requests[0]: example["input"]}
                # (``output: null`` is no output: beside an error it is the error's example)
                if isinstance(example, dict) and example.get("output") is not None and len(outputs) == 1:
                    value, name = example["output"], outputs[0]
                    # a dict is the operation's output already, unless the one output is itself a mapping
                    mapping = types.get(name, "").startswith(("dict", "Dict")) or types.get(name, "")[:1].isupper()
                    if not isinstance(value, dict) or (mapping and set(value) != {name}):
                        example["output"] = {name: value}
        return data

    @field_validator("name")
    @classmethod
    def _pascal(cls, name: str) -> str:
        if not re.fullmatch(r"[A-Z][A-Za-z0-9]*", name) or keyword.iskeyword(name):
            raise ValueError(f"name {name!r} is not a PascalCase identifier (letters and digits, capital first)")
        return name

    @property
    def service_name(self) -> str:
        """``shipping_cost``."""
        return to_snake(self.name)

    @property
    def class_name(self) -> str:
        """``NodeShippingCostCompute``."""
        return f"Node{self.name}{self.kind.value.capitalize()}"

    @property
    def coroutines(self) -> bool:
        """Its operations are coroutines: an effect that does HTTP (through ``httpx.AsyncClient``). Small models
        write HTTP code async whatever a plain stub says (the 1.5B model's InvoiceFetcher wrote ``async with`` and
        ``await`` in a plain function on every attempt), and a node's effect runs in its event loop anyway."""
        return self.kind is EnumNodeKind.EFFECT and any(io.kind == "http" for io in self.io_operations)

    @property
    def package_name(self) -> str:
        """``shipping_cost_compute``."""
        return f"{self.service_name}_{self.kind.value}"

    def operation_inputs(self, operation: ModelSpecOperation) -> list[ModelSpecField]:
        """The request fields ``operation`` takes, in the request's order."""
        wanted = set(operation.inputs) if operation.inputs is not None else None
        return [field for field in self.request if wanted is None or field.name in wanted]

    def operation_outputs(self, operation: ModelSpecOperation) -> list[ModelSpecField]:
        """The response fields ``operation`` gives, in the response's order."""
        wanted = set(operation.outputs) if operation.outputs is not None else None
        return [field for field in self.response if wanted is None or field.name in wanted]
