"""NodeCodegenScaffoldCompute - turn a prompt (or given requirements) into the files of an ONEX node package.

ONEX v2.0: suffix naming ``Node<Name><Type>``, subclass of ``NodeCompute``: pure (the templates ship with nodegen; it
writes nothing, the store effect does); errors as ``ModelOnexError`` with a code.
"""

from __future__ import annotations

import re
from typing import Any

import jinja2
from pydantic import ValidationError

from nodegen.onex import EnumCoreErrorCode, ModelContainer, ModelContractCompute, ModelOnexError, NodeCompute

from .kinds import KINDS
from .models import EnumNodeKind, ModelNodeRequirements, ModelScaffoldFile, ModelScaffoldResult
from .requirements import analyse, to_snake, valid_name

_ENVIRONMENT = jinja2.Environment(
    loader=jinja2.PackageLoader("nodegen", "templates"),
    autoescape=False,  # noqa: S701 - Python and YAML sources, not HTML
    keep_trailing_newline=True,
    undefined=jinja2.StrictUndefined,
)
FRAMEWORKS = {"nodegen": "nodegen.onex"}


def _refuse(message: str) -> ModelOnexError:
    return ModelOnexError(error_code=EnumCoreErrorCode.VALIDATION_ERROR, message=message)


class NodeCodegenScaffoldCompute(NodeCompute[ModelScaffoldResult]):
    """Input: ``prompt``, optional ``node_type`` and ``name`` (override), ``requirements`` (a model's answer, used
    as given when valid), ``framework`` (``nodegen``). Output: the requirements and every rendered file."""

    def __init__(self, container: ModelContainer) -> None:
        super().__init__(container)
        self._rendered = 0

    def _requirements(self, state: dict[str, Any]) -> ModelNodeRequirements:
        prompt = str(state.get("prompt") or "").strip()
        if not prompt:
            raise _refuse("Missing required field: prompt (what node to generate)")
        kind_value = state.get("node_type")
        try:
            kind = EnumNodeKind(str(kind_value).lower()) if kind_value else None
        except ValueError:
            raise _refuse(
                f"unknown node type {kind_value!r}: use one of {', '.join(k.value for k in EnumNodeKind)}"
            ) from None
        name = state.get("name")
        if name is not None and not valid_name(str(name)):
            raise _refuse(f"name {name!r} is not a PascalCase identifier (letters and digits, capital first)")
        given = state.get("requirements")
        if given is not None:
            try:
                requirements = ModelNodeRequirements.model_validate(given)
            except ValidationError as error:
                raise _refuse(f"invalid requirements: {error.errors()[0]['msg']}") from error
            updates: dict[str, Any] = {}
            if kind is not None:
                updates["node_type"] = kind
            if name is not None:
                updates.update(name=str(name), service_name=to_snake(str(name)))
            return requirements.model_copy(update=updates)
        return analyse(prompt, node_type=kind, name=str(name) if name else None)

    async def _run(self, contract: ModelContractCompute) -> ModelScaffoldResult:
        state = contract.input_state
        framework = str(state.get("framework") or "nodegen")
        if framework not in FRAMEWORKS:
            raise _refuse(f"unknown framework {framework!r}: use one of {', '.join(FRAMEWORKS)}")
        requirements = self._requirements(state)
        template = KINDS[requirements.node_type]
        # the kind's core fields are what its contract tests exercise: they are always there
        names = {field.name for field in template.input_fields}
        inputs = [*template.input_fields, *(f for f in requirements.input_fields if f.name not in names)]
        names = {field.name for field in template.output_fields}
        outputs = [*template.output_fields, *(f for f in requirements.output_fields if f.name not in names)]
        requirements = requirements.model_copy(update={"input_fields": inputs, "output_fields": outputs})
        package = f"{requirements.package_name}/v1_0_0"
        values: dict[str, Any] = {
            "class_name": requirements.class_name,
            "name": requirements.name,
            "snake": requirements.service_name,
            "kind": requirements.node_type.value,
            "description": requirements.description,
            "domain": requirements.domain,
            "operations": requirements.operations or [template.method.lstrip("_")],
            "features": requirements.features,
            "input_fields": [f.model_dump() for f in inputs],
            "output_fields": [f.model_dump() for f in outputs],
            "prompt": str(state.get("prompt", "")).strip(),
            "framework_module": FRAMEWORKS[framework],
            "base_class": template.base_class,
            "contract_class": template.contract_class,
            "entry_point": template.entry_point,
            "method": template.method,
            "method_async": template.method_async,
            "method_body": template.method_body.format(name=requirements.name),
            "function": template.function,
            "function_name": template.function.removeprefix("def ").split("(", 1)[0],
            "function_doc": template.function_doc,
            "note": template.note,
            "sample_input": template.sample_input,
            "tests": template.tests.format(name=requirements.name, class_name=requirements.class_name),
            "package_path": package,
            "package_module": package.replace("/", "."),  # the tests import it absolutely (no `..` imports)
        }
        model_doc = {"request": "What the node is asked to do.", "response": "What the node returns."}
        files = [
            (f"{requirements.package_name}/__init__.py", "__init__.py.j2", {**values, "description": "package"}),
            (f"{package}/__init__.py", "__init__.py.j2", values),
            (f"{package}/node.py", "node.py.j2", values),
            (f"{package}/contract.yaml", "contract.yaml.j2", values),
            (f"{package}/README.md", "README.md.j2", values),
            (f"{package}/models/__init__.py", "models/__init__.py.j2", values),
            (f"{package}/tests/__init__.py", "tests/__init__.py.j2", values),
            (f"{package}/tests/conftest.py", "tests/conftest.py.j2", values),
            (f"{package}/tests/test_node.py", "tests/test_node.py.j2", values),
        ]
        rendered = [
            ModelScaffoldFile(path=path, content=_ENVIRONMENT.get_template(f"node/{name}").render(**context))
            for path, name, context in files
            if not (path.count("/") == 1 and path.endswith("__init__.py"))  # the top folder: written empty below
        ]
        rendered.insert(0, ModelScaffoldFile(path=f"{requirements.package_name}/__init__.py", content=""))
        for role, fields in (("request", inputs), ("response", outputs)):
            rendered.append(
                ModelScaffoldFile(
                    path=f"{package}/models/model_{requirements.service_name}_{role}.py",
                    content=_ENVIRONMENT.get_template("node/models/model.py.j2").render(
                        **values,
                        role=role,
                        model_name=f"Model{requirements.name}{role.capitalize()}",
                        model_doc=model_doc[role],
                        fields=[f.model_dump() for f in fields],
                        uses_any=any(re.search(r"\bAny\b", f.type) for f in fields),
                    ),
                )
            )
        self._rendered += 1
        return ModelScaffoldResult(requirements=requirements, package_dir=package, files=rendered)

    def _node_metrics(self) -> dict[str, Any]:
        return {"packages_rendered": self._rendered}


__all__ = ["FRAMEWORKS", "NodeCodegenScaffoldCompute"]
