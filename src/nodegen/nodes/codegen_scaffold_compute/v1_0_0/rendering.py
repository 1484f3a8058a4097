"""A checked node spec rendered into the files of its package, without a model: deterministic text from the
Jinja2 templates in ``nodegen/templates/node`` and the spec's own YAML (``spec.yaml``, the package's source)."""

from __future__ import annotations

import textwrap
from typing import Any

import jinja2
import yaml
from pydantic import ValidationError

from .models import EnumNodeKind, ModelNodeSpec, ModelScaffoldFile, ModelSpecExample, ModelSpecOperation, to_snake
from .prompt_naming import error_rules
from .spec_examples import doctest_lines, set_source, test_sources, uses_env
from .spec_runtime import SpecRuntime
from .spec_source import docstring_literal, model_class_source, number_source, typing_imports
from .spec_types import model_class_name, read_type
from .spec_yaml import dump_spec

_ENVIRONMENT = jinja2.Environment(
    loader=jinja2.PackageLoader("nodegen", "templates"),
    autoescape=False,  # noqa: S701 - Python and YAML sources, not HTML
    keep_trailing_newline=True,
    undefined=jinja2.StrictUndefined,
)
FRAMEWORKS = {"nodegen": "nodegen.onex"}
_BASES = {
    EnumNodeKind.EFFECT: ("NodeEffect", "ModelContractEffect", "execute_effect"),
    EnumNodeKind.COMPUTE: ("NodeCompute", "ModelContractCompute", "execute_compute"),
    EnumNodeKind.REDUCER: ("NodeReducer", "ModelContractReducer", "execute_reduction"),
    EnumNodeKind.ORCHESTRATOR: ("NodeOrchestrator", "ModelContractOrchestrator", "execute_orchestration"),
}
_WIDTH = 112
# An HTTP effect's operations are coroutines (ModelNodeSpec.coroutines), the module imports httpx
_HTTP_NOTE = (
    ". Use httpx.AsyncClient, with a timeout: async with httpx.AsyncClient(timeout=10.0) as client: answer = await "
    "client.get(url)."
)


def _wrap(text: str) -> list[str]:
    return textwrap.wrap(" ".join(text.split()), _WIDTH) or [""]


_SIGNS = {"ge": ">=", "gt": ">", "le": "<=", "lt": "<", "min_length": "length >=", "max_length": "length <="}


def _field_note(field: Any, plain: str) -> str:
    limits = ", ".join(f"{_SIGNS[key]} {number_source(value)}" for key, value in field.constraints.items())
    described = f": {field.description}" if field.description else ""
    return f"{field.name} ({plain}{', ' + limits if limits else ''}){described}"


def _reaches(runtime: SpecRuntime, operation: ModelSpecOperation, example: ModelSpecExample) -> bool:
    """The example's input passes the request model, so the operation's function sees it."""
    try:
        runtime.arguments(operation, example)
    except ValidationError:
        return False
    return True


def _operation(
    spec: ModelNodeSpec, runtime: SpecRuntime, operation: ModelSpecOperation, examples: bool = True
) -> dict[str, str]:
    models = [model.name for model in spec.models]
    inputs = spec.operation_inputs(operation)
    outputs = spec.operation_outputs(operation)
    parameters = ", ".join(f"{f.name}: {read_type(f.type, models).plain}" for f in inputs)
    single = len(outputs) == 1
    returns = read_type(outputs[0].type, models).plain if single else "dict[str, Any]"
    doc = [*_wrap(operation.description), ""]
    doc += _wrap("Takes " + "; ".join(_field_note(f, read_type(f.type, models).plain) for f in inputs) + ".")
    shown = "; ".join(_field_note(f, read_type(f.type, models).plain) for f in outputs)
    keys = ", ".join(f"{f.name!r}: ..." for f in outputs)  # a small model returns a tuple unless shown the dict
    doc += _wrap(f"Returns {shown}." if single else f"Returns a dict {{{keys}}}, not a tuple: {shown}.")
    errors = sorted({e.error for e in operation.examples if e.error and _reaches(runtime, operation, e)})
    shown_by = "as the examples show" if examples else "for the description's error rule"
    for code in errors:  # the prompt's own rule beside it: a small model reads a Raises line, not a description
        rules = " ".join(error_rules(spec.prompt, code, len(operation.error_codes))).rstrip(".")
        when = f"as the prompt says: {rules}" if rules else shown_by
        doc += _wrap(f"Raises ModelOnexError(error_code=EnumCoreErrorCode.{code}, message=...) {when}.")
    io = [f"{io.kind} ({io.access}) at the request's {io.target}: {io.description}" for io in spec.io_operations]
    if io:
        doc += _wrap(
            "I/O: "
            + "; ".join(io)
            + (_HTTP_NOTE if spec.coroutines else ".")
            + " Import the modules it uses (os, csv, json, sqlite3, httpx, ...) inside the function."
        )
    if examples:
        doc += ["", *doctest_lines(spec, runtime, operation)]
    arguments = ", ".join(f"{f.name}=values[{f.name!r}]" for f in inputs)
    call = f"{operation.name}({arguments})"
    if spec.coroutines:
        call = f"await {call}"
    elif spec.kind is EnumNodeKind.EFFECT:  # its blocking I/O in a worker thread, not in the event loop
        call = f"await asyncio.to_thread({operation.name}, {arguments})"
    # the outputs the operation gives, whatever else its dict holds (an HTTP effect's code that returns the JSON
    # answer it got, with fields the node does not give): the response model refuses unknown fields
    names = repr(tuple(field.name for field in outputs))
    statement = (
        f"response[{outputs[0].name!r}] = {call}"
        if single
        else f"response.update({{key: value for key, value in ({call}).items() if key in {names}}})"
    )
    note = " ".join(operation.description.split())
    return {
        "signature": f"{'async def' if spec.coroutines else 'def'} {operation.name}({parameters}) -> {returns}:",
        "docstring": docstring_literal("\n".join(doc), "    "),
        "note": note if len(note) <= 100 else note[:97] + "...",
        "statement": statement,
    }


