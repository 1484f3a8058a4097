"""What each node kind's package holds: the business logic as a pure function of plain values (a marked stub whose
docstring states its contract, with examples), the node's method that calls it with the request's fields and builds
the response, the request and response fields, and the contract tests the filled package must pass.

The stub is a module-level function of plain values because that is what a small model writes well (the shape of
HumanEval): a method reading pydantic models defined in other files was beyond the 0.5B model in 5 of 5 prompts."""

from __future__ import annotations

from dataclasses import dataclass

from .models import EnumNodeKind, ModelFieldSpec


@dataclass(frozen=True, slots=True)
class KindTemplate:
    """The kind-specific parts of a package."""

    base_class: str
    contract_class: str
    entry_point: str
    method: str
    method_async: bool
    method_body: str  # the method's implemented body (``{name}`` filled in): the function's result as the response
    function: str  # the stub: its signature
    function_doc: str  # its docstring, examples included: the stub's own spec, run on each fill
    note: str  # the marker's note (and the contract's operation description)
    input_fields: tuple[ModelFieldSpec, ...]
    output_fields: tuple[ModelFieldSpec, ...]
    sample_input: str
    tests: str


def _f(name: str, type_: str, description: str, default: str | None = None) -> ModelFieldSpec:
    return ModelFieldSpec(name=name, type=type_, description=description, default=default)


