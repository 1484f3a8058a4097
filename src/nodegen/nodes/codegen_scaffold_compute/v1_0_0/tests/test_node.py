"""The scaffold: a checked node spec rendered into a package, pure and deterministic; each operation's stub
carries the spec's examples, which its reference body passes and a wrong body fails in the sandbox."""

from __future__ import annotations

import ast

import pytest
import yaml
from tests.support.scaffold_answers import BODIES, SPECS

from nodegen.nodes.codegen_scaffold_compute.v1_0_0 import NodeCodegenScaffoldCompute, error_rules, load_spec
from nodegen.nodes.codegen_scaffold_compute.v1_0_0.models import ModelScaffoldRequest
from nodegen.nodes.codegen_stub_extractor_effect.v1_0_0 import NodeCodegenStubExtractorEffect
from nodegen.onex import EnumCoreErrorCode, ModelOnexError
from nodegen.onex.testing import create_test_container

FIXTURES = sorted(path.name for path in SPECS.glob("*.yaml"))


def spec_of(name: str):
    return load_spec((SPECS / name).read_text(), name)


async def scaffold(spec, prompt: str = "", framework: str = "nodegen"):
    node = NodeCodegenScaffoldCompute(create_test_container())
    return await node.run(ModelScaffoldRequest(spec=spec, prompt=prompt, framework=framework))


async def test_the_package_has_every_file_and_they_parse():
    result = await scaffold(spec_of("shipping_cost.yaml"))
    root = "shipping_cost_compute/v1_0_0"
    assert result.package_dir == root
    paths = {f.path for f in result.files}
    for name in ("node.py", "spec.yaml", "contract.yaml", "__init__.py", "README.md", "models/__init__.py",
                 "models/model_shipping_cost_request.py", "models/model_shipping_cost_response.py",
                 "tests/__init__.py", "tests/conftest.py", "tests/test_node.py"):  # fmt: skip
        assert f"{root}/{name}" in paths, name
    for file in result.files:
        if file.path.endswith(".py"):
            ast.parse(file.content)
        elif file.path.endswith(".yaml"):
            yaml.safe_load(file.content)


async def test_the_request_model_has_the_spec_s_types_defaults_and_constraints():
    files = {f.path.rsplit("/", 1)[-1]: f.content for f in (await scaffold(spec_of("shipping_cost.yaml"))).files}
    request = files["model_shipping_cost_request.py"]
    assert 'weight_kg: float = Field(ge=0, description="The parcel\'s weight in kilograms")' in request
    assert "zone: Literal['domestic', 'international'] = Field(description=\"\")" in request
    assert 'express: bool = Field(default=False, description="")' in request
    assert 'model_config = ConfigDict(extra="forbid")' in request


async def test_the_stub_is_a_function_of_plain_values_whose_docstring_holds_the_examples():
    node = next(f.content for f in (await scaffold(spec_of("shipping_cost.yaml"))).files if f.path.endswith("/node.py"))
    assert "def shipping_cost(weight_kg: float, zone: Literal['domestic', 'international'], express: bool) -> float:" in node
    assert ">>> shipping_cost(weight_kg=2.0, zone='domestic', express=False)\n    7.4\n" in node
    assert ">>> shipping_cost(weight_kg=10.0, zone='international', express=True)\n    44.0\n" in node
    # the examples the request model refuses are the node's: in its tests, not in the function's docstring
    assert "weight_kg=-1" not in node and "mars" not in node
    assert "# IMPLEMENTATION REQUIRED: 5.00 plus 1.20 per kg" in node
    assert "response['cost'] = shipping_cost(weight_kg=values['weight_kg']" in node


async def test_the_raises_line_quotes_the_prompt_s_own_error_rule():
    # the 1.5B model's SlugMaker code never raised: its rule was in the description only, far from the Raises line
    prompt = "Generate an orchestrator node named DeployPlan. Steps run in order. A dependency cycle is a validation error."
    spec = spec_of("deploy_plan.yaml").model_copy(update={"prompt": prompt})
    node = next(f.content for f in (await scaffold(spec)).files if f.path.endswith("/node.py"))
    assert ("Raises ModelOnexError(error_code=EnumCoreErrorCode.VALIDATION_ERROR, message=...) as the prompt says: A "
            "dependency cycle is a validation error.") in " ".join(node.split())
    unsaid = next(f.content for f in (await scaffold(spec_of("deploy_plan.yaml"))).files if f.path.endswith("/node.py"))
    assert "VALIDATION_ERROR, message=...) as the examples show." in " ".join(unsaid.split())


async def test_a_raises_line_never_quotes_the_rule_of_another_code_the_operation_raises():
    # the negative weight's VALIDATION_ERROR never reaches the function (the request model refuses it), but the
    # operation raises two codes: the sentence about validation is not RESOURCE_NOT_FOUND's rule
    text = (SPECS / "shipping_cost.yaml").read_text().replace(
        "output: {cost: 44.0}", "error: RESOURCE_NOT_FOUND"
    )
    prompt = "Generate a compute node named ShippingCost. A negative weight or an unknown zone is a validation error."
    spec = load_spec(text, "shipping_cost.yaml").model_copy(update={"prompt": prompt})
    node = " ".join(next(f.content for f in (await scaffold(spec)).files if f.path.endswith("/node.py")).split())
    assert "RESOURCE_NOT_FOUND, message=...) as the examples show." in node
    assert "as the prompt says" not in node


