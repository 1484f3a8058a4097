"""Checks of a node spec that need no model: identifiers, types, fields, operations and what each kind declares,
every example against the models the package will have, examples that contradict each other, and the names the
prompt spells out. Each problem names where it is (``operations[0].examples[2]``) and what is wrong, so that it
can go back to the model that wrote the spec, or to the user who edits it."""

from __future__ import annotations

import json
import keyword
import re
from collections.abc import Iterable
from typing import Any

from pydantic import ValidationError

from .models import EnumNodeKind, ModelNodeSpec, ModelSpecExample, ModelSpecField, ModelSpecOperation
from .prompt_naming import listed_fields, numbers_in, prompt_names, states_errors
from .spec_runtime import SpecRuntime, first_error
from .spec_types import NUMBER_BOUNDS, SIZE_BOUNDS, SpecTypeError, read_type

MIN_EXAMPLES = 3
_PLACEHOLDER = re.compile(r"\{[A-Za-z_]\w*\}")
# Names node.py defines or imports: an operation may not take one of them.
_TAKEN = {"BaseModel", "ConfigDict", "Field", "ValidationError", "Any", "Literal", "asyncio", "httpx", "annotations"}


def _duplicates(names: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    return sorted({name for name in names if name in seen or seen.add(name)})  # type: ignore[func-returns-value]


def _fields(where: str, fields: list[ModelSpecField], models: list[str]) -> list[str]:
    problems = [f"{where}: the field {name!r} is declared twice" for name in _duplicates(f.name for f in fields)]
    for index, field in enumerate(fields):
        try:
            type_ = read_type(field.type, models)
        except SpecTypeError as error:
            problems.append(f"{where}[{index}] ({field.name}): {error}")
            continue
        at = f"{where}[{index}] ({field.name})"
        unfit = type_.unfit_bounds(field.constraints)
        numeric = [key for key in unfit if key in NUMBER_BOUNDS]
        if numeric:
            problems.append(f"{at}: {', '.join(numeric)} applies to numbers, not {type_.base}")
        sized = [key for key in unfit if key in SIZE_BOUNDS]
        if sized:
            problems.append(f"{at}: {', '.join(sized)} applies to str, list and dict")
        low = field.ge if field.ge is not None else field.gt
        high = field.le if field.le is not None else field.lt
        if low is not None and high is not None and low > high:
            problems.append(f"{at}: no value is at least {low} and at most {high}")
    return problems


def _structure(spec: ModelNodeSpec) -> list[str]:
    problems: list[str] = []
    kind = spec.kind.value.capitalize()
    if spec.name.startswith("Node") or spec.name.endswith(kind):
        problems.append(f"name: {spec.name!r} leaves out 'Node' and the kind ({kind}): nodegen adds them")
    models = [model.name for model in spec.models]
    problems += [f"models: the model {name!r} is declared twice" for name in _duplicates(models)]
    problems += _fields("request", spec.request, models)
    problems += _fields("response", spec.response, models)
    for index, model in enumerate(spec.models):
        problems += _fields(f"models[{index}].fields", model.fields, models)
    names = [operation.name for operation in spec.operations]
    problems += [f"operations: the operation {name!r} is declared twice" for name in _duplicates(names)]
    request = {field.name for field in spec.request}
    response = {field.name: field for field in spec.response}
    given: dict[str, str] = {}
    for index, operation in enumerate(spec.operations):
        where = f"operations[{index}] ({operation.name})"
        if not operation.name.isidentifier() or keyword.iskeyword(operation.name) or operation.name in _TAKEN:
            problems.append(f"{where}: the name is not a free Python identifier")
        if operation.name == spec.class_name or operation.name in request:
            problems.append(f"{where}: the name is taken by the node or a request field")
        problems += [
            f"{where}: inputs: {n!r} is not a request field" for n in operation.inputs or [] if n not in request
        ]
        problems += [
            f"{where}: outputs: {n!r} is not a response field" for n in operation.outputs or [] if n not in response
        ]
        for field in spec.operation_outputs(operation):
            if field.name in given:
                problems.append(f"{where}: {field.name!r} is given by {given[field.name]!r} already")
            given.setdefault(field.name, operation.name)
    for name, field in response.items():
        if name not in given and field.required:
            problems.append(f"response: no operation gives {name!r} and it has no default")
    return problems + _kind_parts(spec)


def _kind_parts(spec: ModelNodeSpec) -> list[str]:
    problems: list[str] = []
    if spec.io_operations and spec.kind is not EnumNodeKind.EFFECT:
        problems.append(f"io_operations: a {spec.kind.value} node does no I/O; make it an effect node")
    fields = {field.name: field for field in spec.request}
    for index, io in enumerate(spec.io_operations):
        target = fields.get(io.target)
        if target is None or read_type(target.type).model not in ("str", "str | None"):
            problems.append(f"io_operations[{index}]: target {io.target!r} is not a str field of the request")
    if spec.intents and spec.kind is not EnumNodeKind.REDUCER:
        problems.append("intents: only a reducer returns intents")
    response = {field.name for field in spec.response}
    for index, intent in enumerate(spec.intents):
        problems += [
            f"intents[{index}]: payload {n!r} is not a response field" for n in intent.payload if n not in response
        ]
    if spec.steps and spec.kind is not EnumNodeKind.ORCHESTRATOR:
        problems.append("steps: only an orchestrator coordinates steps")
    steps = {step.name for step in spec.steps}
    for index, step in enumerate(spec.steps):
        problems += [
            f"steps[{index}]: depends on {n!r}, which is not a step" for n in step.depends_on if n not in steps
        ]
    return problems


def _examples(spec: ModelNodeSpec, runtime: SpecRuntime, operation: ModelSpecOperation, where: str) -> list[str]:
    problems: list[str] = []
    outputs = [field.name for field in spec.operation_outputs(operation)]
    seen: dict[str, tuple[int, str]] = {}
    shown: list[tuple[dict[str, Any], dict[str, Any]]] = []  # each output example: its request, its output
    for index, example in enumerate(operation.examples):
        at = f"{where}.examples[{index}]"
        try:
            request = runtime.load_request(example.input)
        except ValidationError as error:
            if example.error is None:
                problems.append(f"{at}: the input does not load into the request: {first_error(error)}")
            elif example.error != "VALIDATION_ERROR":
                problems.append(
                    f"{at}: the request model refuses this input ({first_error(error)}), which is a "
                    f"VALIDATION_ERROR, not {example.error}"
                )
            continue
        except ValueError as error:
            problems.append(f"{at}: {error}")
            continue
        outcome = f"error {example.error}"
        given = request.model_dump(mode="json")
        if example.output is not None:
            missing = [name for name in outputs if name not in example.output]
            extra = [name for name in example.output if name not in outputs]
            if missing or extra:
                problems.append(f"{at}: the output gives {sorted(example.output)}; {operation.name} gives {outputs}")
                continue
            try:
                loaded = runtime.load_output(example.output)
            except ValueError as error:
                problems.append(f"{at}: the output is not of the response's types: {error}")
                continue
            outcome = json.dumps(loaded, sort_keys=True, default=str)
            shown.append((given, loaded))
        key = json.dumps(given, sort_keys=True) + json.dumps(
            example.setup.model_dump(mode="json") if example.setup else None, sort_keys=True
        )
        if key in seen and seen[key][1] != outcome:
            problems.append(f"{at}: contradicts examples[{seen[key][0]}]: the same input, another outcome")
        seen.setdefault(key, (index, outcome))
    return problems + _passed_through(shown, where)


def _passed_through(shown: list[tuple[dict[str, Any], dict[str, Any]]], where: str) -> list[str]:
    """A response field that is, in every example with an output (two at least), a request field of another name
    unchanged: the examples show that field handed through, not the rule that makes it, and code that hands it
    through passes them all (DeployPlan's ``order`` was its ``steps`` as given in every example its spec had, and the
    code written, ``list(steps)``, passed them). A field of the same name (an id handed back) is not asked about."""
    if len(shown) < 2:
        return []
    problems = []
    for name in shown[0][1]:
        for source in shown[0][0]:
            same = all(
                source in request and _json(request[source]) == _json(output.get(name)) for request, output in shown
            )
            if same and source != name and len({_json(output.get(name)) for _, output in shown}) > 1:
                problems.append(
                    f"{where}: in every example `{name}` is the request's `{source}` unchanged, so no example shows "
                    f"the rule that makes `{name}`: add an example whose `{name}` differs from its `{source}` as the "
                    "rule says"
                )
    return problems


def _json(value: object) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def _enough(operation: ModelSpecOperation, where: str, prompt: str) -> list[str]:
    problems = []
    if len(operation.examples) < MIN_EXAMPLES:
        problems.append(
            f"{where}: {len(operation.examples)} example(s); give at least {MIN_EXAMPLES}: a typical case, an edge "
            "case, and each error rule, each with an input of its own (one repeated counts once; an edge case gives "
            "an output at a boundary: an empty or smallest input, a zero, a file with its header row only)"
        )
    if not any(example.output is not None for example in operation.examples):
        problems.append(f"{where}: no example gives an output")
    if prompt and states_errors(prompt) and not any(example.error for example in operation.examples):
        problems.append(f"{where}: the prompt states error rules; give an example of each (input and error code)")
    return problems


def _placeholders(operation: ModelSpecOperation, where: str, effect: bool) -> list[str]:
    problems = []
    for index, example in enumerate(operation.examples):
        text = json.dumps(example.input)
        uses = "{dir}" in text or "{base_url}" in text
        if (uses or example.placeholders) and not effect:
            problems.append(f"{where}.examples[{index}]: only an effect's examples have files, databases or servers")
        if "{base_url}" in text and not (example.setup and example.setup.http):
            problems.append(f"{where}.examples[{index}]: uses {{base_url}} but its setup serves no http answers")
        paths = [*(example.setup.files if example.setup else {}), *(example.setup.sqlite if example.setup else {})]
        paths += [*(example.after.files if example.after else {}), *(example.after.sqlite if example.after else {})]
        for path in paths:
            if path.startswith("/") or ".." in path.split("/") or "{" in path:
                problems.append(
                    f"{where}.examples[{index}]: {path!r} is not a path inside the example's folder (write "
                    "'shop.db' there, and '{dir}/shop.db' in the input)"
                )
        starts = [_PLACEHOLDER.match(value) for value in example.input.values() if isinstance(value, str)]
        unknown = sorted({found.group(0) for found in starts if found} - {"{dir}", "{base_url}"})
        if unknown and effect:  # a compute node's "Hello {name}" is a value of its own
            problems.append(
                f"{where}.examples[{index}]: {', '.join(unknown)} is not filled in by nodegen: an input names the "
                "example's folder as {dir} ('{dir}/shop.db') and its HTTP server as {base_url}"
            )
        routes = [route.path for route in example.setup.http] if example.setup else []
        problems += [
            f"{where}.examples[{index}]: the route {path!r} is a template; give the path this example's call "
            "requests ('/invoices/7')"
            for path in routes
            if "{" in path
        ]
    return problems


def present_files(example: ModelSpecExample) -> list[str]:
    """The files a FILE_NOT_FOUND example's setup writes that its input names (``'{dir}/a.csv'``, or ``'a.csv'``
    beside a folder given as ``'{dir}'``): there, so not missing. The 1.5B model's CsvSummer gave FILE_NOT_FOUND for
    an empty file and a header-only one that its setup wrote."""
    if example.error != "FILE_NOT_FOUND" or example.setup is None:
        return []
    texts = {leaf for leaf in leaves(example.input) if isinstance(leaf, str)}
    named = {text.removeprefix("{dir}/") for text in texts if text.startswith("{dir}/")}
    if "{dir}" in texts:  # the folder is the example's own: a file name beside it names a file there
        named |= texts
    return [path for path in [*example.setup.files, *example.setup.sqlite] if path in named]


def _present_files(operation: ModelSpecOperation, where: str) -> list[str]:
    return [
        f"{where}.examples[{index}]: its setup writes {path!r}, the file its input names, so the file is not "
        "missing: a FILE_NOT_FOUND example leaves its file out of the setup; a file that is there (even empty, or "
        "its header row only) gives an output"
        for index, example in enumerate(operation.examples)
        for path in present_files(example)
    ]


def _prompt_names(spec: ModelNodeSpec, prompt: str) -> list[str]:
    spelled = prompt_names(prompt)
    problems = []
    if spelled.node_name and spelled.node_name not in (spec.name, spec.class_name):
        problems.append(f"name: the prompt names the node {spelled.node_name!r}; keep that name exactly")
    fields = {f.name for f in [*spec.request, *spec.response, *(f for m in spec.models for f in m.fields)]}
    problems += [
        f"the prompt spells out the field {name!r}; keep it exactly as a request or response field"
        for name in spelled.fields
        if name not in fields
    ]
    for part, listed in listed_fields(prompt).items():
        problems += [
            f"{part}: the prompt lists the {part}'s fields as {', '.join(listed)}; {field.name!r} is not one of "
            "them: leave it out (what the prompt asks for is all the node gives)"
            for field in (spec.request if part == "request" else spec.response)
            if field.name not in listed
        ]
    words = set(re.findall(r"\w+", json.dumps(spec.model_dump(mode="json", exclude={"prompt"}))))
    problems += [
        f"the prompt spells out {name!r}; keep that name exactly" for name in spelled.names if name not in words
    ]
    return problems


def leaves(value: object, skip: frozenset[str] = frozenset()) -> list[object]:
    """The scalars of nested dicts and lists (the values under a key in ``skip`` left out)."""
    if isinstance(value, dict):
        return [leaf for key, item in value.items() if key not in skip for leaf in leaves(item, skip)]
    if isinstance(value, list):
        return [leaf for item in value for leaf in leaves(item, skip)]
    return [value]


def held_numbers(value: object, skip: frozenset[str] = frozenset()) -> set[float]:
    """The numbers among the scalars of ``value`` (``leaves``; not booleans), as floats."""
    return {float(leaf) for leaf in leaves(value, skip) if isinstance(leaf, int | float) and not isinstance(leaf, bool)}


def missing_numbers(spec: ModelNodeSpec, prompt: str) -> list[float]:
    """The numbers the prompt states (a rate, a cap, a bound) that are nowhere in the spec: not in a rule, a bound,
    a default nor an example. Each is a rule the spec left out (the 1.5B model's RetrySchedule dropped "each at most
    60.0"), which neither its examples nor code drawn from its rules would ever show."""
    dumped = spec.model_dump(mode="json", exclude={"prompt", "written_by"}, warnings=False)
    scalars = leaves(dumped, skip=frozenset({"agreement"}))  # an example's agreement: nodegen's counts
    held = held_numbers(scalars) | {number for leaf in scalars if isinstance(leaf, str) for number in numbers_in(leaf)}
    return [number for number in dict.fromkeys(numbers_in(prompt)) if number not in held]


def _prompt_numbers(spec: ModelNodeSpec, prompt: str) -> list[str]:
    return [
        f"the prompt states {number:g}, which no rule, bound, default or example of the spec has: put the rule it "
        "belongs to in the operation's description, and an example that shows it"
        for number in missing_numbers(spec, prompt)
    ]


def check_spec(spec: ModelNodeSpec, prompt: str = "") -> list[str]:
    """Every problem of ``spec`` (empty: it can be rendered and its examples hold against its models)."""
    problems = _structure(spec)
    if prompt:
        problems += _prompt_names(spec, prompt) + _prompt_numbers(spec, prompt)
    if problems:
        return problems  # the examples are checked against models that can be built
    try:
        runtime = SpecRuntime(spec)
    except ValueError as error:
        return [f"models: {error}"]
    for model in (runtime.request, runtime.response):
        for name in model.model_fields:
            why = runtime.check_default(model, name)
            if why:
                problems.append(f"{'request' if model is runtime.request else 'response'} ({name}): {why}")
    for index, operation in enumerate(spec.operations):
        where = f"operations[{index}] ({operation.name})"
        problems += _enough(operation, where, spec.prompt or prompt)
        problems += _placeholders(operation, where, spec.kind is EnumNodeKind.EFFECT)
        problems += _present_files(operation, where)
        problems += _examples(spec, runtime, operation, where)
    return problems


def example_outcome(example: ModelSpecExample) -> str:
    """What an example expects, as one line: ``cost=7.4`` or ``raises VALIDATION_ERROR``."""
    if example.error is not None:
        return f"raises {example.error}"
    return ", ".join(f"{key}={value!r}" for key, value in (example.output or {}).items())


__all__ = [
    "MIN_EXAMPLES",
    "check_spec",
    "example_outcome",
    "held_numbers",
    "leaves",
    "missing_numbers",
    "present_files",
]
