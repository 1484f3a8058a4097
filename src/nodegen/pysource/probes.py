"""Inputs to compare candidates by what they do: calls derived from a stub without any hidden test.

Execution agreement (CodeT, S*) runs every candidate that passed the checks on the same inputs and prefers the
answer most candidates agree on. The inputs come from the stub alone: each docstring example's call to the stub with
one literal argument changed (a neighbouring number, an empty or reversed string or list, the other truth value), and,
for a stub with no example, calls built from its parameters' annotations (a method through an instance its class
builds with no argument, a static or class method through the class). A probe is one expression: what it prints or
raises is its output. Pure: nothing here runs code.
"""

from __future__ import annotations

import ast
import copy
from collections.abc import Iterator, Sequence

MOST_PROBES = 12
_PER_EXAMPLE = 6
_TYPED_CALLS = 4
_SCALARS: dict[str, list[object]] = {
    "int": [0, 1, 5, -3],
    "float": [0.0, 1.5, -2.25, 10.0],
    "str": ["", "a", "Hello World", "abc cba"],
    "bool": [True, False],
    "bytes": [b"", b"abc"],
}
_ITEMS: dict[str, list[object]] = {
    "int": [[], [1, 2, 3], [3, 1, 2, 1], [-4, 0, 7]],
    "float": [[], [1.5, 2.0], [3.25, -1.0, 0.5]],
    "str": [[], ["a", "b"], ["hello", "world", "a"]],
}


def _neighbours(value: object) -> list[object]:
    """Values near ``value`` of the same type, most telling first (never ``value`` itself)."""
    found: list[object]
    if isinstance(value, bool):
        found = [not value]
    elif isinstance(value, int):
        found = [value + 1, value - 1, 0, -value, value * 2 + 1]
    elif isinstance(value, float):
        found = [value + 0.5, -value, 0.0, value * 2]
    elif isinstance(value, str):
        found = [value[::-1], "", value + value[:1], value.upper(), value[1:]]
    elif isinstance(value, list | tuple):
        items: list[object] = list(value)
        numbers = [item for item in items if type(item) is int]
        shifted = [number + 1 for number in numbers] if items and len(numbers) == len(items) else None
        found = [type(value)(reversed(items)), type(value)(), type(value)(items + items[:1]), type(value)(items[1:])]
        if shifted is not None:
            found.insert(1, type(value)(shifted))
    elif isinstance(value, dict):
        found = [{}, dict(list(value.items())[1:])]
    else:
        found = []
    unique: list[object] = []
    for item in found:
        if (type(item), repr(item)) != (type(value), repr(value)) and repr(item) not in map(repr, unique):
            unique.append(item)
    return unique


def _calls_to(tree: ast.AST, name: str) -> Iterator[ast.Call]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            if (isinstance(func, ast.Name) and func.id == name) or (
                isinstance(func, ast.Attribute) and func.attr == name
            ):
                yield node


def _literal(node: ast.expr) -> tuple[bool, object]:
    try:
        return True, ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False, None


def _expression(value: object) -> ast.expr | None:
    try:
        return ast.parse(repr(value), mode="eval").body
    except SyntaxError:
        return None


