"""A spec's examples as code: doctest examples in each operation's docstring (so the fill's examples check runs
them on every candidate, in the sandbox), and one test per example through the node's contract."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from pydantic import ValidationError

from .models import ModelNodeSpec, ModelSpecExample, ModelSpecOperation
from .spec_checks import example_outcome
from .spec_runtime import SpecRuntime

ENV_IMPORT = "from nodegen.onex.example_env import example_env"
_PLACEHOLDERS = ("{dir}", "{base_url}")
# An example's value of a field named like a secret (a password checker's ``password='Password123'``) is an input
# the spec states for all to read, not a secret: its lines say so to the secret scanners (detect-secrets' pragma).
_SECRET_NAME = re.compile(r"pass|pwd|secret|key|token|credential|contrase", re.IGNORECASE)
_EXAMPLE_VALUE = "  # pragma: allowlist secret (an example input of the spec)"


def _marked(line: str, example: ModelSpecExample) -> str:
    """``line`` with the allowlist pragma when it holds an input of a field named like a secret."""
    secret = any(_SECRET_NAME.search(name) and value for name, value in example.input.items())
    return line + _EXAMPLE_VALUE if secret else line


def value_source(value: Any, env: bool = False) -> str:
    """``value`` as Python; with ``env``, a string holding ``{dir}`` or ``{base_url}`` becomes ``env.fill('...')``."""
    if env and isinstance(value, str) and any(mark in value for mark in _PLACEHOLDERS):
        return f"env.fill({value!r})"
    if isinstance(value, list):
        return "[" + ", ".join(value_source(item, env) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key!r}: {value_source(item, env)}" for key, item in value.items()) + "}"
    return repr(value)


def _env_arguments(example: ModelSpecExample) -> str:
    setup = example.setup
    if setup is None:
        return ""
    parts = []
    if setup.files:
        parts.append(f"files={setup.files!r}")
    if setup.sqlite:
        parts.append(f"sqlite={setup.sqlite!r}")
    if setup.http:
        parts.append(f"http={[route.model_dump(mode='json', by_alias=True) for route in setup.http]!r}")
    return ", ".join(parts)


def _after_arguments(example: ModelSpecExample) -> str:
    after = example.after
    if after is None:
        return ""
    parts = [f"files={after.files!r}"] if after.files else []
    if after.sqlite:
        parts.append(f"sqlite={after.sqlite!r}")
    return ", ".join(parts)


def expected_value(
    runtime: SpecRuntime, spec: ModelNodeSpec, operation: ModelSpecOperation, example: ModelSpecExample
) -> Any:
    """What the operation's function returns for ``example``: the one output's value, or a dict of them, as the
    response's types hold them (``15`` for a float field is ``15.0``)."""
    loaded = runtime.load_output(example.output or {})
    outputs = [field.name for field in spec.operation_outputs(operation)]
    return loaded[outputs[0]] if len(outputs) == 1 else {name: loaded[name] for name in outputs}


def doctest_lines(spec: ModelNodeSpec, runtime: SpecRuntime, operation: ModelSpecOperation) -> list[str]:
    """The operation's examples as doctest lines (the examples whose input the request model refuses are the
    node's, not the function's: they are only in the tests)."""
    lines: list[str] = []
    for example in operation.examples:
        try:
            arguments = runtime.arguments(operation, example)
        except ValidationError:
            continue
        env = example.placeholders or any(mark in repr(arguments) for mark in _PLACEHOLDERS)
        call = f"{operation.name}({', '.join(f'{k}={value_source(v, env)}' for k, v in arguments.items())})"
        call = f"asyncio.run({call})" if spec.coroutines else call
        if env and ENV_IMPORT not in " ".join(lines):
            lines.append(f">>> {ENV_IMPORT}")
        prefix = ">>> "
        if env:
            lines.append(f">>> with example_env({_env_arguments(example)}) as env:")
            prefix = "...     "
        if example.error is not None:
            body = ["try:", _marked(f"    {call}", example), "except ModelOnexError as error:"]
            body.append("    print(error.error_code.name)")
            if env:
                lines += [f"...     {line}" for line in body]
            else:
                lines += [">>> try:", *(f"... {line}" for line in body[1:])]
            lines.append(example.error)
            continue
        expected = expected_value(runtime, spec, operation, example)
        after = _after_arguments(example)
        if env and (after or any(mark in repr(expected) for mark in _PLACEHOLDERS)):
            lines.append(_marked(f"{prefix}result = {call}", example))
            check = f"env.check({after})" if after else "'ok'"
            lines.append(f"{prefix}(result == {value_source(expected, env)}, {check})")
            lines.append("(True, 'ok')")
            continue
        lines += [_marked(f"{prefix}{call}", example), repr(expected)]
    return lines


def set_source(names: Iterable[str]) -> str:
    """``{'a', 'b'}`` (sorted), or ``set()``."""
    ordered = sorted(names)
    return "{" + ", ".join(map(repr, ordered)) + "}" if ordered else "set()"


def _test_name(operation: ModelSpecOperation, index: int, example: ModelSpecExample) -> str:
    case = "error" if example.error else example.case
    return f"test_{operation.name}_example_{index + 1}_{case}"


def test_sources(spec: ModelNodeSpec, operation: ModelSpecOperation) -> list[str]:
    """One test function per example of ``operation``, through the node's contract (``_call``)."""
    outputs = {field.name for field in spec.operation_outputs(operation)}
    tests = []
    for index, example in enumerate(operation.examples):
        env = example.placeholders or any(mark in repr(example.input) for mark in _PLACEHOLDERS)
        summary = ", ".join(f"{key}={value!r}" for key, value in example.input.items())
        origin = f" ({example.source}{', ' + example.agreement if example.agreement else ''})" if example.source else ""
        doc = f"{(example.error and 'error') or example.case}: {summary} -> {example_outcome(example)}{origin}"
        lines = [
            f"async def {_test_name(operation, index, example)}(node: {spec.class_name}) -> None:",
            _marked(f"    {doc_line(doc)}", example),
        ]
        indent = "    "
        if env:
            lines.append(f"    with example_env({_env_arguments(example)}) as env:")
            indent = "        "
        state = value_source(example.input, env)
        if example.error is not None:
            lines += [
                f"{indent}with pytest.raises(ModelOnexError) as raised:",
                _marked(f"{indent}    await _call(node, {state})", example),
                f"{indent}assert raised.value.error_code is EnumCoreErrorCode.{example.error}",
            ]
        else:
            lines += [
                _marked(f"{indent}result = await _call(node, {state})", example),
                f'{indent}assert result.model_dump(mode="json", include={set_source(outputs)}) == '
                f"{value_source(example.output, env)}",
            ]
            if example.after is not None:
                lines.append(f'{indent}assert env.check({_after_arguments(example)}) == "ok"')
        tests.append("\n".join(lines) + "\n")
    return tests


def doc_line(text: str) -> str:
    """A one-line docstring for ``text`` (quotes and backslashes made safe)."""
    return '"""' + text.replace("\\", "\\\\").replace('"""', "'''").rstrip('"') + '."""'


def uses_env(spec: ModelNodeSpec) -> bool:
    """Some example needs a folder or a server."""
    return any(
        example.placeholders or any(mark in repr(example.input) for mark in _PLACEHOLDERS)
        for operation in spec.operations
        for example in operation.examples
    )


__all__ = [
    "ENV_IMPORT",
    "doc_line",
    "doctest_lines",
    "expected_value",
    "set_source",
    "test_sources",
    "uses_env",
    "value_source",
]
