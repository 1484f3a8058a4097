"""The node spec without a model: types from the allowed set, the YAML forms a user or a model writes, every check
with where it points, the names a prompt spells out, and prompts refused before any model is asked."""

from __future__ import annotations

import re

import pytest
from tests.support.scaffold_answers import PROMPTS, SPECS

from nodegen.nodes.codegen_scaffold_compute.v1_0_0 import (
    SpecFileError,
    check_spec,
    keyword_draft,
    listed_fields,
    load_spec,
    prompt_names,
    unbuildable,
)
from nodegen.nodes.codegen_scaffold_compute.v1_0_0.models.model_spec_example import ModelExampleSetup
from nodegen.nodes.codegen_scaffold_compute.v1_0_0.spec_types import SpecTypeError, read_type

SHIPPING = (SPECS / "shipping_cost.yaml").read_text()


def problems_of(text: str, prompt: str = "") -> list[str]:
    return check_spec(load_spec(text), prompt)


@pytest.mark.parametrize(
    ("text", "model", "plain"),
    [
        ("float", "float", "float"),
        ("Optional[int]", "int | None", "int | None"),
        ("list", "list[Any]", "list[Any]"),
        ("dict[str, list[float]]", "dict[str, list[float]]", "dict[str, list[float]]"),
        ("Literal['a', 1, True]", "Literal['a', 1, True]", "Literal['a', 1, True]"),
        ("list[Order] | None", "list[ModelOrder] | None", "list[dict[str, Any]] | None"),
    ],
)
def test_allowed_types_read_as_the_models_and_the_functions_write_them(text, model, plain):
    read = read_type(text, ["Order"])
    assert (read.model, read.plain) == (model, plain)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("set[int]", "set[...] is not allowed"),
        ("dict[int, str]", "dictionary keys are str"),
        ("os.system('x')", "not a type expression nodegen reads"),
        ("__import__('os')", "not a type expression nodegen reads"),
        ("Decimal", "unknown name 'Decimal'"),
        ("list[", "not a type expression"),
    ],
)
def test_other_types_are_refused_with_what_is_allowed(text, why):
    with pytest.raises(SpecTypeError) as raised:
        read_type(text)
    assert why in str(raised.value) and "allowed: str, int, float" in str(raised.value)


def test_the_fixture_specs_pass_every_check():
    for path in SPECS.glob("*.yaml"):
        assert check_spec(load_spec(path.read_text())) == [], path.name


def test_a_bare_input_is_the_one_request_field_s_value():
    text = (SPECS / "order_totals.yaml").read_text().replace("input: {orders: []}", "input: []")
    assert load_spec(text).operations[0].examples[1].input == {"orders": []}


@pytest.mark.parametrize("written", ["error: None", "error: null", "error: ''", "error: none"])
def test_an_error_written_as_none_is_no_error(written):
    # Python's None in YAML is a string: the example has its output and no error
    spec = load_spec(SHIPPING.replace("output: {cost: 7.4}", f"output: {{cost: 7.4}}, {written}"))
    assert (spec.operations[0].examples[0].output, spec.operations[0].examples[0].error) == ({"cost": 7.4}, None)


def test_an_output_written_as_null_beside_an_error_is_no_output():
    # one response field: a bare output is that field's value, but null is no output
    spec = load_spec(SHIPPING.replace("error: VALIDATION_ERROR}", "output: null, error: VALIDATION_ERROR}", 1))
    assert [e.error for e in spec.operations[0].examples if e.output is None] == ["VALIDATION_ERROR"] * 2