def function_stub(spec: ModelNodeSpec, operation: ModelSpecOperation, examples: bool = True) -> str:
    """``operation``'s function as node.py has it (its signature, docstring and marker), after the imports it may
    use; without ``examples`` its docstring states only the rules (the outputs are then what an answer computes)."""
    parts = _operation(spec, SpecRuntime(spec), operation, examples)
    header = ["from __future__ import annotations", "", _stdlib_imports(spec).strip()]
    header += ["", "from nodegen.onex import EnumCoreErrorCode, ModelOnexError", "", ""]
    body = f"{parts['signature']}\n    {parts['docstring']}\n"
    body += f"    # IMPLEMENTATION REQUIRED: {parts['note']}\n    pass\n"
    return "\n".join(header) + body


def _stdlib_imports(spec: ModelNodeSpec) -> str:
    plain = [read_type(f.type, [m.name for m in spec.models]) for f in spec.request + spec.response]
    typing_line = typing_imports([*plain, read_type("Any")])
    modules = ["asyncio"] if spec.kind is EnumNodeKind.EFFECT else []
    modules += ["httpx"] if spec.coroutines else []
    return "".join(f"import {name}\n" for name in modules) + typing_line


def _contract(spec: ModelNodeSpec) -> str:
    def state(fields: list[Any], request: bool) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for field in fields:
            entry: dict[str, Any] = {"type": field.type}
            if request:
                entry["required"] = field.required
                if not field.required:
                    entry["default"] = field.default
            entry.update(field.constraints)
            entry["description"] = field.description
            out[field.name] = entry
        return out

    base, _, entry_point = _BASES[spec.kind]
    codes = sorted({example.error for operation in spec.operations for example in operation.examples if example.error})
    contract = {
        "name": spec.package_name,
        "version": {"major": 1, "minor": 0, "patch": 0},
        "description": spec.description,
        "node_type": spec.kind.value,
        "node_class": spec.class_name,
        "base_class": base,
        "entry_point": entry_point,
        "input_model": f"Model{spec.name}Request",
        "output_model": f"Model{spec.name}Response",
        "operations": [
            {
                "name": operation.name,
                "description": operation.description,
                "inputs": [field.name for field in spec.operation_inputs(operation)],
                "outputs": [field.name for field in spec.operation_outputs(operation)],
                "examples": len(operation.examples),
                "error_codes": operation.error_codes,
            }
            for operation in spec.operations
        ],
        "io_operations": [io.model_dump(mode="json") for io in spec.io_operations],
        "intents": [intent.model_dump(mode="json") for intent in spec.intents],
        "steps": [step.model_dump(mode="json") for step in spec.steps],
        "error_codes": ["VALIDATION_ERROR", *(code for code in codes if code != "VALIDATION_ERROR")],
        "input_state": state(spec.request, True),
        "output_state": state(spec.response, False),
    }
    header = f"# ONEX v2.0 contract of {spec.class_name}, generated by nodegen new from spec.yaml\n"
    return header + yaml.safe_dump(contract, sort_keys=False, allow_unicode=True, width=_WIDTH)


