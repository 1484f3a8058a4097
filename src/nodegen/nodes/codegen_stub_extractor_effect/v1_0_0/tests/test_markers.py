"""Which functions are stubs: where a marker counts and where it does not."""

import textwrap

import pytest

from nodegen.nodes.codegen_stub_extractor_effect.v1_0_0.extraction import (
    NOT_IMPLEMENTED_MARKER,
    compile_markers,
    extract_stubs,
)

DEFAULT = ["# IMPLEMENTATION REQUIRED", "pass  # Stub"]


def names(source: str, patterns=DEFAULT, **options) -> list[str]:
    return [stub.qualified_name for stub in extract_stubs(textwrap.dedent(source), patterns, **options).stubs]


def only(source: str, patterns=DEFAULT, **options):
    stubs = extract_stubs(textwrap.dedent(source), patterns, **options).stubs
    assert len(stubs) == 1, [stub.qualified_name for stub in stubs]
    return stubs[0]


class TestMarkerSpelling:
    def test_marker_is_case_insensitive(self):
        assert names("def f():\n    # implementation Required\n    pass\n") == ["f"]

    def test_marker_is_space_insensitive(self):
        assert names("def f():\n    #IMPLEMENTATION    REQUIRED\n    pass\n") == ["f"]

    def test_note_after_a_colon_is_recorded(self):
        assert (
            only("def f():\n    # IMPLEMENTATION REQUIRED: parse the header\n    pass\n").marker_note
            == "parse the header"
        )

    def test_note_after_a_dash_is_recorded(self):
        assert (
            only("def f():\n    # IMPLEMENTATION REQUIRED - use the cache\n    pass\n").marker_note == "use the cache"
        )

    def test_marker_without_note_has_none(self):
        assert only("def f():\n    # IMPLEMENTATION REQUIRED\n    pass\n").marker_note is None

    def test_marker_glued_to_more_letters_does_not_match(self):
        assert names("def f():\n    # IMPLEMENTATION REQUIREDNESS\n    pass\n") == []

    def test_pass_stub_matches_with_any_spacing_and_case(self):
        assert names("def f():\n    pass #stub\n") == ["f"]

    def test_pass_stub_does_not_match_a_longer_word(self):
        assert names("def f():\n    pass  # Stubborn code\n") == []

    def test_pass_stub_needs_pass_as_a_whole_word(self):
        assert names("def f():\n    bypass  # Stub\n") == []

    def test_pass_stub_on_a_one_line_def(self):
        assert names("class A:\n    def f(self): pass  # Stub\n") == ["A.f"]

    def test_pass_stub_needs_the_pass_statement(self):
        assert names("def f():\n    return 1  # Stub\n") == []

    def test_custom_pattern_without_hash_is_comment_text(self):
        assert names("def f():\n    # fill me in\n    pass\n", ["FILL ME IN"]) == ["f"]

    def test_the_matching_pattern_is_recorded(self):
        stub = only("def f():\n    # TODO(gen)\n    pass\n", ["# IMPLEMENTATION REQUIRED", "# TODO(gen)"])
        assert stub.stub_marker == "# TODO(gen)"

    def test_a_pattern_with_no_text_is_refused(self):
        with pytest.raises(ValueError, match="no marker text"):
            compile_markers(("#",))

    def test_regex_metacharacters_in_patterns_are_literal(self):
        assert names("def f():\n    # fill (a+b)*\n    pass\n", ["# fill (a+b)*"]) == ["f"]
        assert names("def f():\n    # fill aab\n    pass\n", ["# fill (a+b)*"]) == []


