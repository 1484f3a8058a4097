"""Property: on generated modules, exactly the functions marked in their own body are found, in source order."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nodegen.nodes.codegen_stub_extractor_effect.v1_0_0.extraction import extract_stubs

PATTERNS = ["# IMPLEMENTATION REQUIRED", "pass  # Stub"]

# How a function's body is written; the flag says whether that makes the function itself a stub.
BODIES = {
    "comment_marker": (["# IMPLEMENTATION REQUIRED: note", "pass"], True),
    "pass_stub": (["pass  # Stub"], True),
    "trailing_marker": (["return 1", "# implementation required"], True),
    "statement_marker": (["x = 1  # IMPLEMENTATION REQUIRED", "return x"], True),
    "docstring_only": (['"""# IMPLEMENTATION REQUIRED is only text here."""', "return None"], False),
    "string_marker": (['value = "# IMPLEMENTATION REQUIRED"', "return value"], False),
    "plain": (["return 42"], False),
}


@st.composite
def modules(draw):
    """A module of classes and functions (some nested) and the qualified names that must be found."""
    lines: list[str] = ['"""Generated."""', "import os", ""]
    expected: list[str] = []
    counter = iter(range(10_000))

    def function(indent: str, prefix: str, depth: int) -> None:
        name = f"f{next(counter)}"
        qualified = prefix + name
        kind = draw(st.sampled_from(sorted(BODIES)))
        body, is_stub = BODIES[kind]
        is_async = draw(st.booleans())
        decorated = draw(st.booleans())
        if decorated:
            lines.append(f"{indent}@decorator")
        lines.append(f"{indent}{'async ' if is_async else ''}def {name}(self, a: int = 1) -> int:")
        if is_stub:
            expected.append(qualified)
        if depth < 2 and draw(st.booleans()):
            function(indent + "    ", qualified + ".<locals>.", depth + 1)
        lines.extend(indent + "    " + line for line in body)
        lines.append("")

    def klass(indent: str, prefix: str, depth: int) -> None:
        name = f"C{next(counter)}"
        lines.append(f"{indent}class {name}:")
        lines.append(f'{indent}    """Class {name}."""')
        for _ in range(draw(st.integers(1, 3))):
            if depth < 2 and draw(st.integers(0, 4)) == 0:
                klass(indent + "    ", f"{prefix}{name}.", depth + 1)
            else:
                function(indent + "    ", f"{prefix}{name}.", depth)
        lines.append("")

    for _ in range(draw(st.integers(1, 6))):
        if draw(st.booleans()):
            klass("", "", 0)
        else:
            function("", "", 0)
    return "\n".join(lines) + "\n", expected


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(modules(), st.sampled_from(["\n", "\r\n"]))
def test_exactly_the_marked_functions_are_found(module, newline):
    source, expected = module
    found = extract_stubs(source.replace("\n", newline), PATTERNS).stubs
    assert [stub.qualified_name for stub in found] == expected
    for stub in found:
        assert stub.signature.startswith(("def ", "async def "))
        assert stub.signature.endswith("-> int")
