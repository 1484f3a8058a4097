"""Which examples a docstring gives: doctest's, and the function's own calls written with an arrow."""

from __future__ import annotations

import ast

import pytest

from nodegen.nodes.codegen_code_validator_effect.v1_0_0.checks.example_reader import (
    DocExample,
    parameter_names,
    read_examples,
)


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
        ("f(12, 15) = 14", "f(12, 15)", "14"),  # a single `=` where nothing defines f by equations
    ],
)
def test_an_arrow_example_is_read_as_written(line, call, want):
    assert arrows(f"Doc.\n\n    {line}\n    ") == [(call, want)]


@pytest.mark.parametrize(
    "line",
    [
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


def test_a_single_equals_sign_is_a_definition_once_the_docstring_defines_by_equations():
    doc = "Tribonacci.\n\n    tri(1) = 3\n    tri(n) = 1 + n / 2, if n is even.\n    tri(3) = [1, 3, 2, 8]\n    "
    assert arrows(doc, "tri") == []
    assert arrows("Tribonacci.\n\n    tri(3) = [1, 3, 2, 8]\n    tri(0) == [1]\n", "tri") == [
        ("tri(3)", "[1, 3, 2, 8]"),
        ("tri(0)", "[1]"),
    ]


def named(docstring: str, parameters: list[str]) -> list[tuple[str, str]]:
    return [(e.source.strip(), e.want.strip()) for e in read_examples(docstring, "f", parameters) if e.equal]


@pytest.mark.parametrize(
    ("lines", "parameters", "call", "want"),
    [
        ("For lst = [1,2,3] the output should be 14", ["lst"], "f(lst = [1,2,3])", "14"),
        ('For num = "AB" the output should be 1.', ["num"], 'f(num = "AB")', "1"),
        ('for s = "abcde", c = "ae", the result should be (\'bcd\',False)', ["s", "c"],
         'f(s = "abcde", c = "ae")', "('bcd',False)"),
        ("Input: arr = [-3, -4, 5], k = 3\n        Output: [-4, -3, 5]", ["arr", "k"],
         "f(arr = [-3, -4, 5], k = 3)", "[-4, -3, 5]"),
        ("Input: arr = [111,21], k = 4\n\n    Output: 24 # sum of 21 + 3", ["arr", "k"], "f(arr = [111,21], k = 4)", "24"),
        ("Input: [4,2,3]\n    Output: [2, 1]", ["arr"], "f([4,2,3])", "[2, 1]"),
        ("Input: k = 3, arr = []\n    Output: []", ["arr", "k"], "f(k = 3, arr = [])", "[]"),
    ],
)
def test_an_example_that_names_the_arguments_is_read(lines, parameters, call, want):
    assert named(f"Doc.\n\n    {lines}\n    ", parameters) == [(call, want)]


@pytest.mark.parametrize(
    ("lines", "parameters"),
    [
        ("For lst = [1,2,3] the output should be 14", ["lst", "k"]),  # k not given
        ("For n = 5 the output should be 5", ["lst"]),  # not its parameter
        ("For N = 1000, the sum of digits will be 1 the output should be '1'.", ["N"]),  # prose between
        ("For lst = [x, 2] the output should be 3", ["lst"]),  # a name, not a literal
        ("For lst = [1] the output should be the sum", ["lst"]),
        ("Input: [4,2,3]\n    Output: [2, 1]", ["arr", "k"]),  # unnamed, but two parameters
        ("Input: 3, 4\n    Output: 7", ["a", "b"]),
        ("Input: arr = [1]\n    Explanation: none\n    Output: 1", ["arr"]),  # the output must come next
        ("Input: n = 1, n = 2\n    Output: 1", ["n"]),
    ],
)
def test_named_lines_that_are_not_an_exact_call_are_not_read(lines, parameters):
    assert named(f"Doc.\n\n    {lines}\n    ", parameters) == []


def test_named_examples_need_the_parameters_and_a_module_level_function():
    doc = "Doc.\n\n    For n = 2 the output should be 4\n    "
    assert named(doc, []) == []
    assert [e.source for e in read_examples(doc, None, ["n"])] == []


def test_parameter_names_are_those_that_can_be_passed_by_keyword():
    def first(source: str) -> ast.FunctionDef:
        node = ast.parse(source).body[0]
        assert isinstance(node, ast.FunctionDef)
        return node

    assert parameter_names(first("def f(a, b=1, *, c): pass")) == ["a", "b", "c"]
    assert parameter_names(first("def f(a, /, b): pass")) == []
    assert parameter_names(first("def f(a, *rest): pass")) == []
