"""Injection behaviour: exact output for each answer shape, what stays byte-identical, and what is refused."""

import textwrap

import pytest

from ..injection import InjectionOptions, inject
from ..models import ModelCodeInjectionRequest

OPTIONS = InjectionOptions()


def fill(source: str, *requests: dict, options: InjectionOptions = OPTIONS):
    return inject(source, [ModelCodeInjectionRequest(**request) for request in requests], options)


def filled(source: str, name: str, code: str, **extra) -> str:
    outcome = fill(source, {"qualified_name": name, "generated_code": code, **extra})
    assert outcome.errors == [], [error.message for error in outcome.errors]
    return outcome.source


def refused(source: str, name: str, code: str, **extra):
    outcome = fill(source, {"qualified_name": name, "generated_code": code, **extra})
    assert outcome.source == source
    (error,) = outcome.errors
    return error


STUB = textwrap.dedent(
    '''\
    class Inventory:
        """Stock."""

        def total(self, items: list[int], *, scale: int = 1) -> int:
            """Sum the items, scaled."""
            # IMPLEMENTATION REQUIRED: sum then scale
            pass

        def other(self) -> None:
            return None
    '''
)
EXPECTED = STUB.replace(
    "        # IMPLEMENTATION REQUIRED: sum then scale\n        pass\n",
    "        result = 0\n        for item in items:\n            result += item\n        return result * scale\n",
)
BODY = "result = 0\nfor item in items:\n    result += item\nreturn result * scale\n"


class TestAnswerShapes:
    @pytest.mark.parametrize("indent", ["", "    ", "        ", "\t"])
    def test_bare_body_at_any_indentation(self, indent):
        code = "".join(indent + line if line.strip() else line for line in BODY.splitlines(keepends=True))
        assert filled(STUB, "Inventory.total", code) == EXPECTED

    def test_body_with_an_unindented_first_line(self):
        code = "result = 0\n        for item in items:\n            result += item\n        return result * scale\n"
        assert filled(STUB, "Inventory.total", code) == EXPECTED

    def test_whole_def(self):
        code = "def total(self, items: list[int], *, scale: int = 1) -> int:\n" + textwrap.indent(BODY, "    ")
        assert filled(STUB, "Inventory.total", code) == EXPECTED

    def test_whole_def_with_decorators_and_its_own_docstring(self):
        code = '@some_decorator\ndef total(self, items, *, scale=1):\n    """Other words."""\n' + textwrap.indent(
            BODY, "    "
        )
        assert filled(STUB, "Inventory.total", code) == EXPECTED

    def test_whole_def_inside_its_class(self):
        code = "class Inventory:\n    def total(self, items, *, scale=1) -> int:\n" + textwrap.indent(BODY, "        ")
        assert filled(STUB, "Inventory.total", code) == EXPECTED

    def test_different_annotations_are_not_a_mismatch(self):
        code = "def total(self, items: 'list', *, scale: float = 1) -> float:\n" + textwrap.indent(BODY, "    ")
        assert filled(STUB, "Inventory.total", code) == EXPECTED

    def test_body_sharing_the_answer_def_line(self):
        assert filled("def f(x):\n    pass\n", "f", "def f(x): return x * 2\n") == "def f(x):\n    return x * 2\n"

    def test_nested_blocks_keep_their_structure(self):
        code = "if items:\n    for item in items:\n        if item:\n            return item\nreturn 0\n"
        result = filled(STUB, "Inventory.total", code)
        assert (
            "        if items:\n            for item in items:\n                if item:\n                    return item\n        return 0\n"
            in result
        )

    def test_multi_line_strings_move_with_the_body(self):
        source = "def f():\n    pass\n"
        code = '    text = """\n    a\n      b\n    """\n    return text\n'
        assert filled(source, "f", code) == 'def f():\n    text = """\n    a\n      b\n    """\n    return text\n'

    def test_comments_and_blank_lines_inside_the_answer_stay(self):
        code = "# start at zero\nresult = 0\n\nfor item in items:  # each\n    result += item\nreturn result * scale\n"
        result = filled(STUB, "Inventory.total", code)
        assert "        # start at zero\n        result = 0\n\n        for item in items:  # each\n" in result

    def test_answer_in_two_space_style_keeps_its_nesting_by_default(self):
        code = "for item in items:\n  print(item)\nreturn 0\n"
        assert "        for item in items:\n          print(item)\n" in filled(STUB, "Inventory.total", code)

    def test_answer_indented_with_tabs_follows_a_space_indented_file(self):
        code = "for item in items:\n\tprint(item)\nreturn 0\n"
        assert "        for item in items:\n            print(item)\n" in filled(STUB, "Inventory.total", code)

    def test_answer_nesting_can_follow_the_file_style(self):
        options = InjectionOptions(preserve_code_formatting=False)
        outcome = fill(
            STUB,
            {"qualified_name": "Inventory.total", "generated_code": "for i in items:\n  print(i)\nreturn 0\n"},
            options=options,
        )
        assert "        for i in items:\n            print(i)\n" in outcome.source

    def test_trial_calls_and_asserts_beside_the_def_are_dropped(self):
        # Seen from the real model on HumanEval (/86, /88, /106, /161): `print(f(...))` after the function.
        code = "def f(x):\n    return x + 1\n\nprint(f(1))\nassert f(2) == 3\n"
        result = filled("def f(x):\n    pass  # Stub\n", "f", code)
        assert result == "def f(x):\n    return x + 1\n"

    def test_main_guard_beside_the_def_is_dropped(self):
        code = "def f(x):\n    return x\n\nif __name__ == '__main__':\n    print(f(1))\n"
        assert filled("def f(x):\n    pass\n", "f", code) == "def f(x):\n    return x\n"


