"""The types a node spec may give a field, read from their text without evaluating it.

Allowed: ``str``, ``int``, ``float``, ``bool``, ``None``, ``Any``, ``list[T]`` (``list`` alone: ``list[Any]``),
``dict[str, T]`` (``dict`` alone: ``dict[str, Any]``), ``Literal['a', 'b', 1]``, ``Optional[T]``, ``T | U``, and the
name of a nested model of the spec. Anything else (a call, an attribute, ``set``, ``tuple``, an unknown name) is
refused with what is allowed. Each type has two spellings: the models' (nested models by name) and the operation
functions' (plain values: a nested model is a ``dict[str, Any]``, since operations take and give plain values).
"""

from __future__ import annotations

import ast
from collections.abc import Collection
from dataclasses import dataclass

ALLOWED = "str, int, float, bool, None, Any, list[T], dict[str, T], Literal['a', 'b'], Optional[T], T | U"
_SCALARS = {"str", "int", "float", "bool", "None", "Any"}


NUMBER_BOUNDS = ("ge", "gt", "le", "lt")
SIZE_BOUNDS = ("min_length", "max_length")


class SpecTypeError(ValueError):
    """A type outside the allowed set, with what is allowed."""


@dataclass(frozen=True, slots=True)
class SpecType:
    """A checked type: its annotation in the models and in the operation functions, and what it needs imported."""

    model: str
    plain: str
    uses_any: bool
    uses_literal: bool
    nested: frozenset[str]

    @property
    def base(self) -> str:
        """The model annotation without ``| None``."""
        return self.model.removesuffix(" | None")

    def unfit_bounds(self, bounds: Collection[str]) -> list[str]:
        """Those of ``bounds`` this type cannot hold: ``ge``, ``gt``, ``le``, ``lt`` hold numbers; ``min_length``
        and ``max_length`` strings, lists and dicts."""
        numeric = self.base in ("int", "float")
        sized = self.base.startswith(("str", "list", "dict"))
        return [key for key in bounds if (key in NUMBER_BOUNDS and not numeric) or (key in SIZE_BOUNDS and not sized)]


def _refuse(text: str, why: str) -> SpecTypeError:
    return SpecTypeError(f"type {text!r}: {why}; allowed: {ALLOWED}, or a nested model's name")


class _Reader:
    def __init__(self, text: str, models: Collection[str]) -> None:
        self.text, self.models = text, models
        self.any = self.literal = False
        self.nested: set[str] = set()

    def read(self, node: ast.expr) -> tuple[str, str]:  # noqa: PLR0911 - one return per form of type
        if isinstance(node, ast.Constant) and node.value is None:
            return "None", "None"
        if isinstance(node, ast.Name):
            if node.id in _SCALARS:
                self.any |= node.id == "Any"
                return node.id, node.id
            if node.id in ("list", "List"):
                self.any = True
                return "list[Any]", "list[Any]"
            if node.id in ("dict", "Dict"):
                self.any = True
                return "dict[str, Any]", "dict[str, Any]"
            if node.id in self.models:
                self.any = True
                self.nested.add(node.id)
                return model_class_name(node.id), "dict[str, Any]"
            raise _refuse(self.text, f"unknown name {node.id!r}")
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            left, right = self.read(node.left), self.read(node.right)
            return f"{left[0]} | {right[0]}", f"{left[1]} | {right[1]}"
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
            return self._subscript(node.value.id, node.slice)
        raise _refuse(self.text, "not a type expression nodegen reads")

    def _subscript(self, head: str, inner: ast.expr) -> tuple[str, str]:
        items = inner.elts if isinstance(inner, ast.Tuple) else [inner]
        if head in ("list", "List") and len(items) == 1:
            model, plain = self.read(items[0])
            return f"list[{model}]", f"list[{plain}]"
        if head in ("dict", "Dict") and len(items) == 2:
            if not (isinstance(items[0], ast.Name) and items[0].id == "str"):
                raise _refuse(self.text, "dictionary keys are str (JSON objects)")
            model, plain = self.read(items[1])
            return f"dict[str, {model}]", f"dict[str, {plain}]"
        if head == "Optional" and len(items) == 1:
            model, plain = self.read(items[0])
            return f"{model} | None", f"{plain} | None"
        if head == "Literal":
            values = []
            for item in items:
                if not (isinstance(item, ast.Constant) and isinstance(item.value, str | int | bool)):
                    raise _refuse(self.text, "Literal takes strings, integers or booleans")
                values.append(repr(item.value))
            self.literal = True
            text = f"Literal[{', '.join(values)}]"
            return text, text
        raise _refuse(self.text, f"{head}[...] is not allowed")


def model_class_name(name: str) -> str:
    """A nested model's class: ``Order`` -> ``ModelOrder`` (ONEX names every model ``Model*``)."""
    return name if name.startswith("Model") else f"Model{name}"


def read_type(text: str, models: Collection[str] = ()) -> SpecType:
    """The checked type of ``text``; ``SpecTypeError`` when it is outside the allowed set."""
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError:
        raise _refuse(text, "not a type expression") from None
    reader = _Reader(text, models)
    model, plain = reader.read(tree.body)
    return SpecType(model, plain, reader.any, reader.literal, frozenset(reader.nested))


__all__ = ["ALLOWED", "NUMBER_BOUNDS", "SIZE_BOUNDS", "SpecType", "SpecTypeError", "model_class_name", "read_type"]
