"""What each stub records: names, exact signature, decorators, docstring, lines, indentation and context."""

import textwrap

from nodegen.nodes.codegen_stub_extractor_effect.v1_0_0.extraction import MAX_SIBLING_SIGNATURES, extract_stubs

DEFAULT = ["# IMPLEMENTATION REQUIRED", "pass  # Stub"]

NODE = '''\
"""Inventory node."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Mapping


class Inventory(BaseNode, metaclass=Registry):
    """Keeps stock levels."""

    unit: str = "pcs"
    limit = 10

    def __init__(self, container: Any) -> None:
        self.container = container

    class Snapshot:
        """A frozen view."""

        @classmethod
        @cache(size=3)
        def diff(
            cls,
            older: Mapping[str, int],  # the baseline
            /,
            newer: "Mapping[str, int]" = None,
            *args: Any,
            strict: bool = False,
            **options: Any,
        ) -> dict[str, int]:  # changed keys only
            """Compare two snapshots.

            Returns the keys whose counts differ.
            """
            # IMPLEMENTATION REQUIRED: compare key by key
            pass

    async def reserve(self, sku: str, qty: int = 1) -> bool:
        # IMPLEMENTATION REQUIRED
        ...

    def release(self, sku: str) -> None:
        return None
'''


def stubs_of(source: str, **options):
    return {stub.qualified_name: stub for stub in extract_stubs(source, DEFAULT, **options).stubs}


def test_qualified_name_follows_the_class_chain():
    assert list(stubs_of(NODE)) == ["Inventory.Snapshot.diff", "Inventory.reserve"]


def test_plain_name_is_the_function_name():
    assert stubs_of(NODE)["Inventory.Snapshot.diff"].name == "diff"


def test_signature_is_the_exact_multi_line_source_without_the_colon():
    expected = (
        "def diff(\n"
        "            cls,\n"
        "            older: Mapping[str, int],  # the baseline\n"
        "            /,\n"
        '            newer: "Mapping[str, int]" = None,\n'
        "            *args: Any,\n"
        "            strict: bool = False,\n"
        "            **options: Any,\n"
        "        ) -> dict[str, int]"
    )
    assert stubs_of(NODE)["Inventory.Snapshot.diff"].signature == expected


def test_async_signature_keeps_async_and_defaults():
    stub = stubs_of(NODE)["Inventory.reserve"]
    assert stub.signature == "async def reserve(self, sku: str, qty: int = 1) -> bool"
    assert stub.is_async is True


def test_decorators_are_recorded_in_order_as_source():
    stub = stubs_of(NODE)["Inventory.Snapshot.diff"]
    assert stub.decorators == ["@classmethod", "@cache(size=3)"]
    assert stub.first_decorator_line == 24


def test_line_number_is_the_def_line_not_the_decorator():
    assert stubs_of(NODE)["Inventory.Snapshot.diff"].line_number == 26


def test_docstring_is_cleaned():
    assert (
        stubs_of(NODE)["Inventory.Snapshot.diff"].docstring
        == "Compare two snapshots.\n\nReturns the keys whose counts differ."
    )


def test_marker_line_and_note():
    stub = stubs_of(NODE)["Inventory.Snapshot.diff"]
    assert (stub.marker_line, stub.marker_note) == (39, "compare key by key")


def test_body_span_and_indentation():
    stub = stubs_of(NODE)["Inventory.Snapshot.diff"]
    assert (stub.body_start_line, stub.body_end_line) == (35, 40)
    assert stub.indentation == " " * 8
    assert stub.body_indentation == " " * 12


def test_body_sharing_the_def_line_gets_one_more_level():
    stub = extract_stubs("class A:\n    def f(self): pass  # Stub\n", DEFAULT).stubs[0]
    assert (stub.indentation, stub.body_indentation) == ("    ", "        ")


def test_placeholder_body_is_flagged():
    stubs = stubs_of(NODE)
    assert stubs["Inventory.reserve"].has_placeholder_body is True


