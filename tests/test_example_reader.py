"""Which examples a docstring gives: doctest's, and the function's own calls written with an arrow."""

from __future__ import annotations

import pytest

from nodegen.nodes.codegen_code_validator_effect.v1_0_0.checks.example_reader import DocExample, read_examples


def arrows(docstring: str, function: str | None = "f") -> list[tuple[str, str]]:
    return [(e.source.strip(), e.want.strip()) for e in read_examples(docstring, function) if e.equal]


@pytest.mark.parametrize(
    ("line", "call", "want"),
    [
        ("f(1) == 2", "f(1)", "2"),
        ("f([1, 2]) -> [2, 1]", "f([1, 2])", "[2, 1]"),
        ("f('a') ➞ True", "f('a')", "True"),
        ("f('a')=>'b'", "f('a')", "'b'"),
        ("f(3) ==> (1, 2)", "f(3)", "(1, 2)"),
        ("f(-2, x=1.5) returns -3.0", "f(-2, x=1.5)", "-3.0"),
        ('f({"a": 1}) should return False.', 'f({"a": 1})', "False"),
        ('f(5)   # returns "db101db"', "f(5)", '"db101db"'),
        ("f(5) # => 'Yes'", "f(5)", "'Yes'"),
        ("f(5) returns [1, 5] # the odd ones", "f(5)", "[1, 5]"),
        ("* f(2) -> [0]", "f(2)", "[0]"),
        ("for f(7, 34) == 34", "f(7, 34)", "34"),
        ("f(')') == ')('", "f(')')", "')('"),
    ],
)
def test_an_arrow_example_is_read_as_written(line, call, want):
    assert arrows(f"Doc.\n\n    {line}\n    ") == [(call, want)]


@pytest.mark.parametrize(
    "line",
    [
        "f(1) = 3",  # a definition as often as a result
        "f(n) = 1 + n / 2",
        "f(a) => False",  # a name, not a literal argument
        "f(1) => true",  # not a Python literal
        "f(1) returns the sum of its digits",
        "f(2) == 1 + 9 = 10",
        'f("Earth") ==> ("Venus")',  # a one-tuple or a string: two readings
        "g(1) == 2",  # another function
        "obj.f(1) == 2",
        "f(1) (and then more) == 2",
        "Write a function f() that returns the smallest element.",
    ],
)
def test_prose_and_ambiguous_lines_are_not_read(line):
    assert arrows(f"Doc.\n\n    {line}\n    ") == []


def test_a_call_over_several_lines_is_one_example():
    doc = "Rows.\n\n    f([\n      [1, 2],\n      [3, 4]\n    ], 1) == [(0, 0)]\n    "
    assert arrows(doc) == [("f([ [1, 2], [3, 4] ], 1)", "[(0, 0)]")]


def test_examples_come_in_line_order_and_doctest_lines_are_not_read_twice():
    doc = "Doc.\n\n    f(0) -> 1\n    >>> f(1) == 2\n    True\n    >>> f(2)\n    f(2) -> 3\n\n    f(4) -> 5\n    "
    examples = read_examples(doc, "f")
    assert examples == [
        DocExample("f(0)\n", "1\n", 2, equal=True),
        DocExample("f(1) == 2\n", "True\n", 3),
        DocExample("f(2)\n", "f(2) -> 3\n", 5),  # doctest's expected output, not an arrow example
        DocExample("f(4)\n", "5\n", 8, equal=True),
    ]


def test_a_method_gets_only_its_doctest_examples():
    doc = "Doc.\n\n    >>> C().f(1)\n    2\n    f(3) -> 4\n    "
    assert [e.source for e in read_examples(doc, None)] == ["C().f(1)\n"]


def test_doctest_examples_that_do_not_parse_raise_value_error():
    with pytest.raises(ValueError):
        read_examples("Doc.\n\n    >>> f(1)\n  2\n", "f")