class TestWhatStays:
    def test_everything_outside_the_body_is_byte_identical(self):
        source = (
            "#!/usr/bin/env python\n# -*- coding: utf-8 -*-\n'''Module.'''   \n\nimport os  # os\n\n\n"
            "@decorate(  'x' )\ndef  f( a ,b=1 ) :   # trailing\n    '''Doc.'''\n    pass  # Stub\n"
            "\n\n# a comment after\nX = {'a':1}\t\n"
        )
        result = filled(source, "f", "return a + b")
        assert result == source.replace("    pass  # Stub\n", "    return a + b\n")

    def test_crlf_file_stays_crlf(self):
        source = "import os\r\n\r\ndef f(x):\r\n    # IMPLEMENTATION REQUIRED\r\n    pass\r\n\r\nY = 1\r\n"
        assert filled(source, "f", "if x:\n    return 1\nreturn 2\n") == (
            "import os\r\n\r\ndef f(x):\r\n    if x:\r\n        return 1\r\n    return 2\r\n\r\nY = 1\r\n"
        )

    def test_a_cr_only_file_keeps_its_last_cr(self):
        # The probe: a file whose lines end in a lone "\r" (old Mac) lost its final "\r" when filled.
        source = "import os\r\rdef f(x):\r    # IMPLEMENTATION REQUIRED\r    pass\r"
        assert filled(source, "f", "return x + 1\n") == "import os\r\rdef f(x):\r    return x + 1\r"

    def test_tab_indented_file_gets_tabs(self):
        source = "class A:\n\tdef f(self, x):\n\t\tpass  # Stub\n"
        assert (
            filled(source, "A.f", "if x:\n    return 1\nreturn 2")
            == "class A:\n\tdef f(self, x):\n\t\tif x:\n\t\t\treturn 1\n\t\treturn 2\n"
        )

    def test_byte_order_mark_stays(self):
        source = "\ufeffdef f():\n    pass  # Stub\n"
        assert filled(source, "f", "return 1") == "\ufeffdef f():\n    return 1\n"

    def test_missing_final_newline_stays_missing(self):
        assert filled("x = 1\ndef f():\n    pass  # Stub", "f", "return 1") == "x = 1\ndef f():\n    return 1"

    def test_docstring_of_the_stub_stays_and_the_answers_is_dropped(self):
        source = 'def f():\n    """Stub doc."""\n    pass  # Stub\n'
        assert filled(source, "f", '"""Answer doc."""\nreturn 1') == 'def f():\n    """Stub doc."""\n    return 1\n'

    def test_answer_docstring_is_used_when_the_stub_has_none(self):
        assert (
            filled("def f():\n    pass  # Stub\n", "f", '"""Answer doc."""\nreturn 1')
            == 'def f():\n    """Answer doc."""\n    return 1\n'
        )

    def test_preserve_docstring_false_takes_the_answers(self):
        source = 'def f():\n    """Stub doc."""\n    pass  # Stub\n'
        result = filled(source, "f", '"""New doc."""\nreturn 1', preserve_docstring=False)
        assert result == 'def f():\n    """New doc."""\n    return 1\n'

    def test_imports_above_the_docstring_stay_and_are_not_repeated(self):
        source = 'def f(x):\n    import math\n    """Doc."""\n    # IMPLEMENTATION REQUIRED\n    pass\n'
        expected = 'def f(x):\n    import math\n    """Doc."""\n    return math.floor(x)\n'
        assert filled(source, "f", "return math.floor(x)") == expected
        assert filled(source, "f", 'import math\n"""Doc."""\nreturn math.floor(x)') == expected

    def test_marker_on_the_def_line_is_removed(self):
        assert (
            filled("def f():  # IMPLEMENTATION REQUIRED: x\n    pass\n", "f", "return 1") == "def f():\n    return 1\n"
        )

    def test_trailing_marker_after_the_body_is_removed_other_comments_stay(self):
        source = "def f():\n    pass\n    # IMPLEMENTATION REQUIRED\n    # keep me\n\nY = 1\n"
        assert filled(source, "f", "return 1") == "def f():\n    return 1\n    # keep me\n\nY = 1\n"

    def test_one_line_stub_becomes_a_block(self):
        source = "class A:\n    def f(self): pass  # Stub\n    def g(self): return 2\n"
        assert (
            filled(source, "A.f", "return 1")
            == "class A:\n    def f(self):\n        return 1\n    def g(self): return 2\n"
        )


