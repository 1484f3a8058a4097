"""The examples rule: a stub's own docstring examples run against each candidate, in place, in the sandbox."""

from __future__ import annotations

import pytest

from nodegen.infra.sandbox import AUTO
from nodegen.nodes.codegen_code_validator_effect.v1_0_0 import NodeCodegenCodeValidatorEffect
from nodegen.settings import build_container

COUNTER = '''class Counter:
    """Counts."""

    def __init__(self) -> None:
        self._total = 0

    def add(self, n: int) -> None:
        """Add n.

        >>> c = Counter()
        >>> c.add(2)
        >>> c.add(2)
        >>> c.total
        4
        """
        # IMPLEMENTATION REQUIRED

    @property
    def total(self) -> int:
        return self._total
'''

HALF = '''def half(n: int) -> float:
    """Half of n.

    >>> half(3)
    1.5
    """
    # IMPLEMENTATION REQUIRED


def plain(n: int) -> int:
    """No examples here."""
    # IMPLEMENTATION REQUIRED
'''


@pytest.fixture
def validator():
    return NodeCodegenCodeValidatorEffect(build_container(validation_examples_timeout_s=3.0))


async def check(validator, source: str, name: str, code: str, file_path: str | None = None):
    state = {"generated_code": code, "target": {"source": source, "qualified_name": name}}
    if file_path:
        state["file_path"] = file_path
    return await validator.execute_effect({"input_state": state})


async def test_a_body_that_passes_its_examples_is_valid(validator):
    result = await check(validator, COUNTER, "Counter.add", "self._total += n")
    assert result.is_valid, result.feedback()
    assert "examples" in result.rule_timings_ms


async def test_a_failing_example_in_a_sequence_names_the_setup_the_call_and_both_outputs(validator):
    result = await check(validator, COUNTER, "Counter.add", "self._total += n * 2")
    assert not result.is_valid
    (finding,) = result.errors
    assert finding.code == "EXA001"
    assert "after `c = Counter()`, `c.add(2)`, `c.add(2)`, `c.total` expected `4` but got `8`" in finding.message


async def test_an_exception_names_its_line_in_the_new_code(validator):
    result = await check(validator, HALF, "half", "return n // 0")
    (finding,) = result.errors
    assert finding.code == "EXA001" and "raised ZeroDivisionError" in finding.message
    assert "(`return n // 0`)" in finding.message


async def test_the_examples_come_from_the_original_stub_not_from_the_answer(validator):
    answer = 'def half(n: int) -> float:\n    """Half.\n\n    >>> half(3)\n    1\n    """\n    return n // 2\n'
    result = await check(validator, HALF, "half", answer)
    assert [f.code for f in result.errors] == ["EXA001"] and "expected `1.5` but got `1`" in result.errors[0].message


async def test_a_hang_is_stopped_and_reported(validator):
    # `while True: pass` is refused before it runs (LAZY006): this hang only running shows
    result = await check(validator, HALF, "half", "while n == n:\n    pass\nreturn n / 2")
    (finding,) = result.errors
    assert finding.code == "EXA002" and "half(3)" in finding.message and "time limit" in finding.message


async def test_a_forged_report_is_refused_even_where_the_security_rule_is_off():
    # The probe: code wrote the runner's "done" line into its report and ended the process at once (exit 0) before
    # returning a wrong value: filled, exit 0, no finding. The security rule refuses os._exit (SEC037) before
    # anything runs; with it off, the report's token still gives the forgery away.
    forge = (
        "import json, os\n"
        "for fd in range(3, 10):\n"
        "    try:\n"
        "        os.write(fd, (json.dumps({'event': 'done', 'attempted': 1, 'failed': 0}) + '\\n').encode())\n"
        "    except OSError:\n"
        "        pass\n"
        "os._exit(0)\n"
        "return 0.0"
    )
    unchecked = NodeCodegenCodeValidatorEffect(
        build_container(validation_examples_timeout_s=3.0, enable_security_checks=False)
    )
    result = await check(unchecked, HALF, "half", forge)
    (finding,) = result.errors
    assert finding.code == "EXA002" and "wrote into the examples' report" in finding.message
    guarded = await check(NodeCodegenCodeValidatorEffect(build_container()), HALF, "half", forge)
    assert "SEC037" in [f.code for f in guarded.errors] and "examples" not in guarded.rule_timings_ms


async def test_a_stub_without_examples_runs_nothing(validator):
    result = await check(validator, HALF, "plain", "return n")
    assert result.is_valid and result.rule_timings_ms["examples"] < 5.0  # no sandbox started