def test_an_error_rule_is_the_prompt_s_sentence_naming_its_code():
    prompt = "A missing file is a FILE_NOT_FOUND error. A bad row is a validation error. Rows are summed."
    assert error_rules(prompt, "FILE_NOT_FOUND", 2) == ["A missing file is a FILE_NOT_FOUND error."]
    assert error_rules(prompt, "VALIDATION_ERROR", 2) == ["A bad row is a validation error."]
    assert error_rules("An empty list is refused.", "VALIDATION_ERROR") == ["An empty list is refused."]
    assert error_rules("An empty list is refused.", "VALIDATION_ERROR", 2) == []
    assert error_rules("", "VALIDATION_ERROR") == []


async def test_every_example_becomes_a_test_through_the_node_s_contract():
    tests = next(f.content for f in (await scaffold(spec_of("shipping_cost.yaml"))).files if f.path.endswith("test_node.py"))
    names = [line.split("(")[0].removeprefix("async def ") for line in tests.splitlines() if line.startswith("async def test_")]
    assert names == [
        "test_shipping_cost_example_1_typical",
        "test_shipping_cost_example_2_edge",
        "test_shipping_cost_example_3_typical",
        "test_shipping_cost_example_4_error",
        "test_shipping_cost_example_5_error",
        "test_an_unknown_request_field_is_a_validation_error",
        "test_metrics_count_operations",
    ]
    assert "await _call(node, {'weight_kg': 1, 'zone': 'mars'})" in tests
    assert "assert raised.value.error_code is EnumCoreErrorCode.VALIDATION_ERROR" in tests


async def test_an_effect_s_examples_run_in_their_own_folder_and_server():
    node = next(f.content for f in (await scaffold(spec_of("invoice_fetcher.yaml"))).files if f.path.endswith("/node.py"))
    assert ">>> from nodegen.onex.example_env import example_env" in node
    assert ">>> with example_env(http=[{'method': 'GET', 'path': '/invoices/7', 'status': 200, " in node
    # an HTTP effect's operation is a coroutine: the 1.5B model wrote `async with httpx.AsyncClient()` and `await`
    # in a plain function on every attempt, and dropped the async ones it wrote
    assert "...     asyncio.run(fetch_invoice(base_url=env.fill('{base_url}'), invoice_id=7))" in node
    assert "\nasync def fetch_invoice(base_url: str, invoice_id: int) -> dict[str, Any]:" in node
    assert "response.update({key: value for key, value in (await fetch_invoice(base_url=values['base_url']" in node
    assert "invoice_id=values['invoice_id'])).items() if key in ('total', 'currency')})" in node
    assert "async with httpx.AsyncClient(timeout=10.0) as client:" in " ".join(node.split())
    assert "\nimport asyncio\nimport httpx\n" in node
    files = next(f.content for f in (await scaffold(spec_of("line_counter.yaml"))).files if f.path.endswith("/node.py"))
    assert "\ndef count_lines(" in files and "await asyncio.to_thread(count_lines, " in files  # files: in a thread


async def test_a_reducer_returns_its_intents_and_a_nested_model_is_a_model_of_its_own():
    files = {f.path.rsplit("/", 1)[-1]: f.content for f in (await scaffold(spec_of("order_totals.yaml"))).files}
    assert "class ModelOrder(BaseModel):" in files["model_order.py"]
    assert "orders: list[ModelOrder]" in files["model_order_totals_request.py"]
    assert "intents: list[ModelIntent]" in files["model_order_totals_response.py"]
    assert "def order_totals(orders: list[dict[str, Any]]) -> dict[str, Any]:" in files["node.py"]
    assert "intent_type=EnumIntentType.PUBLISH_EVENT" in files["node.py"]
    contract = yaml.safe_load(files["contract.yaml"])
    assert contract["intents"] == [{"intent_type": "publish_event", "target": "event_bus", "payload": ["totals"], "priority": 5}]


async def test_the_contract_is_generated_from_the_spec():
    files = {f.path.rsplit("/", 1)[-1]: f.content for f in (await scaffold(spec_of("line_counter.yaml"))).files}
    contract = yaml.safe_load(files["contract.yaml"])
    assert contract["node_class"] == "NodeLineCounterEffect" and contract["entry_point"] == "execute_effect"
    assert contract["io_operations"] == [
        {"kind": "files", "access": "read", "target": "folder", "description": "reads folder/file_name"}
    ]
    assert contract["operations"][0]["error_codes"] == ["FILE_NOT_FOUND"]
    assert contract["error_codes"] == ["VALIDATION_ERROR", "FILE_NOT_FOUND"]
    assert list(contract["input_state"]) == ["folder", "file_name"] and list(contract["output_state"]) == ["lines"]


