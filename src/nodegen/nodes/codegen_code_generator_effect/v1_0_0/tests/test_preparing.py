"""What a small model adds around good code is not held against it: the stub's marker repeated, star imports,
helper functions beside the target; and a retry is never the same greedy request again. Against the real loopback
server, the real validator and the real injector."""

from __future__ import annotations

from typing import Any

import pytest
from tests.support.fill_loop import fill_source
from tests.support.llm_server import Reply, ScriptedLLMServer

from nodegen.nodes.codegen_code_generator_effect.v1_0_0.preparing import chain_raises, drop_markers, star_exports
from nodegen.nodes.codegen_code_injector_effect.v1_0_0.injection import InjectionOptions, inject
from nodegen.nodes.codegen_code_injector_effect.v1_0_0.models import ModelCodeInjectionRequest
from nodegen.nodes.codegen_orchestrator.v1_0_0 import NodeCodegenOrchestrator
from nodegen.onex.testing import create_test_container
from nodegen.pysource.stdlib_imports import missing_stdlib_imports

from .conftest import SOURCE, MakeNode

MAX_ELEMENT = '''\
def max_element(l: list):
    """Return maximum element in the list.
    >>> max_element([1, 2, 3])
    3
    """
    # IMPLEMENTATION REQUIRED
    pass
'''

PALINDROME = '''\
def is_palindrome(string: str) -> bool:
    """ Test if given string is a palindrome """
    return string == string[::-1]


def make_palindrome(string: str) -> str:
    """ Find the shortest palindrome that begins with a supplied string. """
    # IMPLEMENTATION REQUIRED
    pass
'''

COUNT_PRIMES = '''\
def count_primes(n: int) -> int:
    """The number of primes below n."""
    # IMPLEMENTATION REQUIRED
    pass
'''

PRIMES_ANSWER = """```python
from typing import *

def is_prime(k: int) -> bool:
    return k > 1 and all(k % d for d in range(2, int(k ** 0.5) + 1))

def count_primes(n: int) -> int:
    found: List[int] = [k for k in range(n) if is_prime(k)]
    return len(found)
```"""


async def _fill(node, source: str, path: str):
    result = await fill_source(node, source, file_name=path)
    (generation,) = result.generations
    return generation


def _written(source: str, generation) -> str:
    outcome = inject(
        source,
        [
            ModelCodeInjectionRequest(
                qualified_name=generation.qualified_name,
                expected_line=generation.line_number,
                generated_code=generation.generated_code,
                required_imports=generation.required_imports,
                allow_helpers=True,
            )
        ],
        InjectionOptions(),
    )
    assert outcome.errors == [], [error.message for error in outcome.errors]
    return outcome.source


def _run(text: str, call: str) -> object:
    namespace: dict[str, object] = {}
    exec(compile(text, "filled.py", "exec"), namespace)
    return eval(call, namespace)


async def test_the_stubs_own_marker_repeated_above_real_code_is_dropped_not_lazy(llm_server, make_node: MakeNode):
    llm_server.script(
        Reply(text="```python\ndef max_element(l: list):\n    # IMPLEMENTATION REQUIRED\n    return max(l)\n```")
    )
    generation = await _fill(make_node(max_attempts=1), MAX_ELEMENT, "he_035.py")
    assert generation.success, generation.message
    assert generation.generated_code == "return max(l)\n"
    assert _written(MAX_ELEMENT, generation).endswith('    """\n    return max(l)\n')


async def test_an_answer_that_is_only_the_marker_is_still_lazy(llm_server, make_node: MakeNode):
    llm_server.script(Reply(text="```python\ndef max_element(l: list):\n    # IMPLEMENTATION REQUIRED\n    pass\n```"))
    generation = await _fill(make_node(max_attempts=1), MAX_ELEMENT, "he_035.py")
    assert not generation.success
    assert any(finding.code.startswith("LAZY") for finding in generation.findings)