def _example_variants(source: str, name: str) -> list[str]:
    """Calls of the example with one literal argument changed, taking the arguments in turn."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    per_argument: list[list[str]] = []
    for call in _calls_to(tree, name):
        slots = [(False, i, arg) for i, arg in enumerate(call.args)]
        slots += [(True, i, kw.value) for i, kw in enumerate(call.keywords) if kw.arg is not None]
        for keyword, index, node in slots:
            ok, value = _literal(node)
            if not ok:
                continue
            variants: list[str] = []
            for near in _neighbours(value):
                replacement = _expression(near)
                if replacement is None:
                    continue
                changed = copy.deepcopy(call)
                if keyword:
                    changed.keywords[index].value = replacement
                else:
                    changed.args[index] = replacement
                variants.append(ast.unparse(changed))
            per_argument.append(variants)
        break  # the example's first call to the stub: the others are usually its setup's
    woven = [variant for group in _interleave(per_argument) for variant in group]
    return woven[:_PER_EXAMPLE]


def _interleave(groups: list[list[str]]) -> Iterator[list[str]]:
    """The first variant of every argument, then the second of every argument, ..."""
    for depth in range(max((len(group) for group in groups), default=0)):
        yield [group[depth] for group in groups if depth < len(group)]


def _values(annotation: ast.expr | None) -> list[object] | None:
    """Values of an annotated type (None when nodegen does not know how to build one)."""
    if annotation is None:
        return None
    text = ast.unparse(annotation).replace("typing.", "").replace(" ", "")
    optional = text.startswith("Optional[") or text.endswith("|None")
    if text.startswith("Optional["):
        text = text[len("Optional[") : -1]
    text = text.removesuffix("|None")
    values: list[object] | None = _SCALARS.get(text)
    for container in ("list", "List", "Sequence", "Iterable", "tuple", "Tuple"):
        if text.startswith(container + "["):
            item = text[len(container) + 1 : -1].split(",")[0]
            values = _ITEMS.get(item)
    if text in {"dict", "Dict"} or text.startswith(("dict[str,int]", "Dict[str,int]")):
        values = [{}, {"a": 1, "b": 2}]
    if values is None:
        return None
    return [*values, None] if optional else values


def _receiver(
    function: ast.FunctionDef | ast.AsyncFunctionDef, owner: str | None, class_node: ast.ClassDef | None
) -> str | None:
    """How the stub is reached: its name, its class, or an instance its class builds with no argument."""
    if owner is None:
        return function.name
    decorators = {ast.unparse(d) for d in function.decorator_list}
    if decorators & {"staticmethod", "classmethod"}:
        return f"{owner}.{function.name}"
    init = next(
        (n for n in (class_node.body if class_node else []) if isinstance(n, ast.FunctionDef) and n.name == "__init__"),
        None,
    )
    if init is not None:
        positional = [*init.args.posonlyargs, *init.args.args][1:]
        required = len(positional) - len(init.args.defaults)
        required += sum(1 for default in init.args.kw_defaults if default is None)
        if required > 0:
            return None
    return f"{owner}().{function.name}"


def _typed_calls(
    function: ast.FunctionDef | ast.AsyncFunctionDef, owner: str | None, class_node: ast.ClassDef | None
) -> list[str]:
    """Calls built from the parameters' annotations (none when one of them cannot be built)."""
    receiver = _receiver(function, owner, class_node)
    if receiver is None or isinstance(function, ast.AsyncFunctionDef):
        return []
    arguments = [*function.args.posonlyargs, *function.args.args]
    if owner is not None and "staticmethod" not in {ast.unparse(d) for d in function.decorator_list}:
        arguments = arguments[1:]
    columns: list[list[object]] = []
    for argument in arguments:
        values = _values(argument.annotation)
        if values is None:
            return []
        columns.append(values)
    if not columns:
        return [f"{receiver}()"]
    calls = []
    for row in range(_TYPED_CALLS):
        parts = [repr(column[(row + shift) % len(column)]) for shift, column in enumerate(columns)]
        calls.append(f"{receiver}({', '.join(parts)})")
    return calls


def derive_probes(
    function: ast.FunctionDef | ast.AsyncFunctionDef,
    qualified_name: str,
    examples: Sequence[str],
    class_node: ast.ClassDef | None = None,
) -> list[str]:
    """Up to ``MOST_PROBES`` calls that tell candidates of ``function`` apart: variants of its ``examples`` (their
    sources), else calls from its annotations. ``class_node``: the class of a method."""
    owner = qualified_name.rpartition(".")[0] or None
    variants = [_example_variants(source, function.name) for source in examples]
    probes = [probe for group in _interleave(variants) for probe in group]
    if not examples:
        probes = _typed_calls(function, owner, class_node)
    return list(dict.fromkeys(probes))[:MOST_PROBES]


__all__ = ["MOST_PROBES", "derive_probes"]