def test_context_names_the_enclosing_class_chain():
    stub = stubs_of(NODE)["Inventory.Snapshot.diff"]
    assert stub.context == "class Inventory.Snapshot"
    outer, inner = stub.enclosing_classes
    assert (outer.name, outer.qualified_name, outer.line_number) == ("Inventory", "Inventory", 12)
    assert outer.bases == ["BaseNode", "metaclass=Registry"]
    assert outer.docstring == "Keeps stock levels."
    assert outer.attributes == ['unit: str = "pcs"', "limit = 10"]
    assert (inner.qualified_name, inner.docstring) == ("Inventory.Snapshot", "A frozen view.")


def test_module_level_function_has_no_class_context():
    stub = extract_stubs("def f():\n    pass  # Stub\n", DEFAULT).stubs[0]
    assert (stub.context, stub.enclosing_classes, stub.enclosing_function) == (None, [], None)


def test_nested_function_names_its_enclosing_function():
    stub = extract_stubs(
        "class A:\n    def m(self):\n        def helper():\n            pass  # Stub\n", DEFAULT
    ).stubs[0]
    assert stub.qualified_name == "A.m.<locals>.helper"
    assert stub.enclosing_function == "A.m"
    assert stub.context == "def A.m"
    assert [cls.name for cls in stub.enclosing_classes] == ["A"]


def test_sibling_signatures_leave_the_stub_out():
    stub = stubs_of(NODE)["Inventory.reserve"]
    assert stub.sibling_signatures == [
        "def __init__(self, container: Any) -> None",
        "def release(self, sku: str) -> None",
    ]


def test_sibling_signatures_are_the_nearest_ones_at_most():
    source = "".join(f"def f{i}(x{i}):\n    return {i}\n\n" for i in range(100))
    source += "def target():\n    pass  # Stub\n"
    stub = extract_stubs(source, DEFAULT).stubs[0]
    assert len(stub.sibling_signatures) == MAX_SIBLING_SIGNATURES
    assert stub.sibling_signatures[-1] == "def f99(x99)"
    assert stub.sibling_signatures[0] == f"def f{100 - MAX_SIBLING_SIGNATURES}(x{100 - MAX_SIBLING_SIGNATURES})"


def test_module_imports_include_conditional_ones():
    assert stubs_of(NODE)["Inventory.reserve"].module_imports == [
        "from __future__ import annotations",
        "import json",
        "from typing import TYPE_CHECKING, Any",
        "from collections.abc import Mapping",
    ]


def test_module_docstring_is_reported():
    assert extract_stubs(NODE, DEFAULT).module_docstring == "Inventory node."


def test_file_lines_count_like_an_editor():
    assert extract_stubs("x = 1\ny = 2\n", DEFAULT).file_lines == 3
    assert extract_stubs("x = 1\ny = 2", DEFAULT).file_lines == 2


def test_non_ascii_text_before_positions_keeps_signatures_exact():
    source = 'class Größe:\n    def maß(self, wert: str = "ä") -> str:  # IMPLEMENTATION REQUIRED: übersetzen\n        pass\n'
    stub = extract_stubs(source, DEFAULT).stubs[0]
    assert stub.signature == 'def maß(self, wert: str = "ä") -> str'
    assert stub.qualified_name == "Größe.maß"
    assert stub.marker_note == "übersetzen"


def test_lambda_with_colon_in_a_default_does_not_end_the_signature():
    source = "def f(key=lambda x: x, *, table={'a': 1}) -> int:\n    pass  # Stub\n"
    assert extract_stubs(source, DEFAULT).stubs[0].signature == "def f(key=lambda x: x, *, table={'a': 1}) -> int"


def test_properties_with_a_setter_are_two_stubs_with_their_own_lines():
    source = textwrap.dedent(
        """
        class A:
            @property
            def x(self):
                pass  # Stub

            @x.setter
            def x(self, value):
                pass  # Stub
        """
    )
    stubs = extract_stubs(source, DEFAULT).stubs
    assert [(stub.qualified_name, stub.line_number, stub.decorators) for stub in stubs] == [
        ("A.x", 4, ["@property"]),
        ("A.x", 8, ["@x.setter"]),
    ]
