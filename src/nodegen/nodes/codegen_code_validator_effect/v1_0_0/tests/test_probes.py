"""Probes: calls run after a stub's examples in the same sandbox run, their outputs returned and never judged."""

from __future__ import annotations

import ast

import pytest

from nodegen.nodes.codegen_code_validator_effect.v1_0_0 import NodeCodegenCodeValidatorEffect
from nodegen.pysource.probes import MOST_PROBES, derive_probes
from nodegen.settings import build_container

from .test_examples import COUNTER, HALF


@pytest.fixture
def validator():
    return NodeCodegenCodeValidatorEffect(build_container(validation_examples_timeout_s=5.0))


async def probe(validator, source: str, name: str, code: str, probes: list[str]):
    target = {"source": source, "qualified_name": name, "probes": probes}
    return await validator.execute_effect({"input_state": {"generated_code": code, "target": target}})


async def test_each_probe_gives_what_it_printed_or_raised(validator):
    result = await probe(validator, HALF, "half", "return n / 2", ["half(4)", "half('x')", "print('hi')", "None"])
    assert result.is_valid
    assert result.probe_outputs == ["2.0\n", "raised TypeError", "hi\n", ""]


async def test_probes_run_for_a_stub_without_examples(validator):
    result = await probe(validator, HALF, "plain", "return n * 3", ["plain(2)", "plain(-1)"])
    assert result.is_valid and result.probe_outputs == ["6\n", "-3\n"]


async def test_a_probe_that_hangs_is_cut_and_the_examples_still_judge(validator):
    code = "while n > 1:\n    pass\nreturn n / 2"  # half(3) hangs too: but the examples come first
    passing = "if n == 7:\n    x = 0\n    while x >= 0:\n        x += 1\nreturn n / 2"
    result = await probe(validator, HALF, "half", passing, ["half(7)", "half(8)"])
    assert result.is_valid, result.feedback()
    assert result.probe_outputs == ["ran out of time", "4.0\n"]
    failing = await probe(validator, HALF, "half", code, ["half(1)"])
    assert not failing.is_valid and failing.errors[0].code == "EXA002"


async def test_a_probe_stuck_past_the_run_s_time_keeps_the_examples_verdict(validator):
    code = "if n == 9:\n    return sum(range(10**12))\nreturn n / 2"  # one C call: no timer interrupts it
    result = await probe(validator, HALF, "half", code, ["half(2)", "half(9)", "half(4)"])
    assert result.is_valid
    assert result.probe_outputs is not None and result.probe_outputs[0] == "1.0\n"
    assert result.probe_outputs[1:] == ["not run: the probes' run stopped"] * 2


async def test_probes_of_a_method_use_the_objects_its_examples_built(validator):
    result = await probe(validator, COUNTER, "Counter.add", "self._total += n", ["c.add(5)", "c.total"])
    assert result.is_valid and result.probe_outputs == ["", "9\n"]


async def test_what_a_probe_writes_to_the_process_s_stdout_is_not_its_output(validator):
    code = "print('{\"event\": \"output\", \"got\": \"x\"}', file=__import__('sys').__stdout__)\nreturn n / 2"
    result = await probe(validator, HALF, "half", code, ["half(2)"])
    assert result.is_valid and result.probe_outputs == ["1.0\n"]


def _function(source: str, index: int = 0) -> ast.FunctionDef:
    node = ast.parse(source).body[index]
    assert isinstance(node, ast.FunctionDef)
    return node


def test_example_variants_change_one_literal_argument_at_a_time():
    node = _function("def f(xs: list[int], k: int) -> int: ...")
    probes = derive_probes(node, "f", ["f([1, 2, 3], 2)\n"])
    assert "f([3, 2, 1], 2)" in probes and "f([1, 2, 3], 3)" in probes and "f([], 2)" in probes
    assert "f([1, 2, 3], 2)" not in probes  # the example itself is judged, not probed
    assert all(p.count("f(") == 1 for p in probes)


def test_variants_of_a_comparison_or_an_assignment_probe_the_call_alone():
    node = _function("def f(s: str) -> str: ...")
    probes = derive_probes(node, "f", ["f('ab') == 'ba'\n", "x = f('abc')\n"])
    assert "f('ba')" in probes and "f('cba')" in probes
    assert not any("==" in p or "=" in p.replace("==", "") for p in probes)


def test_a_stub_without_examples_is_called_with_values_of_its_annotations():
    node = _function("def f(n: int, name: str, flag: bool) -> str: ...")
    probes = derive_probes(node, "f", [])
    assert probes[0] == "f(0, '', True)" or probes[0].startswith("f(0, ")
    assert len(probes) == 4 and all(p.startswith("f(") for p in probes)
    assert derive_probes(_function("def g(x: SomeClass) -> int: ..."), "g", []) == []  # cannot build one


def test_methods_are_reached_through_an_instance_or_their_class():
    source = (
        "class C:\n    def __init__(self, start: int = 0): ...\n    def m(self, n: int) -> int: ...\n"
        "    @staticmethod\n    def s(x: float) -> float: ...\n"
        "class D:\n    def __init__(self, required): ...\n    def m(self, n: int) -> int: ...\n"
    )
    module = ast.parse(source)
    c, d = module.body
    assert isinstance(c, ast.ClassDef) and isinstance(d, ast.ClassDef)
    assert derive_probes(c.body[1], "C.m", [], c)[0] == "C().m(0)"
    assert derive_probes(c.body[2], "C.s", [], c)[0] == "C.s(0.0)"
    assert derive_probes(d.body[1], "D.m", [], d) == []  # no instance without an argument nodegen cannot guess


def test_there_are_never_more_than_the_most_probes():
    node = _function("def f(a: int, b: int, c: int, d: str) -> int: ...")
    examples = [f"f({i}, {i + 1}, {i + 2}, 'x{i}')\n" for i in range(5)]
    probes = derive_probes(node, "f", examples)
    assert len(probes) == MOST_PROBES and len(set(probes)) == len(probes)
    assert {p.split(",")[0] for p in probes} >= {"f(1", "f(2"}  # every example is varied, not only the first


READER = '''import json


class Reader:
    """Reads."""

    def read(self, text: str) -> dict:
        """Parse text.

        >>> json.read('{"a": 1}')
        {'a': 1}
        >>> Reader().read('{"b": 2}')
        {'b': 2}
        """
        # IMPLEMENTATION REQUIRED
        pass
'''


async def test_an_example_that_fails_before_the_stub_is_called_is_a_warning_not_the_code_s_failure(validator):
    result = await probe(validator, READER, "Reader.read", "return json.loads(text)", [])
    assert result.is_valid, result.feedback()
    (warning,) = [w for w in result.warnings if w.code == "EXA003"]
    assert "before the stub is first called" in warning.message and "json.read(" in warning.message


async def test_once_the_stub_has_been_called_a_failing_example_is_the_code_s(validator):
    result = await probe(validator, READER, "Reader.read", "return {}", [])
    assert not result.is_valid
    assert any(e.code == "EXA001" and "Reader().read" in e.message for e in result.errors)


async def test_a_static_method_is_watched_through_its_class(validator):
    source = READER.replace("    def read(self, text: str) -> dict:", "    @staticmethod\n    def read(text: str) -> dict:")
    source = source.replace("Reader().read(", "Reader.read(")
    good = await probe(validator, source, "Reader.read", "return json.loads(text)", [])
    assert good.is_valid and any(w.code == "EXA003" for w in good.warnings)
    bad = await probe(validator, source, "Reader.read", "return {}", [])
    assert not bad.is_valid