def _models(spec: ModelNodeSpec, package: str) -> list[ModelScaffoldFile]:
    names = [model.name for model in spec.models]
    files = []
    exports = []
    intents = [
        '    intents: list[ModelIntent] = Field(default_factory=list, description="What the orchestrator carries out")'
    ]
    roles = [
        (model_class_name(m.name), m.description or m.name, m.fields, f"model_{to_snake(m.name)}") for m in spec.models
    ]
    roles += [
        (
            f"Model{spec.name}Request",
            "What the node is asked to do.",
            spec.request,
            f"model_{spec.service_name}_request",
        ),
        (f"Model{spec.name}Response", "What the node returns.", spec.response, f"model_{spec.service_name}_response"),
    ]
    for class_name, doc, fields, module in roles:
        types = [read_type(field.type, names) for field in fields]
        used = sorted({name for t in types for name in t.nested})
        imports = [f"from .model_{to_snake(name)} import {model_class_name(name)}" for name in used]
        source = model_class_source(class_name, doc, fields, names)
        if spec.intents and class_name.endswith("Response"):
            imports.insert(0, "from nodegen.onex import ModelIntent")
            source += intents[0] + "\n"
        files.append(
            ModelScaffoldFile(
                path=f"{package}/models/{module}.py",
                content=_ENVIRONMENT.get_template("node/models/model.py.j2").render(
                    class_name=spec.class_name,
                    role=class_name,
                    typing_line=typing_imports(types).strip(),
                    imports=imports,
                    class_source=source,
                ),
            )
        )
        exports.append((module, class_name))
    init = _ENVIRONMENT.get_template("node/models/__init__.py.j2").render(class_name=spec.class_name, exports=exports)
    return [*files, ModelScaffoldFile(path=f"{package}/models/__init__.py", content=init)]


def _intents_test(spec: ModelNodeSpec) -> str:
    """A reducer's intents, checked on its first example that gives an output."""
    example = next((e for o in spec.operations for e in o.examples if e.output is not None), None)
    if not spec.intents or example is None:
        return ""
    expected = [(intent.intent_type.value, intent.target, intent.priority) for intent in spec.intents]
    payloads = [sorted(intent.payload) for intent in spec.intents]
    return "\n".join(
        [
            f"async def test_the_intents_are_returned(node: {spec.class_name}) -> None:",
            '    """The intents are returned, their payload made of the response\'s fields."""',
            f"    result = await _call(node, {example.input!r})",
            f"    assert [(i.intent_type.value, i.target, i.priority) for i in result.intents] == {expected!r}",
            f"    for intent, fields in zip(result.intents, {payloads!r}, strict=True):",
            '        assert intent.payload == result.model_dump(mode="json", include=set(fields))',
        ]
    )


def render_package(spec: ModelNodeSpec, framework: str = "nodegen") -> tuple[str, list[ModelScaffoldFile]]:
    """The package's version folder (``shipping_cost_compute/v1_0_0``) and every file of the package. The spec
    must have passed ``check_spec``."""
    runtime = SpecRuntime(spec)
    package = f"{spec.package_name}/v1_0_0"
    base, contract_class, entry_point = _BASES[spec.kind]
    operations = [_operation(spec, runtime, operation) for operation in spec.operations]
    onex = {"EnumCoreErrorCode", "ModelContainer", contract_class, "ModelOnexError", base}
    if spec.intents:
        onex |= {"EnumIntentType", "ModelIntent"}
    values = {
        "spec": spec,
        "base_class": base,
        "contract_class": contract_class,
        "entry_point": entry_point,
        "framework_module": FRAMEWORKS[framework],
        "onex_imports": sorted(onex - {"ModelContainer"}),
        "stdlib_imports": _stdlib_imports(spec),
        "operations": operations,
        "class_doc": docstring_literal(
            spec.description + "\n\nOperations: " + ", ".join(o.name for o in spec.operations) + ".", "    "
        ),
        "package_module": package.replace("/", "."),
        "package_path": package,
        "out_hint": "<the folder that holds " + spec.package_name + ">",
        "uses_env": uses_env(spec),
    }
    intents = [
        {
            "type_name": intent.intent_type.name,
            "target": intent.target,
            "include": set_source(intent.payload),
            "priority": intent.priority,
        }
        for intent in spec.intents
    ]
    values["spec_intents"] = intents
    tests = [source for operation in spec.operations for source in test_sources(spec, operation)]
    files = [
        ModelScaffoldFile(path=f"{spec.package_name}/__init__.py", content=""),
        ModelScaffoldFile(
            path=f"{package}/__init__.py",
            content=f'"""{spec.class_name} v1.0.0."""\n\nfrom .node import {spec.class_name}\n\n'
            f'__all__ = ["{spec.class_name}"]\n',
        ),
        ModelScaffoldFile(path=f"{package}/spec.yaml", content=dump_spec(spec)),
        ModelScaffoldFile(path=f"{package}/contract.yaml", content=_contract(spec)),
        ModelScaffoldFile(
            path=f"{package}/node.py", content=_ENVIRONMENT.get_template("node/node.py.j2").render(**values)
        ),
        ModelScaffoldFile(
            path=f"{package}/README.md", content=_ENVIRONMENT.get_template("node/README.md.j2").render(**values)
        ),
        *_models(spec, package),
        ModelScaffoldFile(path=f"{package}/tests/__init__.py", content=""),
        ModelScaffoldFile(
            path=f"{package}/tests/conftest.py",
            content=_ENVIRONMENT.get_template("node/tests/conftest.py.j2").render(
                class_name=spec.class_name, package_module=values["package_module"]
            ),
        ),
        ModelScaffoldFile(
            path=f"{package}/tests/test_node.py",
            content=_ENVIRONMENT.get_template("node/tests/test_node.py.j2").render(
                **values, tests=tests, intents_test=_intents_test(spec)
            ),
        ),
    ]
    return package, files
