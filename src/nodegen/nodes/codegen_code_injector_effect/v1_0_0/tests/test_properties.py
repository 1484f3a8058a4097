"""Property: on generated modules, injection changes exactly the stub bodies, and the result parses.

The generator writes each module twice, as the stub file and as the file expected after injection, from the same
pieces; only the body lines differ. So any byte changed outside a body (a comment, a blank line, a line ending, an
indentation character) makes the two differ.
"""

import ast

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ..injection import InjectionOptions, inject
from ..models import ModelCodeInjectionRequest

PLACEHOLDERS = [
    ["pass  # Stub"],
    ["# IMPLEMENTATION REQUIRED: do it", "pass"],
    ["..."],
    ["raise NotImplementedError()"],
]
NOISE = ["# a comment", "", "X = {'a': 1}  # trailing", "import os", "Y = '''text\n# IMPLEMENTATION REQUIRED\n'''"]


@st.composite
def modules(draw):
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    unit = draw(st.sampled_from(["    ", "\t", "  "]))
    stub_lines: list[str] = ['"""Generated."""']
    expected_lines: list[str] = ['"""Generated."""']
    requests: list[dict] = []
    counter = iter(range(10_000))

    def both(line: str) -> None:
        stub_lines.append(line)
        expected_lines.append(line)

    def function(indent: str, prefix: str) -> None:
        name = f"f{next(counter)}"
        if draw(st.booleans()):
            both(f"{indent}@decorator(  {draw(st.integers(0, 9))} )")
        keyword = "async def" if draw(st.booleans()) else "def"
        is_stub = draw(st.integers(0, 3)) > 0
        trailing = draw(st.sampled_from(["", "  # keep me", "  # IMPLEMENTATION REQUIRED"]))
        header = f"{indent}{keyword} {name}(self, a,  b=2, *args, c: int = 3, **kw) -> int:"
        stub_lines.append(header + trailing)
        filled_marker = is_stub and "IMPLEMENTATION" in trailing  # a filled stub loses its marker
        expected_lines.append(header + ("" if filled_marker else trailing))
        body_indent = indent + unit
        if draw(st.booleans()):
            both(f'{body_indent}"""Docstring of {name}."""')
        if not is_stub:
            both(f"{body_indent}return a + b")
            both("")
            return
        stub_lines.extend(body_indent + line for line in draw(st.sampled_from(PLACEHOLDERS)))
        value = next(counter)
        expected_lines.extend([f"{body_indent}total = a + b + {value}", f"{body_indent}return total"])
        answer_indent = draw(st.sampled_from(["", "    ", "        ", "\t"]))
        requests.append(
            {
                "qualified_name": prefix + name,
                "generated_code": f"{answer_indent}total = a + b + {value}\n{answer_indent}return total\n",
            }
        )
        both("")

    for _ in range(draw(st.integers(1, 5))):
        kind = draw(st.sampled_from(["function", "class", "noise"]))
        if kind == "noise":
            for line in draw(st.sampled_from(NOISE)).split("\n"):
                both(line)
        elif kind == "function":
            function("", "")
        else:
            name = f"C{next(counter)}"
            both(f"class {name}(Base):  # a class")
            both(f'{unit}"""Class {name}."""')
            for _ in range(draw(st.integers(1, 3))):
                function(unit, f"{name}.")
    final = draw(st.booleans())
    stub = newline.join(stub_lines) + (newline if final else "")
    expected = newline.join(expected_lines) + (newline if final else "")
    return stub, expected, requests


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(modules())
def test_only_stub_bodies_change(module):
    stub, expected, requests = module
    outcome = inject(stub, [ModelCodeInjectionRequest(**request) for request in requests], InjectionOptions())
    assert [error.message for error in outcome.errors] == []
    assert outcome.source == expected
    ast.parse(outcome.source)