def test_the_compact_forms_read_as_the_full_ones():
    spec = load_spec(SHIPPING.replace("output: {cost: 7.4}", "output: 7.4"))
    assert spec.operations[0].examples[0].output == {"cost": 7.4}
    assert [f.name for f in spec.request] == ["weight_kg", "zone", "express"]
    assert spec.request[0].ge == 0 and spec.request[0].required and not spec.request[2].required


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("zone: \"Literal", "weight_kg: int\n  zone: \"Literal", "'weight_kg' is given twice"),
        ("kind: compute", "kind: gadget", "kind: Input should be 'effect', 'compute', 'reducer' or 'orchestrator'"),
        ("name: ShippingCost", "name: shipping-cost", "not a PascalCase identifier"),
        ("output: {cost: 7.4}", "output: {cost: 7.4}, error: VALIDATION_ERROR", "either an output or an error"),
        (", output: {cost: 7.4}", "", "examples.0: Value error, an example needs its outcome: the output"),
        ("error: VALIDATION_ERROR}\n      - {case: error, input: {weight_kg: 1", "error: OOPS}\n      - {case: error, input: {weight_kg: 1", "unknown error code 'OOPS'"),
        ("kind: compute", "kind: compute\nkind: effect", "given twice"),
        ("request:", "request: [", "is not YAML"),
    ],
)  # fmt: skip
def test_a_spec_that_does_not_load_says_where_and_why(old, new, expected):
    assert old in SHIPPING
    with pytest.raises(SpecFileError) as raised:
        load_spec(SHIPPING.replace(old, new, 1))
    assert expected in str(raised.value)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("name: ShippingCost", "name: ShippingCostCompute", "leaves out 'Node' and the kind"),
        ("cost: float", "cost: tuple", "response[0] (cost): type 'tuple'"),
        ("weight_kg: {type: float, ge: 0,", "weight_kg: {type: float, ge: 5, le: 1,", "no value is at least 5.0 and at most 1.0"),
        ("express: {type: bool, default: false}", "express: {type: bool, default: 3}", "request (express): default 3"),
        ("input: {weight_kg: 2, zone: domestic}", "input: {weight_kg: 2, zone: domestic, speed: 1}", "examples[0]: the input does not load"),
        ("output: {cost: 7.4}", "output: {cost: cheap}", "examples[0]: the output is not of the response's types"),
        ("output: {cost: 7.4}", "output: {price: 7.4}", "examples[0]: the output gives ['price']; shipping_cost gives ['cost']"),
        ("{weight_kg: -1, zone: domestic}, error: VALIDATION_ERROR", "{weight_kg: -1, zone: domestic}, error: FILE_NOT_FOUND",
         "refuses this input (weight_kg: Input should be greater than or equal to 0), which is a VALIDATION_ERROR"),
        ("{weight_kg: 0, zone: international, express: true}, output: {cost: 20.0}",
         "{weight_kg: 2.0, zone: domestic, express: false}, output: {cost: 9.0}", "examples[1]: contradicts examples[0]"),
        ("  - name: shipping_cost", "  - name: class", "the name is not a free Python identifier"),
        ("express: {type: bool, default: false}", "express: {type: bool, default: false, ge: 1}",
         "request[2] (express): ge applies to numbers, not bool"),
        ("zone: \"Literal['domestic', 'international']\"", "zone: {type: str, max_length: 2}", "examples[0]: the input does not load"),
    ],
)  # fmt: skip
def test_each_check_names_where_the_problem_is(old, new, expected):
    assert old in SHIPPING
    found = problems_of(SHIPPING.replace(old, new, 1))
    assert any(expected in problem for problem in found), found


def test_too_few_examples_and_a_missing_error_rule_are_problems():
    text = SHIPPING.split("      - {case: typical, input: {weight_kg: 10")[0]
    found = problems_of(text, PROMPTS["compute"])
    assert any("2 example(s); give at least 3" in p for p in found)
    assert any("the prompt states error rules" in p for p in found)


def test_the_names_the_prompt_spells_out_are_kept_exactly():
    assert problems_of(SHIPPING, PROMPTS["compute"]) == []
    renamed = SHIPPING.replace("weight_kg", "weight")
    assert any("the field 'weight_kg'" in p for p in problems_of(renamed, PROMPTS["compute"]))
    other = SHIPPING.replace("name: ShippingCost", "name: ParcelPrice")
    assert any("names the node 'ShippingCost'" in p for p in problems_of(other, PROMPTS["compute"]))


def test_a_field_the_prompt_s_lists_leave_out_is_a_problem():
    # the 1.5B model's WordCounter added a response field `words`, its InventoryLookup a request field `path`
    field = "  express: {type: bool, default: false}\n"
    extra = SHIPPING.replace(field, field + "  currency: {type: str, default: EUR}\n", 1)
    assert problems_of(extra, PROMPTS["compute"]) == [
        "request: the prompt lists the request's fields as weight_kg, zone, express; 'currency' is not one of them: "
        "leave it out (what the prompt asks for is all the node gives)"
    ]
    assert problems_of(extra, "") == []  # a spec file a user gives may hold what they like
    nested = (
        "The request has orders (a list of dicts with customer (str) and amount (float)); the response has n (int)."
    )
    assert listed_fields(nested) == {"request": ("orders",), "response": ("n",)}
    # "split on whitespace; and total_words (int)": a semicolon does not end the list
    said = "The response has counts (dict of word to int): how often each word occurs; and total_words (int). Done."
    assert listed_fields(said) == {"response": ("counts", "total_words")}
    assert listed_fields("a compute node that adds two numbers") == {}
    # InventoryLookup's prompt names a table with its columns in the request's list: they are not fields
    table = "The request has database (str), the path of a database with a table items (sku TEXT, n INTEGER), and sku (str)."
    assert listed_fields(table) == {"request": ("database", "sku")}
    assert listed_fields("The request has stock (sku TEXT) and n (int).") == {"request": ("n",)}


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("input: {folder: '{dir}', file_name: a.txt}", "input: {folder: '{folder}', file_name: a.txt}",
         "{folder} is not filled in by nodegen"),
        ("setup: {files: {a.txt:", "setup: {files: {'{dir}/a.txt':", "'{dir}/a.txt' is not a path inside the example's folder"),
    ],
)  # fmt: skip
def test_an_effect_example_names_its_folder_and_server_only_by_the_placeholders_nodegen_fills(old, new, expected):
    text = (SPECS / "line_counter.yaml").read_text()
    assert old in text
    found = problems_of(text.replace(old, new, 1))
    assert any(expected in problem for problem in found), found