class TestWhereStubsLive:
    SOURCE = textwrap.dedent(
        """\
        def top():
            pass  # Stub

        class Outer:
            class Inner:
                @staticmethod
                async def deep(x):
                    # IMPLEMENTATION REQUIRED
                    ...

            def method(self):
                def nested():
                    pass  # Stub
                return nested
        """
    )

    def test_several_stubs_in_one_pass(self):
        outcome = fill(
            self.SOURCE,
            {"qualified_name": "top", "generated_code": "return 0"},
            {"qualified_name": "Outer.Inner.deep", "generated_code": "return await x"},
            {"qualified_name": "Outer.method.<locals>.nested", "generated_code": "return 1"},
        )
        assert outcome.errors == []
        assert outcome.modified == ["top", "Outer.Inner.deep", "Outer.method.<locals>.nested"]
        assert outcome.source == (
            self.SOURCE.replace("    pass  # Stub\n\nclass", "    return 0\n\nclass")
            .replace("            # IMPLEMENTATION REQUIRED\n            ...\n", "            return await x\n")
            .replace("            pass  # Stub\n        return nested", "            return 1\n        return nested")
        )

    def test_plain_method_name_finds_a_nested_class_method(self):
        assert fill(self.SOURCE, {"method_name": "deep", "generated_code": "return 1"}).modified == ["Outer.Inner.deep"]