async def test_a_star_import_becomes_the_names_the_code_uses(llm_server, make_node: MakeNode):
    llm_server.script(Reply(text=PRIMES_ANSWER))
    generation = await _fill(make_node(max_attempts=1), COUNT_PRIMES, "primes.py")
    assert generation.success, generation.message
    assert generation.required_imports == ["from typing import List"]
    written = _written(COUNT_PRIMES, generation)
    assert "import *" not in written and written.startswith("from typing import List\n")
    assert _run(written, "count_primes(20)") == 8


async def test_a_star_import_inside_a_method_never_fails_the_attempt(llm_server, make_node: MakeNode):
    body = "from collections import *\ncounts = Counter([a, b])\nreturn sum(counts.values()) and a + b + self.offset"
    llm_server.script(Reply(text=f"```python\n{body}\n```"))
    generation = await _fill(make_node(max_attempts=1), SOURCE, "calc.py")
    assert generation.success, generation.message
    assert generation.required_imports == ["from collections import Counter"]
    assert "import *" not in (generation.generated_code or "")


FUTURE_METHOD = '''\
"""A calculator."""

from __future__ import annotations


class Calc:
    def total(self, values: list[int]) -> int:
        """Sum of values."""
        # IMPLEMENTATION REQUIRED
        pass
'''


@pytest.mark.parametrize(
    "answer",
    [
        "from __future__ import annotations\n\nclass Calc:\n    def total(self, values: list[int]) -> int:\n"
        "        return sum(values)\n",
        "from __future__ import annotations\nreturn sum(values)\n",
    ],
    ids=["whole-class", "bare-body"],
)
async def test_a_future_import_in_an_answer_is_dropped_not_a_syntax_error(answer, llm_server, make_node: MakeNode):
    # Seen from the real model in `nodegen new`: the file's own `from __future__` line repeated above a method;
    # placed inside the method (or appended) it does not compile, and it is the module's to decide anyway.
    llm_server.script(Reply(text=f"```python\n{answer}```"))
    generation = await _fill(make_node(max_attempts=1), FUTURE_METHOD, "calc.py")
    assert generation.success, generation.message
    assert generation.required_imports == [] and "__future__" not in (generation.generated_code or "")
    written = _written(FUTURE_METHOD, generation)
    assert written.count("from __future__ import annotations") == 1
    assert _run(written, "Calc().total([1, 2])") == 3


async def test_a_star_import_of_a_module_outside_the_standard_library_is_dropped_and_its_names_reported(
    llm_server, make_node: MakeNode
):
    llm_server.script(
        Reply(text="```python\nfrom numpy import *\n\ndef max_element(l: list):\n    return amax(l)\n```")
    )
    generation = await _fill(make_node(max_attempts=1), MAX_ELEMENT, "he_035.py")
    assert not generation.success
    (undefined,) = [finding for finding in generation.findings if finding.code == "F821"]
    assert "amax" in undefined.message


async def test_a_helper_beside_a_module_level_stub_is_checked_in_place_and_kept(llm_server, make_node: MakeNode):
    llm_server.script(Reply(text=PRIMES_ANSWER))
    generation = await _fill(make_node(max_attempts=1), COUNT_PRIMES, "primes.py")
    written = _written(COUNT_PRIMES, generation)
    assert "\n\ndef is_prime(k: int) -> bool:\n" in written
    assert written.index("def count_primes") < written.index("def is_prime")


async def test_a_helper_the_file_already_defines_is_not_added_again(llm_server, make_node: MakeNode):
    answer = (
        "```python\ndef is_palindrome(string: str) -> bool:\n    return string == string[::-1]\n\n"
        "def make_palindrome(string: str) -> str:\n    for i in range(len(string) + 1):\n"
        "        if is_palindrome(string[i:]):\n            return string + string[:i][::-1]\n    return string\n```"
    )
    llm_server.script(Reply(text=answer))
    generation = await _fill(make_node(max_attempts=1), PALINDROME, "he_010.py")
    assert generation.success, generation.message
    written = _written(PALINDROME, generation)
    assert written.count("def is_palindrome") == 1
    assert _run(written, "make_palindrome('cata')") == "catac"


