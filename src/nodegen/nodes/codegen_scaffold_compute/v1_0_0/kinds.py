"""What each node kind's package holds: the business method (a marked stub with a docstring that states its contract),
the request and response fields, and the contract tests the filled method must pass."""

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
    method_doc: str
    method_example: str  # doctest lines (``{class_name}``, ``{name}`` filled in): the stub's own spec, run on each fill
    method_note: str
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
        method_doc=(
            "Clean every record of ``request.records``.\n\n"
            "A record with no keys is skipped when ``request.drop_empty`` is true (the default) and kept as it is\n"
            "otherwise. Every kept record comes back, in the given order, with each key stripped of surrounding\n"
            "whitespace and lower-cased (values unchanged). ``processed_count`` is the number of records returned,\n"
            "``skipped_count`` the number left out."
        ),
        method_example=""">>> import asyncio
>>> from nodegen.onex.testing import create_test_container
>>> node = {class_name}(create_test_container())
>>> request = Model{name}Request(records=[{{" Name ": "Ada", "AGE": 36}}, {{}}, {{"City": "Paris"}}])
>>> response = asyncio.run(node._process_records(request))
>>> response.results, response.processed_count, response.skipped_count
([{{'name': 'Ada', 'age': 36}}, {{'city': 'Paris'}}], 2, 1)""",
        method_note="strip and lower-case the keys, skip empty records unless drop_empty is false",
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
        method_doc=(
            "Summarize ``request.values``: ``count``, ``total``, ``mean``, ``minimum`` and ``maximum``.\n\n"
            "``total``, ``mean``, ``minimum`` and ``maximum`` are rounded with ``round(x, request.precision)``.\n"
            "For no values, ``count`` is 0, ``total`` is 0.0 and ``mean``, ``minimum`` and ``maximum`` are None.\n"
            "Pure: no I/O."
        ),
        method_example=""">>> from nodegen.onex.testing import create_test_container
>>> node = {class_name}(create_test_container())
>>> response = node._summarize(Model{name}Request(values=[1, 2, 3.5]))
>>> response.count, response.total, response.mean, response.minimum, response.maximum
(3, 6.5, 2.17, 1.0, 3.5)
>>> empty = node._summarize(Model{name}Request(values=[]))
>>> empty.count, empty.total, empty.mean, empty.minimum, empty.maximum
(0, 0.0, None, None, None)""",
        method_note="count, total, mean, min, max of the values, rounded to request.precision",
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
        method_doc=(
            "Sum ``value`` per ``key`` over ``request.events``.\n\n"
            "An event whose ``key`` is not a string or whose ``value`` is not a number (int or float; bool is not a\n"
            "number) is skipped and counted in ``skipped``. ``totals`` maps each key to the float sum of its\n"
            "values and ``counts`` to how many events it had; both are in alphabetical order of keys. Pure: no I/O."
        ),
        method_example=""">>> from nodegen.onex.testing import create_test_container
>>> node = {class_name}(create_test_container())
>>> events = [{{"key": "b", "value": 2}}, {{"key": "a", "value": 1.5}}, {{"key": "a", "value": True}}]
>>> response = node._reduce(Model{name}Request(events=events))
>>> response.totals, response.counts, response.skipped
({{'a': 1.5, 'b': 2.0}}, {{'a': 1, 'b': 1}}, 1)""",
        method_note="sum value per key, skip and count malformed events, keys in alphabetical order",
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
        method_doc=(
            "Order ``request.steps`` so that every step comes after the steps it depends on.\n\n"
            "``request.dependencies`` maps a step to the steps that must run before it; a dependency that is not\n"
            "among the steps is ignored. Otherwise the given order is kept (a stable topological sort; a step listed\n"
            "twice counts once). ``count`` is the number of steps in ``order``. A cycle raises ``ModelOnexError``\n"
            "with ``EnumCoreErrorCode.VALIDATION_ERROR`` and a message that names a step of the cycle."
        ),
        method_example=""">>> import asyncio
>>> from nodegen.onex.testing import create_test_container
>>> node = {class_name}(create_test_container())
>>> dependencies = {{"deploy": ["test"], "test": ["build"]}}
>>> request = Model{name}Request(steps=["deploy", "build", "test"], dependencies=dependencies)
>>> response = asyncio.run(node._plan(request))
>>> response.order, response.count
(['build', 'test', 'deploy'], 3)""",
        method_note="stable topological sort of the steps; a cycle is a VALIDATION_ERROR",
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
