"""A node spec's request and response models, loaded from the very source the package's model files are rendered
from, so that nodegen checks every example against the models the node will have, without a model or a sandbox.

Only nodegen's own template text runs here: field names are checked identifiers, types pass ``spec_types`` (no
call, no attribute, only the allowed names), defaults and constraints are literals written with ``repr``."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic.fields import FieldInfo

from .models import ModelNodeSpec, ModelSpecExample, ModelSpecOperation
from .spec_source import models_module_source


def first_error(error: ValidationError) -> str:
    """pydantic's first problem as one line: ``weight_kg: Input should be greater than or equal to 0``."""
    item = error.errors()[0]
    where = ".".join(str(part) for part in item["loc"])
    return f"{where}: {item['msg']}" if where else str(item["msg"])


def _adapter(info: FieldInfo) -> TypeAdapter[Any]:
    """A validator of one field's values: its type and its constraints."""
    annotation: Any = Annotated[info.annotation, *info.metadata] if info.metadata else info.annotation
    return TypeAdapter(annotation)


class SpecRuntime:
    """The spec's models as classes; ``ValueError`` (with the reason) when they cannot be built."""

    def __init__(self, spec: ModelNodeSpec) -> None:
        self.spec = spec
        namespace: dict[str, Any] = {"__name__": f"nodegen_spec_{spec.service_name}"}
        try:
            exec(compile(models_module_source(spec), "<node spec models>", "exec"), namespace)  # noqa: S102 - see module docstring
            self.request: type[BaseModel] = namespace[f"Model{spec.name}Request"]
            self.response: type[BaseModel] = namespace[f"Model{spec.name}Response"]
            self.request.model_rebuild(_types_namespace=namespace)
            self.response.model_rebuild(_types_namespace=namespace)
        except (TypeError, ValueError, NameError, SyntaxError) as error:
            raise ValueError(f"the models cannot be built: {error}") from error
        self._adapters = {name: _adapter(info) for name, info in self.response.model_fields.items()}

    def load_request(self, values: dict[str, Any]) -> BaseModel:
        """The request of an example's input; ``ValidationError`` when the request model refuses it, ``ValueError``
        when it cannot even judge it (a constraint pydantic cannot apply to the value)."""
        try:
            return self.request.model_validate(values)
        except TypeError as error:
            raise ValueError(f"the request model cannot judge this input: {error}") from None

    def check_default(self, model: type[BaseModel], name: str) -> str | None:
        """Why field ``name``'s default is not a value of its type (None when it is, or when it has none)."""
        info = model.model_fields[name]
        if info.is_required():
            return None
        default = info.get_default(call_default_factory=True)
        try:
            _adapter(info).validate_python(default)
        except ValidationError as error:
            return f"default {default!r} is not a value of its type: {first_error(error)}"
        except TypeError as error:
            return f"default {default!r} cannot be judged against its type: {error}"
        return None

    def load_output(self, values: dict[str, Any]) -> dict[str, Any]:
        """An example's output as the response model holds it, in plain values (``15`` for a float is ``15.0``, a
        nested model a dict); ``ValueError`` naming the field that is not of its type."""
        loaded = {}
        for name, value in values.items():
            adapter = self._adapters.get(name)
            if adapter is None:
                raise ValueError(f"{name!r} is not a response field")
            try:
                loaded[name] = adapter.dump_python(adapter.validate_python(value))
            except ValidationError as error:
                raise ValueError(f"{name}: {first_error(error)}") from None
            except TypeError as error:
                raise ValueError(f"{name}: {error}") from None
        return loaded

    def arguments(self, operation: ModelSpecOperation, example: ModelSpecExample) -> dict[str, Any]:
        """The keyword arguments ``operation``'s function gets for ``example``: the request's plain values (defaults
        filled in, numbers converted as the model converts them); ``ValidationError`` when the input does not load."""
        request = self.load_request(example.input).model_dump(mode="python")
        return {field.name: request[field.name] for field in self.spec.operation_inputs(operation)}


__all__ = ["SpecRuntime", "first_error"]