class TestWhereAMarkerCounts:
    def test_marker_as_trailing_comment_of_the_def_line(self):
        assert names("def run(self):  # IMPLEMENTATION REQUIRED\n    pass\n") == ["run"]

    def test_marker_as_trailing_comment_of_a_body_statement(self):
        assert names("def run():\n    return None  # IMPLEMENTATION REQUIRED\n") == ["run"]

    def test_marker_after_the_last_statement_at_body_indent(self):
        assert names("def run():\n    return 1\n    # IMPLEMENTATION REQUIRED\n\ndef other():\n    return 2\n") == [
            "run"
        ]

    def test_marker_on_a_multi_line_signature(self):
        assert names("def run(\n    a,  # IMPLEMENTATION REQUIRED\n):\n    pass\n") == ["run"]

    def test_marker_inside_a_body_with_real_code_still_makes_a_stub(self):
        stub = only("def run(x):\n    y = x + 1\n    # IMPLEMENTATION REQUIRED: the rest\n    return y\n")
        assert stub.has_placeholder_body is False

    def test_marker_in_a_nested_function_marks_only_the_nested_one(self):
        source = """
        def outer():
            def inner():
                # IMPLEMENTATION REQUIRED
                pass
            return inner
        """
        assert names(source) == ["outer.<locals>.inner"]

    def test_trailing_marker_after_a_nested_function_belongs_to_it(self):
        source = """
        def outer():
            def inner():
                return 1
                # IMPLEMENTATION REQUIRED
            return inner
        """
        assert names(source) == ["outer.<locals>.inner"]

    def test_marker_after_a_nested_function_at_outer_indent_belongs_to_the_outer(self):
        source = """
        def outer():
            def inner():
                return 1
            # IMPLEMENTATION REQUIRED
        """
        assert names(source) == ["outer"]

    def test_marker_in_a_class_nested_in_a_function_marks_neither(self):
        source = """
        def outer():
            class Local:
                # IMPLEMENTATION REQUIRED
                value = 1
            return Local
        """
        assert names(source) == []

    def test_marker_in_a_docstring_does_not_count(self):
        assert names('def f():\n    """Put # IMPLEMENTATION REQUIRED here."""\n    return 1\n') == []

    def test_marker_in_a_string_literal_does_not_count(self):
        assert names('def f():\n    text = "# IMPLEMENTATION REQUIRED"\n    return text\n') == []

    def test_marker_in_an_f_string_does_not_count(self):
        assert names('def f(x):\n    return f"{x} # IMPLEMENTATION REQUIRED"\n') == []

    def test_marker_in_a_multi_line_string_does_not_count(self):
        assert names('def f():\n    text = """\n    # IMPLEMENTATION REQUIRED\n    """\n    return text\n') == []

    def test_marker_in_a_default_value_string_does_not_count(self):
        assert names('def f(x="# IMPLEMENTATION REQUIRED"):\n    return x\n') == []

    def test_string_then_real_marker_on_one_line_counts(self):
        assert names('def f():\n    x = "#"  # IMPLEMENTATION REQUIRED\n    return x\n') == ["f"]

    def test_marker_above_a_method_at_class_level_marks_no_method(self):
        source = """
        class A:
            def one(self):
                return 1

            # IMPLEMENTATION REQUIRED
            def two(self):
                return 2
        """
        assert names(source) == []

    def test_marker_on_a_decorator_line_does_not_count(self):
        assert names("@property  # IMPLEMENTATION REQUIRED\ndef f():\n    return 1\n") == []

    def test_marker_at_module_level_marks_nothing(self):
        assert names("# IMPLEMENTATION REQUIRED\nx = 1\n\ndef f():\n    return x\n") == []

    def test_neighbouring_methods_are_independent(self):
        source = """
        class A:
            def one(self):
                # IMPLEMENTATION REQUIRED
                pass

            def two(self):
                return 2
        """
        assert names(source) == ["A.one"]


class TestKindsOfFunctions:
    def test_sync_async_decorated_nested_class_and_module_level_are_found(self):
        source = """
        def top():
            pass  # Stub

        class Outer:
            class Inner:
                @staticmethod
                async def deep(x):
                    # IMPLEMENTATION REQUIRED
                    ...

            @property
            def prop(self):
                # IMPLEMENTATION REQUIRED
                raise NotImplementedError("later")
        """
        assert names(source) == ["top", "Outer.Inner.deep", "Outer.prop"]

    def test_functions_inside_if_and_try_blocks_are_found(self):
        source = """
        import sys
        if sys.platform == "linux":
            def on_linux():
                # IMPLEMENTATION REQUIRED
                pass
        try:
            import fast
        except ImportError:
            def fallback():
                # IMPLEMENTATION REQUIRED
                pass
        """
        assert names(source) == ["on_linux", "fallback"]

    def test_overload_is_never_a_stub(self):
        source = """
        from typing import overload

        @overload
        def f(x: int) -> int:  # IMPLEMENTATION REQUIRED
            ...

        def f(x):
            # IMPLEMENTATION REQUIRED
            pass
        """
        stubs = extract_stubs(textwrap.dedent(source), DEFAULT).stubs
        assert [(stub.name, stub.decorators) for stub in stubs] == [("f", [])]

    def test_typing_dot_overload_is_never_a_stub(self):
        assert names("import typing\n@typing.overload\ndef f(x: int) -> int:\n    pass  # Stub\n") == []

    def test_marked_abstractmethod_is_a_stub(self):
        source = """
        from abc import ABC, abstractmethod

        class Base(ABC):
            @abstractmethod
            def run(self):
                # IMPLEMENTATION REQUIRED
                raise NotImplementedError
        """
        assert names(source) == ["Base.run"]

    def test_unmarked_abstractmethod_is_never_a_stub(self):
        source = """
        import abc

        class Base(abc.ABC):
            @abc.abstractmethod
            def run(self):
                raise NotImplementedError
        """
        assert names(source, include_not_implemented=True) == []


class TestUnmarkedNotImplemented:
    SOURCE = '''
    class Service:
        def todo(self):
            """Do it."""
            raise NotImplementedError("not yet")

        def bare(self):
            raise NotImplementedError

        def partial(self, x):
            if x:
                return 1
            raise NotImplementedError
    '''

    def test_off_by_default(self):
        assert names(self.SOURCE) == []

    def test_when_on_placeholder_bodies_are_stubs(self):
        stubs = extract_stubs(textwrap.dedent(self.SOURCE), DEFAULT, include_not_implemented=True).stubs
        assert [stub.qualified_name for stub in stubs] == ["Service.todo", "Service.bare"]
        assert {stub.stub_marker for stub in stubs} == {NOT_IMPLEMENTED_MARKER}
        assert stubs[0].marker_line == 5