async def test_module_side_effects_and_writes_stay_in_the_sandbox(validator, tmp_path):
    target = tmp_path / "escaped.txt"
    code = f"open({str(target)!r}, 'w').write('x')\nreturn n / 2"
    await check(validator, HALF, "half", code)
    assert not target.exists()


async def test_siblings_of_the_file_import(validator, tmp_path):
    (tmp_path / "helpers.py").write_text("def halve(n):\n    return n / 2\n")
    source = "from helpers import halve\n\n\n" + HALF
    result = await check(validator, source, "half", "return halve(n)", file_path=str(tmp_path / "mod.py"))
    assert result.is_valid, result.feedback()


async def test_the_setting_turns_the_rule_off():
    validator = NodeCodegenCodeValidatorEffect(build_container(validation_run_examples=False))
    result = await check(validator, HALF, "half", "return n // 2")
    assert result.is_valid and "examples" not in result.rule_timings_ms


async def test_the_environment_variable_turns_the_rule_off(monkeypatch):
    monkeypatch.setenv("NODEGEN_VALIDATION_RUN_EXAMPLES", "false")
    validator = NodeCodegenCodeValidatorEffect(build_container())
    result = await check(validator, HALF, "half", "return n // 2")
    assert result.is_valid


LOOSE = '''def shift(x: int) -> str:
    """Digits as text.

    >>> shift(12)
    "12"
    >>> shift(3) == "3"
    """
    # IMPLEMENTATION REQUIRED
'''


async def test_another_literal_of_the_same_value_and_a_bare_comparison_pass(validator):
    assert (await check(validator, LOOSE, "shift", "return str(x)")).is_valid


async def test_a_bare_comparison_that_does_not_hold_fails(validator):
    result = await check(validator, LOOSE, "shift", "return str(x) + ' '")
    assert [f.code for f in result.errors] == ["EXA001", "EXA001"]
    assert "`shift(3) == \"3\"` does not hold (it is False)" in result.errors[1].message


async def test_a_bare_comparison_that_raises_is_said_to_be_a_comparison_that_should_hold(validator):
    result = await check(validator, LOOSE, "shift", "return str(1 // (x - 3))")
    assert "`shift(3) == \"3\"` should hold but raised ZeroDivisionError" in result.errors[-1].message


@pytest.mark.parametrize("bwrap", [AUTO, None], ids=["bubblewrap", "no-sandbox"])
async def test_examples_never_run_for_code_the_security_rules_refuse(tmp_path, bwrap):
    from nodegen.nodes.codegen_code_validator_effect.v1_0_0.checks import ExampleOptions
    from nodegen.nodes.codegen_code_validator_effect.v1_0_0.engine import ValidatorOptions, validate
    from nodegen.nodes.codegen_code_validator_effect.v1_0_0.models import ModelCodeValidationRequest

    options = ValidatorOptions(examples=ExampleOptions(bwrap=bwrap))

    def request(code: str) -> ModelCodeValidationRequest:
        return ModelCodeValidationRequest(generated_code=code, target={"source": HALF, "qualified_name": "half"})

    wrong = await validate(request("return n // 2"), options)
    assert [f.code for f in wrong.errors] == ["EXA001"]
    marker = tmp_path / "ran"
    dangerous = await validate(request(f"eval(\"open({str(marker)!r}, 'w')\")\nreturn n / 2"), options)
    assert not dangerous.is_valid and "examples" not in dangerous.rule_timings_ms and not marker.exists()


ARROWS = '''def rotate(items: list[int], by: int) -> list[int]:
    """Rotate left by ``by``.

    For example:
        rotate([1, 2, 3], 1) -> [2, 3, 1]
        rotate([1, 2, 3], 0) == [1, 2, 3]
        rotate([], 4) returns []
    """
    # IMPLEMENTATION REQUIRED


def area(w: float, h: float) -> float | None:
    """Area, or None when a side is negative: area(3, 2) ==> 6.00, and area(-1, 2) => None."""
    # IMPLEMENTATION REQUIRED
'''


async def test_an_example_written_with_an_arrow_is_run_and_its_failure_reported(validator):
    result = await check(validator, ARROWS, "rotate", "return items[-by:] + items[:-by] if items else []")
    assert [f.code for f in result.errors] == ["EXA001"]
    (finding,) = result.errors
    assert "`rotate([1, 2, 3], 1)` expected `[2, 3, 1]` but got `[3, 1, 2]`" in finding.message
    assert "after" not in finding.message  # arrow examples stand alone: none is the setup of another