class TestRefusals:
    def test_unknown_name_suggests_close_ones(self):
        error = refused(STUB, "Inventory.totl", BODY)
        assert error.code == "method_not_found"
        assert "`Inventory.total`" in error.message

    def test_a_filled_method_is_not_a_stub(self):
        error = refused(STUB, "Inventory.other", "return None  # new")
        assert error.code == "not_a_stub"
        assert error.suggested_fix and "force" in error.suggested_fix

    def test_force_replaces_a_filled_method(self):
        assert "    def other(self) -> None:\n        print('x')\n" in filled(
            STUB, "Inventory.other", "print('x')", force=True
        )

    def test_placeholder_body_without_marker_is_a_stub(self):
        assert filled("def f():\n    raise NotImplementedError\n", "f", "return 1") == "def f():\n    return 1\n"

    @pytest.mark.parametrize(
        ("header", "reason"),
        [
            ("def total(self, values, *, scale=1):", "parameter 2 is `items` in the stub but `values`"),
            ("def total(self, items, scale=1):", "`scale` is keyword-only in the stub but positional"),
            ("def total(self, items, *, scale=2):", "the default of `scale` is `1` in the stub but `2`"),
            ("def total(self, items, *, scale=1, extra=None):", "the answer adds keyword-only parameter `extra`"),
            ("def total(self, *, scale=1):", "parameter 2 is `items` in the stub but `scale`"),
        ],
    )
    def test_signature_mismatch(self, header, reason):
        error = refused(STUB, "Inventory.total", header + "\n" + textwrap.indent(BODY, "    "))
        assert error.code == "signature_mismatch"
        assert reason in error.message
        assert "def total(self, items: list[int], *, scale: int = 1) -> int:" in error.suggested_fix

    def test_a_new_positional_parameter_is_a_signature_mismatch(self):
        error = refused(STUB, "Inventory.total", "def total(self, items, limit, *, scale=1):\n    return limit\n")
        assert error.code == "signature_mismatch" and "parameter 3 is `scale` in the stub but `limit`" in error.message

    @pytest.mark.parametrize(
        "header",
        ["def total(self, items: list[int], *, scale: int = 1) -> int:", "def total(self, items, *, scale=1):"],
    )
    def test_the_same_parameters_are_accepted_with_or_without_annotations(self, header):
        assert filled(STUB, "Inventory.total", header + "\n" + textwrap.indent(BODY, "    ")) == EXPECTED

    def test_an_answer_over_the_size_limit_is_refused_unread(self):
        code = "return 1\n" + "# padding\n" * 20_000
        error = refused(STUB, "Inventory.total", code)
        assert error.code == "answer_too_large" and "max_answer_chars" in error.message and "20,000" in error.message

    def test_the_size_limit_is_a_setting(self):
        options = InjectionOptions(max_answer_chars=None)
        outcome = fill(
            STUB, {"qualified_name": "Inventory.total", "generated_code": BODY + "#\n" * 20_000}, options=options
        )
        assert outcome.errors == []

    def test_code_that_does_not_parse(self):
        error = refused(STUB, "Inventory.total", "return (1 +\n")
        assert error.code == "syntax_error"
        assert "line 1" in error.message

    def test_empty_code(self):
        assert refused(STUB, "Inventory.total", "  \n\n").code == "empty_body"

    @pytest.mark.parametrize("code", ["pass", "...", '"""Only a docstring."""', "raise NotImplementedError('later')"])
    def test_placeholder_answer_is_refused(self, code):
        assert refused(STUB, "Inventory.total", code).code == "empty_body"

    def test_await_in_a_sync_function(self):
        error = refused(STUB, "Inventory.total", "return await self.fetch()")
        assert error.code == "syntax_error"
        assert "not an async function" in error.message

    def test_code_that_compiles_badly_in_place_is_refused(self):
        error = refused("def f(x):\n    pass  # Stub\n", "f", "nonlocal x\nreturn x")
        assert error.code == "syntax_error"
        assert "does not compile" in error.message
        assert "nonlocal x" in error.attempted_code

    def test_module_level_code_beside_a_def_is_refused(self):
        error = refused("def f(x):\n    pass  # Stub\n", "f", "CACHE = {}\ndef f(x):\n    return CACHE.get(x)\n")
        assert error.code == "unexpected_code"
        assert "CACHE = {}" in error.message

    def test_conflicting_requests_for_one_stub_apply_neither(self):
        outcome = fill(
            "def f():\n    pass  # Stub\n\ndef g():\n    pass  # Stub\n",
            {"qualified_name": "f", "generated_code": "return 1"},
            {"qualified_name": "f", "generated_code": "return 2"},
            {"qualified_name": "g", "generated_code": "return 3"},
        )
        assert [error.code for error in outcome.errors] == ["conflicting_requests", "conflicting_requests"]
        assert outcome.source == "def f():\n    pass  # Stub\n\ndef g():\n    return 3\n"

    def test_a_stub_inside_a_replaced_stub_is_refused(self):
        source = "def outer():\n    def inner():\n        pass  # Stub\n    pass  # Stub\n"
        outcome = fill(
            source,
            {"qualified_name": "outer", "generated_code": "return 1"},
            {"qualified_name": "outer.<locals>.inner", "generated_code": "return 2"},
        )
        assert outcome.modified == ["outer"]
        assert outcome.errors[0].code == "conflicting_requests"

    def test_ambiguous_name_needs_a_line(self):
        source = "class A:\n    @property\n    def x(self):\n        pass  # Stub\n\n    @x.setter\n    def x(self, v):\n        pass  # Stub\n"
        assert refused(source, "A.x", "return 1").code == "ambiguous_target"
        outcome = fill(source, {"qualified_name": "A.x", "expected_line": 7, "generated_code": "self._x = v"})
        assert outcome.source == source.replace("v):\n        pass  # Stub", "v):\n        self._x = v")

    def test_bad_requests_never_stop_good_ones(self):
        outcome = fill(
            STUB,
            {"qualified_name": "nope", "generated_code": "return 1"},
            {"qualified_name": "Inventory.total", "generated_code": BODY},
            {"qualified_name": "Inventory.other", "generated_code": "return 1"},
        )
        assert outcome.source == EXPECTED
        assert [error.code for error in outcome.errors] == ["method_not_found", "not_a_stub"]