KINDS: dict[EnumNodeKind, KindTemplate] = {
    EnumNodeKind.EFFECT: KindTemplate(
        base_class="NodeEffect",
        contract_class="ModelContractEffect",
        entry_point="execute_effect",
        method="_process_records",
        method_async=True,
        method_body=(
            "results, skipped = _clean_records(request.records, request.drop_empty)\n"
            "return Model{name}Response(results=results, processed_count=len(results), skipped_count=skipped)"
        ),
        function=(
            "def _clean_records(records: list[dict[str, Any]], drop_empty: bool = True)"
            " -> tuple[list[dict[str, Any]], int]:"
        ),
        function_doc=(
            "Clean the records, in order: every key stripped of surrounding whitespace and lower-cased, the values\n"
            "unchanged.\n"
            "\n"
            "An empty record is left out when ``drop_empty`` is true and kept as it is otherwise. Return the cleaned\n"
            "records and how many were left out.\n"
            "\n"
            '>>> _clean_records([{" Name ": "Ada", "AGE": 36}, {}, {"City": "Paris"}])\n'
            "([{'name': 'Ada', 'age': 36}, {'city': 'Paris'}], 1)\n"
            '>>> _clean_records([{"A": 1}, {}], drop_empty=False)\n'
            "([{'a': 1}, {}], 0)"
        ),
        note="strip and lower-case the keys, skip empty records unless drop_empty is false",
        input_fields=(
            _f("records", "list[dict[str, Any]]", "The records to process"),
            _f("drop_empty", "bool", "Leave out records with no keys", "default=True"),
        ),
        output_fields=(
            _f("results", "list[dict[str, Any]]", "The processed records, in order"),
            _f("processed_count", "int", "Records returned"),
            _f("skipped_count", "int", "Records left out"),
        ),
        sample_input='{"records": [{" Name ": "Ada"}]}',
        tests='''async def test_keys_are_cleaned_and_empty_records_skipped(node: {class_name}) -> None:
    """Keys are cleaned and empty records skipped."""
    result = await _call(node, {{"records": [{{" Name ": "Ada", "AGE": 36}}, {{}}, {{"City": "Paris"}}]}})
    assert isinstance(result, Model{name}Response)
    assert result.results == [{{"name": "Ada", "age": 36}}, {{"city": "Paris"}}]
    assert (result.processed_count, result.skipped_count) == (2, 1)


async def test_empty_records_are_kept_when_asked(node: {class_name}) -> None:
    """Empty records are kept when asked."""
    result = await _call(node, {{"records": [{{"A": 1}}, {{}}], "drop_empty": False}})
    assert result.results == [{{"a": 1}}, {{}}]
    assert (result.processed_count, result.skipped_count) == (2, 0)


async def test_no_records_gives_an_empty_result(node: {class_name}) -> None:
    """No records gives an empty result."""
    result = await _call(node, {{"records": []}})
    assert (result.results, result.processed_count, result.skipped_count) == ([], 0, 0)
''',
    ),
    EnumNodeKind.COMPUTE: KindTemplate(
        base_class="NodeCompute",
        contract_class="ModelContractCompute",
        entry_point="execute_compute",
        method="_summarize",
        method_async=False,
        method_body=(
            "count, total, mean, minimum, maximum = _summary(request.values, request.precision)\n"
            "return Model{name}Response(count=count, total=total, mean=mean, minimum=minimum, maximum=maximum)"
        ),
        function=(
            "def _summary(values: list[float], precision: int = 2)"
            " -> tuple[int, float, float | None, float | None, float | None]:"
        ),
        function_doc=(
            "The count, total, mean, minimum and maximum of ``values``.\n"
            "\n"
            "The total, mean, minimum and maximum are floats rounded with ``round(x, precision)``. For no values the\n"
            "count is 0, the total 0.0 and the mean, minimum and maximum None. Pure: no I/O.\n"
            "\n"
            ">>> _summary([1, 2, 3.5])\n"
            "(3, 6.5, 2.17, 1.0, 3.5)\n"
            ">>> _summary([1, 2], precision=0)\n"
            "(2, 3.0, 2.0, 1.0, 2.0)\n"
            ">>> _summary([])\n"
            "(0, 0.0, None, None, None)"
        ),
        note="count, total, mean, min, max of the values, rounded to precision",
        input_fields=(
            _f("values", "list[float]", "The numbers to summarize"),
            _f("precision", "int", "Digits after the decimal point", "default=2"),
        ),
        output_fields=(
            _f("count", "int", "How many values"),
            _f("total", "float", "Their sum"),
            _f("mean", "float | None", "Their mean (None for no values)"),
            _f("minimum", "float | None", "The smallest (None for no values)"),
            _f("maximum", "float | None", "The largest (None for no values)"),
        ),
        sample_input='{"values": [1.0]}',
        tests='''async def test_values_are_summarized(node: {class_name}) -> None:
    """Values are summarized."""
    result = await _call(node, {{"values": [1, 2, 3.5]}})
    assert isinstance(result, Model{name}Response)
    assert (result.count, result.total, result.mean) == (3, 6.5, 2.17)
    assert (result.minimum, result.maximum) == (1.0, 3.5)


async def test_precision_is_applied(node: {class_name}) -> None:
    """Precision is applied."""
    result = await _call(node, {{"values": [1, 2], "precision": 0}})
    assert (result.total, result.mean) == (3.0, 2.0)


async def test_no_values(node: {class_name}) -> None:
    """No values."""
    result = await _call(node, {{"values": []}})
    assert (result.count, result.total, result.mean, result.minimum, result.maximum) == (0, 0.0, None, None, None)
''',
    ),
    EnumNodeKind.REDUCER: KindTemplate(
        base_class="NodeReducer",
        contract_class="ModelContractReducer",
        entry_point="execute_reduction",
        method="_reduce",
        method_async=False,
        method_body=(
            "totals, counts, skipped = _sum_per_key(request.events)\n"
            "return Model{name}Response(totals=totals, counts=counts, skipped=skipped)"
        ),
        function="def _sum_per_key(events: list[dict[str, Any]]) -> tuple[dict[str, float], dict[str, int], int]:",
        function_doc=(
            'Sum the ``"value"`` of the events per ``"key"``.\n'
            "\n"
            "Return the totals (float sums) per key, the number of events per key, both with their keys in\n"
            'alphabetical order, and how many events were skipped: an event is skipped when its ``"key"`` is not a\n'
            'string or its ``"value"`` is not an int or a float (a bool is not a number). Pure: no I/O.\n'
            "\n"
            '>>> _sum_per_key([{"key": "b", "value": 2}, {"key": "a", "value": 1.5}, {"key": "a", "value": True}])\n'
            "({'a': 1.5, 'b': 2.0}, {'a': 1, 'b': 1}, 1)"
        ),
        note="sum value per key, skip and count malformed events, keys in alphabetical order",
        input_fields=(_f("events", "list[dict[str, Any]]", "Events with a 'key' and a numeric 'value'"),),
        output_fields=(
            _f("totals", "dict[str, float]", "Sum of values per key"),
            _f("counts", "dict[str, int]", "Events per key"),
            _f("skipped", "int", "Malformed events left out"),
        ),
        sample_input='{"events": []}',
        tests='''async def test_values_are_summed_per_key(node: {class_name}) -> None:
    """Values are summed per key."""
    events = [{{"key": "b", "value": 2}}, {{"key": "a", "value": 1.5}}, {{"key": "b", "value": 3}}]
    result = await _call(node, {{"events": events}})
    assert isinstance(result, Model{name}Response)
    assert result.totals == {{"a": 1.5, "b": 5.0}} and list(result.totals) == ["a", "b"]
    assert result.counts == {{"a": 1, "b": 2}} and result.skipped == 0


async def test_malformed_events_are_skipped_and_counted(node: {class_name}) -> None:
    """Malformed events are skipped and counted."""
    events = [
        {{"key": "a", "value": True}},
        {{"key": 1, "value": 2}},
        {{"value": 3}},
        {{"key": "a", "value": "4"}},
        {{"key": "a", "value": 1}},
    ]
    result = await _call(node, {{"events": events}})
    assert (result.totals, result.counts, result.skipped) == ({{"a": 1.0}}, {{"a": 1}}, 4)
''',
    ),
    EnumNodeKind.ORCHESTRATOR: KindTemplate(
        base_class="NodeOrchestrator",
        contract_class="ModelContractOrchestrator",
        entry_point="execute_orchestration",
        method="_plan",
        method_async=True,
        method_body=(
            "order = _plan_steps(request.steps, request.dependencies)\n"
            "return Model{name}Response(order=order, count=len(order))"
        ),
        function="def _plan_steps(steps: list[str], dependencies: dict[str, list[str]]) -> list[str]:",
        function_doc=(
            "Order ``steps`` so that every step comes after the steps it depends on.\n"
            "\n"
            "``dependencies`` maps a step to the steps that must run before it; a dependency that is not among the\n"
            "steps is ignored. Otherwise the given order is kept (a stable topological sort; a step listed twice\n"
            "counts once). A cycle raises ``ModelOnexError`` with ``EnumCoreErrorCode.VALIDATION_ERROR`` and a\n"
            "message that names a step of it.\n"
            "\n"
            '>>> _plan_steps(["deploy", "build", "test"], {"deploy": ["test"], "test": ["build"]})\n'
            "['build', 'test', 'deploy']\n"
            '>>> _plan_steps(["c", "a", "b", "a"], {})\n'
            "['c', 'a', 'b']"
        ),
        note="stable topological sort of the steps; a cycle is a VALIDATION_ERROR",
        input_fields=(
            _f("steps", "list[str]", "The steps to run"),
            _f("dependencies", "dict[str, list[str]]", "Steps that must run before each step", "default_factory=dict"),
        ),
        output_fields=(
            _f("order", "list[str]", "The steps in an order that respects the dependencies"),
            _f("count", "int", "Steps in the order"),
        ),
        sample_input='{"steps": ["a"]}',
        tests='''async def test_the_given_order_is_kept_without_dependencies(node: {class_name}) -> None:
    """The given order is kept without dependencies."""
    result = await _call(node, {{"steps": ["c", "a", "b", "a"]}})
    assert isinstance(result, Model{name}Response)
    assert (result.order, result.count) == (["c", "a", "b"], 3)


async def test_dependencies_come_first(node: {class_name}) -> None:
    """Dependencies come first."""
    dependencies = {{"deploy": ["test"], "test": ["build"], "build": ["fetch"]}}
    result = await _call(node, {{"steps": ["deploy", "build", "test"], "dependencies": dependencies}})
    assert result.order == ["build", "test", "deploy"]


async def test_a_cycle_is_a_validation_error(node: {class_name}) -> None:
    """A cycle is a validation error."""
    with pytest.raises(ModelOnexError) as raised:
        await _call(node, {{"steps": ["a", "b"], "dependencies": {{"a": ["b"], "b": ["a"]}}}})
    assert raised.value.error_code is EnumCoreErrorCode.VALIDATION_ERROR
''',
    ),
}

__all__ = ["KINDS", "KindTemplate"]