async def test_arrow_examples_compare_values_as_the_docstring_writes_them(validator):
    rotate = "if not items:\n    return []\nby %= len(items)\nreturn items[by:] + items[:by]"
    assert (await check(validator, ARROWS, "rotate", rotate)).is_valid
    area = "return None if w < 0 or h < 0 else float(w * h)"  # 6.0 for `6.00`; None prints nothing
    assert (await check(validator, ARROWS, "area", area)).is_valid
    wrong = await check(validator, ARROWS, "area", "return w * h")
    assert [f.code for f in wrong.errors] == ["EXA001"] and "`area(-1, 2)` expected `None` but got `-2`" in (
        wrong.errors[0].message
    )


NAMED = '''def top(arr: list[int], k: int) -> list[int]:
    """The k largest of arr, sorted.

    Example:
        Input: arr = [-3, -4, 5], k = 2
        Output: [-3, 5]

    For arr = [4, -4, 4], k = 1, the output should be [4]
    """
    # IMPLEMENTATION REQUIRED
'''


async def test_an_example_that_names_the_arguments_is_run_as_a_call_of_the_stub(validator):
    assert (await check(validator, NAMED, "top", "return sorted(sorted(arr)[len(arr) - k:])")).is_valid
    wrong = await check(validator, NAMED, "top", "return sorted(arr)[:k]")
    assert [f.code for f in wrong.errors] == ["EXA001", "EXA001"]
    assert "`top(arr = [-3, -4, 5], k = 2)` expected `[-3, 5]` but got `[-4, -3]`" in wrong.errors[0].message


UNBOUND = COUNTER.replace("        >>> c = Counter()\n", "").replace(">>> c.", ">>> counter.")
NEEDS_ARGUMENTS = UNBOUND.replace("def __init__(self) -> None:", "def __init__(self, start: int) -> None:")


async def test_a_name_the_examples_use_as_an_instance_and_never_bind_is_one(validator):
    # ClassEval's way, and many docstrings': `system.add_movie(...)` with no `system = ...` (45 of its 211 methods'
    # examples failed before the stub was called, for this alone, and so said nothing of the code)
    assert ">>> counter.add(2)" in UNBOUND and "Counter()" not in UNBOUND.split('"""')[3]
    assert (await check(validator, UNBOUND, "Counter.add", "self._total += n")).is_valid
    result = await check(validator, UNBOUND, "Counter.add", "self._total += n * 2")
    (finding,) = result.errors
    assert finding.code == "EXA001"
    assert "with `counter = Counter()`: after `counter.add(2)`, `counter.add(2)`, `counter.total` expected `4`" in (
        finding.message
    )


async def test_a_class_its_examples_cannot_make_with_no_arguments_is_left_unbound(validator):
    result = await check(validator, NEEDS_ARGUMENTS, "Counter.add", "self._total += n * 2")
    assert result.is_valid and [w.code for w in result.warnings] == ["EXA003"]
    assert "name 'counter' is not defined" in result.warnings[0].message


CART = '''class Cart:
    """Items by name."""

    def __init__(self) -> None:
        self.items: dict[str, dict[str, int]] = {}

    def add_item(self, name: str, price: int, quantity: int) -> int:
        """Add an item; the number of items.

        >>> cart.add_item("apple", 1, 5)
        self.items = {"apple": {"price": 1, "quantity": 5}}
        """
        # IMPLEMENTATION REQUIRED
'''


async def test_an_output_that_states_attributes_after_a_call_is_checked_on_the_receiver(validator):
    # ClassEval's way: the output line states the object's state, not what the call prints (it returns a count)
    right = "self.items[name] = {'price': price, 'quantity': quantity}\nreturn len(self.items)"
    assert (await check(validator, CART, "Cart.add_item", right)).is_valid
    result = await check(validator, CART, "Cart.add_item", "self.items[name] = {'price': price}\nreturn 1")
    (finding,) = result.errors
    assert finding.code == "EXA001" and "`cart.items == {'apple': {'price': 1, 'quantity': 5}}` does not hold" in (
        finding.message
    )


async def test_a_call_written_with_no_output_line_states_no_value_but_must_not_raise(validator):
    unstated = COUNTER.replace("        >>> c.total\n        4\n", "")
    assert (await check(validator, unstated, "Counter.add", "self._total += n\nreturn self._total")).is_valid
    result = await check(validator, unstated, "Counter.add", "raise KeyError(n)")
    assert [f.code for f in result.errors] == ["EXA001", "EXA001"] and "raised KeyError" in result.errors[0].message