@pytest.mark.parametrize("fixture", FIXTURES)
async def test_the_spec_travels_with_the_package_and_reads_back_the_same(fixture):
    spec = spec_of(fixture)
    written = next(f.content for f in (await scaffold(spec)).files if f.path.endswith("spec.yaml"))
    assert load_spec(written) == spec


async def test_rendering_is_deterministic():
    assert await scaffold(spec_of("deploy_plan.yaml")) == await scaffold(spec_of("deploy_plan.yaml"))


async def test_a_spec_with_problems_is_refused_with_every_problem():
    text = (SPECS / "shipping_cost.yaml").read_text().replace("response:\n  cost: float", "response:\n  cost: set")
    with pytest.raises(ModelOnexError) as raised:
        await scaffold(load_spec(text))
    assert raised.value.error_code is EnumCoreErrorCode.VALIDATION_ERROR
    assert "response[0] (cost): type 'set': unknown name 'set'" in raised.value.message


async def test_an_unknown_framework_is_refused():
    with pytest.raises(ModelOnexError) as raised:
        await scaffold(spec_of("shipping_cost.yaml"), framework="django")
    assert "unknown framework" in raised.value.message


@pytest.mark.parametrize("fixture", FIXTURES)
async def test_each_stub_s_examples_pass_its_reference_body_and_fail_a_wrong_one(fixture, tmp_path):
    # the stub's own examples are its spec: the examples check runs them, in the sandbox, on every fill
    from nodegen.nodes.codegen_code_validator_effect.v1_0_0 import NodeCodegenCodeValidatorEffect

    result = await scaffold(spec_of(fixture))
    for file in result.files:
        (tmp_path / file.path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / file.path).write_text(file.content)
    path = next(tmp_path / f.path for f in result.files if f.path.endswith("/node.py"))
    extractor = NodeCodegenStubExtractorEffect(create_test_container())
    (stub,) = (await extractor.execute_effect({"input_state": {"node_file_content": path.read_text()}})).stubs
    assert ">>> " in stub.docstring
    # a generous time limit: importing the node package in the sandbox is slow on a loaded machine
    validator = NodeCodegenCodeValidatorEffect(create_test_container({"validation_examples_timeout_s": 60.0}))

    async def check(code: str):
        target = {"source": path.read_text(), "qualified_name": stub.qualified_name}
        state = {"generated_code": code, "file_path": str(path), "target": target}
        return await validator.execute_effect({"input_state": state})

    right = await check(BODIES[stub.name])
    assert right.is_valid and "examples" in right.rule_timings_ms, right.feedback()
    wrong = await check(f"raise ValueError({stub.name!r})")
    assert "EXA001" in [f.code for f in wrong.errors], wrong.feedback()


PASSWORDS = """\
kind: compute
name: PasswordLength
description: The length of a password.
request: {password: str}
response: {length: int}
operations:
  - name: password_length
    description: length is the number of characters of password; an empty password is a validation error.
    examples:
      - {case: typical, input: {password: Password123}, output: {length: 11}}
      - {case: edge, input: {password: x}, output: {length: 1}}
      - {case: error, input: {password: ''}, error: VALIDATION_ERROR}
"""


async def test_an_example_input_of_a_field_named_like_a_secret_is_not_reported_as_a_hard_coded_secret():
    # The 1.5B model's PasswordStrength filled and passed its tests, but `nodegen check` refused its own package:
    # detect-secrets read `password='Password123'` in the doctests and tests as a hard-coded password.
    from nodegen.nodes.codegen_code_validator_effect.v1_0_0 import NodeCodegenCodeValidatorEffect
    from nodegen.nodes.codegen_code_validator_effect.v1_0_0.models import ModelCodeValidationRequest

    validator = NodeCodegenCodeValidatorEffect(create_test_container())
    files = {f.path.rsplit("/", 1)[-1]: f.content for f in (await scaffold(load_spec(PASSWORDS))).files}
    for name in ("node.py", "test_node.py"):
        marked = [line.endswith("# pragma: allowlist secret (an example input of the spec)")
                  for line in files[name].splitlines() if "Password123" in line]  # fmt: skip
        assert marked and all(marked), files[name]
        result = await validator.run(ModelCodeValidationRequest(generated_code=files[name], file_path=name))
        assert "SEC020" not in [f.code for f in result.errors], result.feedback()
    assert "password='x')  # pragma" in files["node.py"]
    assert next(line for line in files["test_node.py"].splitlines() if "'password': ''" in line).endswith("})")
    leaked = 'API_KEY = "sk-live-51HqLrJK2eZvKYlo2C8xL3N9pQ7wR4tY6uI0oP"\n'  # still found beside the examples
    result = await validator.run(ModelCodeValidationRequest(generated_code=files["node.py"] + leaked))
    assert "SEC020" in [f.code for f in result.errors]