def test_a_compute_node_s_braces_are_its_own_values():
    text = SHIPPING.replace("zone: \"Literal['domestic', 'international']\"", "zone: str").replace(
        "{weight_kg: 2, zone: domestic}", "{weight_kg: 2, zone: '{home}'}"
    )
    assert "'{home}'" in text and problems_of(text) == []


def test_an_http_route_is_the_path_the_example_requests_not_a_template():
    text = (SPECS / "invoice_fetcher.yaml").read_text()
    assert problems_of(text) == []
    templated = re.sub(r"path: /invoices/\d+", "path: '/invoices/{invoice_id}'", text, count=1)
    assert templated != text
    assert any("the route '/invoices/{invoice_id}' is a template" in p for p in problems_of(templated))


def test_every_number_the_prompt_states_is_somewhere_in_the_spec():
    capped = PROMPTS["compute"] + " The cost is at most 99.5."
    assert problems_of(SHIPPING, capped) == [
        "the prompt states 99.5, which no rule, bound, default or example of the spec has: put the rule it belongs "
        "to in the operation's description, and an example that shows it"
    ]
    ruled = SHIPPING.replace("rounded to 2 decimals.", "rounded to 2 decimals; at most 99.50.")
    assert problems_of(ruled, capped) == []  # 99.50 is 99.5
    assert problems_of(SHIPPING, PROMPTS["compute"] + " Use tariff v2 from 2024-05.") != []  # 2024 is a number
    assert problems_of(SHIPPING, PROMPTS["compute"] + " Use tariff v2.") == []  # not a name's digits


def test_io_intents_and_steps_belong_to_their_kinds():
    text = (
        SHIPPING
        + "io_operations:\n  - {kind: files, target: zone}\nintents:\n  - {intent_type: publish_event, target: bus}\n"
    )
    found = problems_of(text)
    assert any("a compute node does no I/O" in p for p in found)
    assert any("only a reducer returns intents" in p for p in found)


def test_prompt_names():
    spelled = prompt_names(PROMPTS["compute"])
    assert spelled.node_name == "ShippingCost"
    assert spelled.fields == ("weight_kg", "zone", "express", "cost")
    assert prompt_names("a reducer named OrderTotalsReducer; publish to the event_bus").node_name == "OrderTotals"
    assert prompt_names("a reducer named OrderTotalsReducer; publish to the event_bus").names == ("event_bus",)


@pytest.mark.parametrize(
    ("prompt", "refused"),
    [
        ("", "empty"),
        ("hello", "asks for nothing"),
        ("make it nice", "asks for nothing"),
        ("an effect node that deletes the home folder", "destructive"),
        ("an effect node that runs rm -rf / on the host", "destructive"),
        ("a compute node that removes duplicate records from a list", None),
        ("an effect node that deletes the files older than days in the folder the request names", None),
        (PROMPTS["effect"], None),
    ],
)
def test_prompts_nodegen_refuses_before_asking_a_model(prompt, refused):
    reason = unbuildable(prompt)
    assert (reason is None) if refused is None else (reason is not None and refused in reason)


def test_the_keyword_draft_keeps_the_prompt_s_names_and_types_and_has_no_examples():
    draft = keyword_draft(PROMPTS["compute"])
    assert (draft["kind"], draft["name"]) == ("compute", "ShippingCost")
    assert draft["request"] == {"weight_kg": "float", "zone": "str", "express": "bool"}
    assert draft["response"] == {"cost": "float"}
    assert draft["operations"][0]["examples"] == []