async def test_a_helper_beside_a_method_is_nested_inside_it(llm_server, make_node: MakeNode):
    answer = (
        "```python\ndef _total(values: list[int]) -> int:\n    return sum(values)\n\n"
        "def add(self, a: int, b: int) -> int:\n    return _total([a, b]) + self.offset\n```"
    )
    llm_server.script(Reply(text=answer))
    generation = await _fill(make_node(max_attempts=1), SOURCE, "calc.py")
    assert generation.success, generation.message
    assert generation.generated_code == (
        "def _total(values: list[int]) -> int:\n    return sum(values)\n\nreturn _total([a, b]) + self.offset\n"
    )
    written = _written(SOURCE, generation)
    assert "        def _total(values: list[int]) -> int:\n            return sum(values)\n" in written
    assert _run(written, "Calculator(3).add(1, 2)") == 6


async def test_a_retry_sends_findings_and_previous_answer_and_samples_anew(
    llm_server: ScriptedLLMServer, make_node: MakeNode
):
    llm_server.script(Reply(text="```python\nreturn undefined_thing\n```"), Reply(text="return a + b + self.offset"))
    generation = await _fill(make_node(max_attempts=3, llm_retry_temperature=0.7, llm_seed=40), SOURCE, "calc.py")
    assert generation.success and generation.attempts == 2
    first, second = llm_server.requests
    assert first.body["temperature"] == 0.0 and "seed" not in first.body
    assert second.body["temperature"] == 0.7 and second.body["seed"] == 42  # seed + attempt number
    messages = [m for m in second.body["messages"] if m["role"] != "system"]
    assert "return undefined_thing" in messages[1]["content"]  # the previous answer
    assert "undefined name `undefined_thing`" in messages[2]["content"]  # the findings
    assert "do not answer with the same code again" in messages[2]["content"]


def test_markers_are_found_by_the_tokenizer():
    code = 'x = "# IMPLEMENTATION REQUIRED"\n# implementation required: later\nreturn x  # IMPLEMENTATION REQUIRED\n'
    assert drop_markers(code) == 'x = "# IMPLEMENTATION REQUIRED"\nreturn x\n'


@pytest.mark.parametrize(("module", "name"), [("typing", "List"), ("collections", "Counter"), ("math", "sqrt")])
def test_star_exports_of_the_standard_library(module, name):
    exports = star_exports(module)
    assert exports is not None and name in exports


def test_no_module_outside_the_standard_library_is_imported_for_its_names():
    assert star_exports("numpy") is None and star_exports("antigravity") is None


async def test_a_helper_beside_a_module_level_stub_is_written_by_nodegen_fill(tmp_path, llm_server, make_node):
    target = tmp_path / "primes.py"
    target.write_text(COUNT_PRIMES)
    llm_server.script(Reply(text=PRIMES_ANSWER))
    client = make_node().client
    node = NodeCodegenOrchestrator(
        create_test_container({"state_dir": str(tmp_path / ".nodegen")}, services={"llm_client": client})
    )
    result = await node.execute_orchestration({"input_state": {"files": [str(target)]}})
    (stub,) = result.stubs
    assert stub.status.value == "filled", stub.message
    written = target.read_text()
    assert "def is_prime(k: int) -> bool:" in written and "import *" not in written
    assert _run(written, "count_primes(20)") == 8


async def test_a_method_the_answer_echoes_beside_the_target_is_not_nested(llm_server, make_node: MakeNode):
    answer = (
        "```python\ndef scale(self, value: int) -> int:\n    return value * self.factor\n\n"
        "def add(self, a: int, b: int) -> int:\n    return a + b + self.offset\n```"
    )
    llm_server.script(Reply(text=answer))
    generation = await _fill(make_node(max_attempts=1), SOURCE, "calc.py")
    assert generation.success and generation.generated_code == "return a + b + self.offset\n"


PARSE_PORT = '''\
def parse_port(text: str) -> int:
    """The port number in text.
    >>> parse_port("80")
    80
    """
    # IMPLEMENTATION REQUIRED
    pass
'''


