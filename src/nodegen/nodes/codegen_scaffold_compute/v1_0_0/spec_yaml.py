"""A node spec as YAML: read from a file the user gives or edits (each problem said with where it is), and written
compactly (a field is ``name: type`` when it has nothing else; examples on one line each where they fit)."""

from __future__ import annotations

from typing import Any

import yaml
from pydantic import ValidationError

from .models import ModelNodeSpec, ModelSpecField

HEADER = (
    "# nodegen node spec: the one source of this node's package (`nodegen new --spec FILE` renders it).\n"
    "# Examples marked source: prompt restate the prompt's own values; derived ones were worked out by the model\n"
    "# (agreement: how many independent samples gave the same output): read those first.\n"
)


class SpecFileError(ValueError):
    """A spec file that cannot be read as a spec, with every problem and where it is."""


class _StrictLoader(yaml.SafeLoader):
    """YAML's safe loader that refuses a key given twice in one mapping (plain YAML keeps the last silently)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"{key!r} is given twice in one mapping", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _field(field: ModelSpecField) -> Any:
    entry: dict[str, Any] = {"type": field.type}
    if not field.required:
        entry["default"] = field.default
    entry.update(field.constraints)
    if field.description:
        entry["description"] = field.description
    return field.type if len(entry) == 1 else entry


def spec_data(spec: ModelNodeSpec) -> dict[str, Any]:
    """The spec as plain data in its compact form (what ``dump_spec`` writes)."""
    data: dict[str, Any] = {"kind": spec.kind.value, "name": spec.name, "description": spec.description}
    data["request"] = {field.name: _field(field) for field in spec.request}
    data["response"] = {field.name: _field(field) for field in spec.response}
    if spec.models:
        data["models"] = {m.name: {f.name: _field(f) for f in m.fields} for m in spec.models}
    data["operations"] = [
        {
            key: value
            for key, value in operation.model_dump(mode="json", exclude_none=True, by_alias=True).items()
            if key != "examples"
        }
        | {
            "examples": [
                ({"case": example.case} if example.error is None else {})
                | example.model_dump(mode="json", exclude_none=True, exclude_defaults=True, by_alias=True)
                for example in operation.examples
            ]
        }
        for operation in spec.operations
    ]
    for key in ("io_operations", "intents", "steps"):
        items = getattr(spec, key)
        if items:
            data[key] = [item.model_dump(mode="json", exclude_defaults=True) for item in items]
    for key in ("prompt", "written_by"):
        if getattr(spec, key):
            data[key] = getattr(spec, key)
    return data


class _Dumper(yaml.SafeDumper):
    """Strings holding a single quote are written in double quotes (``"Literal['a', 'b']"``), not doubled ones."""


def _string(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = '"' if "'" in value and '"' not in value and "\n" not in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _string)


def dump_spec(spec: ModelNodeSpec) -> str:
    """The spec as the YAML file a user reviews and edits."""
    data = spec_data(spec)
    body = yaml.dump(data, Dumper=_Dumper, sort_keys=False, default_flow_style=None, allow_unicode=True, width=120)
    return HEADER + body


def parse_spec(data: Any, where: str = "the spec") -> ModelNodeSpec:
    """A spec from parsed YAML or JSON; ``SpecFileError`` listing every problem pydantic found."""
    if not isinstance(data, dict):
        raise SpecFileError(
            f"{where}: a spec is a mapping (kind, name, description, request, ...), not {type(data).__name__}"
        )
    try:
        return ModelNodeSpec.model_validate(data)
    except ValidationError as error:
        problems = [
            f"{'.'.join(str(part) for part in item['loc']) or 'spec'}: {item['msg']}" for item in error.errors()[:12]
        ]
        raise SpecFileError(f"{where}: " + "; ".join(problems)) from None


def read_yaml(text: str, where: str = "the spec") -> Any:
    """YAML text (JSON is YAML too) as data; ``SpecFileError`` when it is not YAML or gives a key twice."""
    try:
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader
    except yaml.YAMLError as error:
        raise SpecFileError(f"{where} is not YAML: {' '.join(str(error).split())}") from None


def load_spec(text: str, where: str = "the spec") -> ModelNodeSpec:
    """A spec from YAML text; ``SpecFileError`` when it is not YAML or not a spec."""
    return parse_spec(read_yaml(text, where), where)


__all__ = ["HEADER", "SpecFileError", "dump_spec", "load_spec", "parse_spec", "read_yaml", "spec_data"]
