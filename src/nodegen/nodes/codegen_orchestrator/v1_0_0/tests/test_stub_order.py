"""Class methods are filled in a sensible order (issue 26): ``__init__`` first, a method after the sibling stubs its
docstring calls, cycles broken by source order; the method that waited is asked about the class as it now stands."""

from __future__ import annotations

from tests.support.llm_server import Reply, ScriptedLLMServer

from nodegen.llm import openai_client
from nodegen.nodes.codegen_orchestrator.v1_0_0 import NodeCodegenOrchestrator
from nodegen.nodes.codegen_orchestrator.v1_0_0.models import EnumStubStatus
from nodegen.nodes.codegen_orchestrator.v1_0_0.stub_order import fill_order
from nodegen.nodes.codegen_stub_extractor_effect.v1_0_0 import NodeCodegenStubExtractorEffect
from nodegen.nodes.codegen_stub_extractor_effect.v1_0_0.models import ModelMethodStub, ModelStubExtractionRequest
from nodegen.onex.testing import create_test_container

STUB = "        # IMPLEMENTATION REQUIRED\n        pass\n"


def method(name: str, doc: str, params: str = "") -> str:
    return f'    def {name}(self{params}) -> None:\n        """{doc}"""\n{STUB}\n'


async def stubs_of(source: str) -> list[ModelMethodStub]:
    extractor = NodeCodegenStubExtractorEffect(create_test_container({}))
    return (await extractor.run(ModelStubExtractionRequest(node_file_content=source))).stubs


async def order_of(source: str) -> list[tuple[str, set[str]]]:
    return [(stub.qualified_name, needs) for stub, needs in fill_order(await stubs_of(source))]


async def test_a_method_comes_after_init_and_the_siblings_its_docstring_calls():
    source = (
        "class Bag:\n"
        + method(
            "total",
            "The sum.\n\n        >>> b = Bag()\n        >>> b.add(2)\n        >>> b.total()\n        2\n        ",
        )
        + method("add", "Keep x.", ", x: int")
        + method("__init__", "An empty bag.")
        + method("clear", "Forget every add.")  # the word, not a call: no dependency
        + "\n\ndef free() -> None:\n    '''Calls total() by name, but is no method.'''\n    # IMPLEMENTATION REQUIRED\n"
        "    pass\n"
    )
    assert await order_of(source) == [
        ("Bag.__init__", set()),
        ("Bag.add", {"Bag.__init__"}),
        ("Bag.total", {"Bag.__init__", "Bag.add"}),
        ("Bag.clear", {"Bag.__init__"}),
        ("free", set()),
    ]


async def test_a_cycle_is_broken_where_the_file_first_meets_it_and_methods_of_other_classes_never_wait():
    source = (
        "class A:\n"
        + method("save", "Write; see self.load().")
        + method("load", "Read what self.save() wrote.")
        + "class B:\n"
        + method("save", "Calls A's load() by name only.")
    )
    assert await order_of(source) == [("A.load", set()), ("A.save", {"A.load"}), ("B.save", set())]


async def test_a_file_without_dependencies_keeps_its_order():
    source = "class A:\n" + method("b", "B.") + method("a", "A.")
    assert await order_of(source) == [("A.b", set()), ("A.a", set())]


TALLY_BACKWARDS = '''\
class Tally:
    """Counts words."""

    def __init__(self) -> None:
        self.words: list[str] = []

    def count(self, word: str) -> int:
        """How many times word was added.

        >>> t = Tally()
        >>> t.add("a")
        >>> t.add("a")
        >>> t.count("a")
        2
        """
        # IMPLEMENTATION REQUIRED
        pass

    def add(self, word: str) -> None:
        """Append word to self.words."""
        # IMPLEMENTATION REQUIRED
        pass
'''


async def test_a_method_is_asked_after_the_sibling_its_example_calls_and_is_shown_its_code(tmp_path):
    # `count` comes first in the file, and with two stubs under way at once it was asked at the same time as `add`:
    # its example then called an `add` that did nothing, and its prompt showed `add` as a signature only
    (tmp_path / "mod.py").write_text(TALLY_BACKWARDS)

    def answer(received):
        if "`Tally.add`" in received.last_user_text:
            return Reply(text="self.words.append(word)  # kept by the caller's prompt")
        return Reply(text="return self.words.count(word)")

    async with ScriptedLLMServer(answer) as server:
        client = openai_client("gpt-4o-mini", base_url=server.openai_url, api_key="sk-test")
        container = create_test_container(
            {"state_dir": str(tmp_path / ".nodegen"), "llm_max_retries": 0, "max_attempts": 1},
            services={"llm_client": client},
        )
        result = await NodeCodegenOrchestrator(container).execute_orchestration(
            {"input_state": {"files": [str(tmp_path / "mod.py")]}}
        )
    asked = [r.last_user_text for r in server.requests]
    assert ["`Tally.add`" in text for text in asked] == [True, False]
    assert "self.words.append(word)  # kept by the caller's prompt" in asked[1]
    assert {s.qualified_name: (s.status, s.line_number) for s in result.stubs} == {
        "Tally.count": (EnumStubStatus.FILLED, 7),
        "Tally.add": (EnumStubStatus.FILLED, 19),
    }
    text = (tmp_path / "mod.py").read_text()
    assert "IMPLEMENTATION REQUIRED" not in text and "return self.words.count(word)" in text