async def test_a_raise_in_an_except_block_gets_the_cause_it_caught(llm_server, make_node: MakeNode):
    # ONEX004 (ruff B904) refused the 1.5B model's right InvoiceFetcher code on all ten attempts for this alone
    body = "try:\n    return int(text)\nexcept ValueError as error:\n    raise LookupError(f'no port: {text}')  # why\n"
    llm_server.script(Reply(text=f"```python\n{body}```"))
    generation = await _fill(make_node(max_attempts=1), PARSE_PORT, "ports.py")
    assert generation.success, generation.message
    assert "    raise LookupError(f'no port: {text}') from error  # why\n" in _written(PARSE_PORT, generation)


def test_only_a_raise_without_a_cause_in_an_except_block_is_chained():
    code = (
        "try:\n    f()\nexcept KeyError as error:\n    raise ValueError('é',\n        2)\n"
        "except (OSError, EOFError):\n    raise TypeError()\nexcept ValueError as e:\n    raise\n"
        "except TypeError as e:\n    def g():\n        raise TypeError()\n    raise TypeError() from None\n"
        "except:\n    raise KeyError()\n"
    )
    chained = chain_raises(code)
    assert chained == code.replace("        2)\n", "        2) from error\n", 1).replace(
        "EOFError):\n    raise TypeError()\n", "EOFError) as error_1:\n    raise TypeError() from error_1\n"
    )
    assert chain_raises("raise ValueError(\n") == "raise ValueError(\n"  # not Python: left as it is


def test_nested_except_blocks_named_for_their_raises_get_a_name_each():
    # the 1.5B model's InvoiceFetcher raised in an ``except httpx.HTTPStatusError:`` block; a nested block's name is
    # deleted where it ends, so the outer raise cannot share it
    code = (
        "def run(strict):\n    try:\n        int('x')\n    except ValueError:\n        try:\n            {}['k']\n"
        "        except KeyError:\n            if strict:\n                raise LookupError()\n"
        "        raise OSError()\n"
    )
    chained = chain_raises(code)
    assert "except ValueError as error_1:" in chained and "raise OSError() from error_1" in chained
    assert "except KeyError as error:" in chained and "raise LookupError() from error" in chained
    namespace: dict[str, Any] = {}
    exec(compile(chained, "<answer>", "exec"), namespace)  # the test's own code, not a model's
    with pytest.raises(OSError) as raised:
        namespace["run"](False)
    assert isinstance(raised.value.__cause__, ValueError)


LINE_COUNT = '''\
def count_lines(folder: str, name: str) -> int:
    """The number of lines of the file ``name`` in ``folder``."""
    # IMPLEMENTATION REQUIRED
    pass
'''


async def test_a_standard_library_module_the_code_uses_and_never_imports_is_imported(
    tmp_path, llm_server, make_node: MakeNode
):
    # the 1.5B model's CsvSummer and InventoryLookup used os and sqlite3 unimported on all ten attempts
    body = "path = os.path.join(folder, name)\nwith open(path) as handle:\n    return len(handle.readlines())\n"
    llm_server.script(Reply(text=f"```python\n{body}```"))
    generation = await _fill(make_node(max_attempts=1), LINE_COUNT, "lines.py")
    assert generation.success, generation.message
    assert generation.required_imports == ["import os"]
    (tmp_path / "a.txt").write_text("one\ntwo\n")
    assert _run(_written(LINE_COUNT, generation), f"count_lines({str(tmp_path)!r}, 'a.txt')") == 2


def test_only_modules_nothing_binds_are_imported():
    code = "os.sep\ncsv = load()\ncsv.reader\njson.dumps\nself.os.path\nfor re in x:\n    re.x\nturtle.up()\nnot_a_module.x\n"
    assert missing_stdlib_imports(code) == ["import json", "import os"]
    assert missing_stdlib_imports(code, {"json"}) == ["import os"]  # the module binds json already
    assert missing_stdlib_imports("import os\nos.sep\n") == [] and missing_stdlib_imports("os.(") == []