def test_the_published_schema_is_the_spec_model_s():
    import json
    from pathlib import Path

    from nodegen.nodes.codegen_scaffold_compute.v1_0_0.models import ModelNodeSpec

    published = Path(__file__).parents[6] / "docs" / "node-spec.schema.json"
    assert json.loads(published.read_text()) == ModelNodeSpec.model_json_schema(), (
        "docs/node-spec.schema.json is stale: write ModelNodeSpec.model_json_schema() to it"
    )


@pytest.mark.parametrize(
    "written",
    [
        "orders: [{customer: str, amount: {type: float, ge: 0}}]",
        "orders: [{type: dict, customer: str, amount: {type: float, ge: 0}}]",
        "orders: {type: [{customer: str, amount: {type: float, ge: 0}}], description: The orders to total}",
    ],
)
def test_a_record_written_in_place_is_a_nested_model_named_after_its_field(written):
    given = (SPECS / "order_totals.yaml").read_text()
    text = given.replace('  orders: {type: "list[Order]", description: The orders to total}', f"  {written}")
    text = text.replace("models:\n  Order: {customer: str, amount: {type: float, ge: 0}}\n", "")
    spec = load_spec(text)
    assert [(f.name, f.type) for f in spec.request] == [("orders", "list[Order]")]
    assert [(m.name, [(f.name, f.type, f.ge) for f in m.fields]) for m in spec.models] == [
        ("Order", [("customer", "str", None), ("amount", "float", 0)])
    ]
    assert check_spec(spec, "") == []


def test_records_in_place_get_names_of_their_own():
    text = SHIPPING.replace(
        "  express: {type: bool, default: false}\n",
        "  express: {type: bool, default: false}\n  entries: [{a: int}]\n  stock: [{b: int}]\n  entry: {c: int}\n",
    )
    spec = load_spec(text)
    assert [f.type for f in spec.request[3:]] == ["list[Entry]", "list[StockItem]", "Entry2"]


def test_a_file_of_an_example_s_setup_may_be_written_as_its_lines():
    setup = ModelExampleSetup.model_validate({"files": {"a.csv": ["amount", "1", "2"], "b.txt": "x"}})
    assert setup.files == {"a.csv": "amount\n1\n2\n", "b.txt": "x"}


@pytest.mark.parametrize(
    ("new", "flagged"),
    [
        # CsvSummer (1.5B): the setup wrote the empty file its FILE_NOT_FOUND example named
        ("{folder: '{dir}', file_name: e.txt}, setup: {files: {e.txt: ''}}, error: FILE_NOT_FOUND", True),
        ("{folder: '{dir}', file_name: no.txt}, setup: {files: {a.txt: x}}, error: FILE_NOT_FOUND", False),
        # the file is there but in another folder than the one the input names: it is missing there
        ("{folder: '{dir}/sub', file_name: e.txt}, setup: {files: {e.txt: ''}}, error: FILE_NOT_FOUND", False),
    ],
)
def test_a_missing_file_example_does_not_write_the_file_it_names(new, flagged):
    text = (SPECS / "line_counter.yaml").read_text()
    old = "{folder: '{dir}', file_name: e.txt}, setup: {files: {e.txt: \"\"}}, output: {lines: 0}"
    assert old in text
    found = [p for p in problems_of(text.replace(old, new, 1)) if "so the file is not missing" in p]
    assert bool(found) is flagged, found
    if flagged:
        assert found[0].startswith("operations[0] (count_lines).examples[1]: its setup writes 'e.txt'")


DEPLOY = (SPECS / "deploy_plan.yaml").read_text()
IN_GIVEN_ORDER = (
    "{steps: [deploy, build, test], dependencies: {deploy: [test], test: [build]}}, output: {order: [build, test, deploy]}"
)


def test_examples_whose_output_is_an_input_handed_through_show_no_rule():
    """DeployPlan's spec from the 1.5B model ordered nothing: every example's ``order`` was its ``steps``, and the
    code written, ``list(steps)``, passed them all. Such examples are sent back; one that reorders is enough."""
    assert problems_of(DEPLOY) == []
    handed_through = DEPLOY.replace(
        IN_GIVEN_ORDER, "{steps: [build, test, deploy], dependencies: {deploy: [test]}}, output: {order: [build, test, deploy]}"
    ).replace("{steps: [c, a, b, a]}, output: {order: [c, a, b]}", "{steps: [c, a, b]}, output: {order: [c, a, b]}")
    found = problems_of(handed_through)
    assert found == [
        "operations[0] (plan_steps): in every example `order` is the request's `steps` unchanged, so no example shows "
        "the rule that makes `order`: add an example whose `order` differs from its `steps` as the rule says"
    ]
    # an id handed back under its own name is no rule left unshown, nor is one example alone
    assert problems_of(handed_through.replace("order", "steps")) == []
