"""Python source written from a node spec: the models' classes (the package's model files and the models nodegen
checks examples against are the same text), docstring literals, and calls with literal arguments."""

from __future__ import annotations

import json

from .models import ModelNodeSpec, ModelSpecField
from .spec_types import SpecType, model_class_name, read_type


def number_source(value: float) -> str:
    """``0.0`` as ``0``, ``2.5`` as ``2.5``."""
    return repr(int(value)) if float(value).is_integer() else repr(value)


def field_line(field: ModelSpecField, type_: SpecType) -> str:
    """``weight_kg: float = Field(ge=0, description="...")``."""
    arguments = []
    if not field.required:
        if field.default == []:
            arguments.append("default_factory=list")
        elif field.default == {}:
            arguments.append("default_factory=dict")
        else:
            arguments.append(f"default={field.default!r}")
    for key, value in field.constraints.items():
        arguments.append(f"{key}={number_source(value)}")
    arguments.append(f"description={json.dumps(field.description, ensure_ascii=False)}")
    return f"{field.name}: {type_.model} = Field({', '.join(arguments)})"


def docstring_literal(text: str, indent: str = "") -> str:
    """``text`` as a docstring: raw when it holds a backslash (so doctest sees what the spec wrote), closed on a
    line of its own when it spans several lines."""
    quote = "'''" if '"""' in text else '"""'
    prefix = "r" if "\\" in text else ""
    lines = text.strip("\n").splitlines()
    if len(lines) == 1 and not text.endswith(quote[0]):
        return f"{prefix}{quote}{lines[0]}{quote}"
    body = "\n".join(f"{indent}{line}" if line.strip() else "" for line in lines[1:])
    return f"{prefix}{quote}{lines[0]}\n{body}\n{indent}{quote}"


def model_class_source(name: str, doc: str, fields: list[ModelSpecField], models: list[str]) -> str:
    """A pydantic model class of ``fields`` that refuses unknown keys."""
    lines = [
        f"class {name}(BaseModel):",
        f"    {docstring_literal(doc or name, '    ')}",
        "",
        '    model_config = ConfigDict(extra="forbid")',
        "",
    ]
    lines += [f"    {field_line(field, read_type(field.type, models))}" for field in fields]
    return "\n".join(lines) + "\n"


def spec_types(spec: ModelNodeSpec) -> dict[str, SpecType]:
    """Every field type of the spec, checked, by its text."""
    models = [model.name for model in spec.models]
    fields = [*spec.request, *spec.response, *(f for model in spec.models for f in model.fields)]
    return {field.type: read_type(field.type, models) for field in fields}


def typing_imports(types: list[SpecType]) -> str:
    """``from typing import Any, Literal`` for what ``types`` use (empty when nothing)."""
    names = [
        name
        for name, used in (("Any", any(t.uses_any for t in types)), ("Literal", any(t.uses_literal for t in types)))
        if used
    ]
    return f"from typing import {', '.join(names)}\n" if names else ""


def models_module_source(spec: ModelNodeSpec) -> str:
    """One module with every model of the spec (nested ones first): what nodegen loads to check examples."""
    types = list(spec_types(spec).values())
    names = [model.name for model in spec.models]
    parts = [
        "from __future__ import annotations\n",
        typing_imports(types),
        "from pydantic import BaseModel, ConfigDict, Field\n",
    ]
    for model in spec.models:
        parts.append("\n" + model_class_source(model_class_name(model.name), model.description, model.fields, names))
    for role, fields in (("Request", spec.request), ("Response", spec.response)):
        parts.append("\n" + model_class_source(f"Model{spec.name}{role}", role, fields, names))
    return "".join(parts)


__all__ = [
    "docstring_literal",
    "field_line",
    "model_class_source",
    "models_module_source",
    "number_source",
    "spec_types",
    "typing_imports",
]
