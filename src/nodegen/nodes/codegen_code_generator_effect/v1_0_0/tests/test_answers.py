"""Reading code out of what real models answer."""

from __future__ import annotations

import pytest

from nodegen.nodes.codegen_code_generator_effect.v1_0_0.answers import NoCodeError, extract_code
from nodegen.pysource import read_answer


def body(text: str, name: str = "add") -> str:
    return read_answer(extract_code(text, name), name).body


def test_a_bare_body_without_fences():
    assert body("return a + b") == "return a + b\n"


def test_a_fenced_block_with_a_language_tag():
    assert body("```python\nreturn a + b\n```") == "return a + b\n"


def test_a_fenced_block_without_a_tag_and_with_tildes():
    assert body("```\nreturn a + b\n```") == "return a + b\n"
    assert body("~~~py\nreturn a + b\n~~~") == "return a + b\n"


def test_prose_before_and_after_a_whole_def():
    text = "Here you go:\n\n```python\ndef add(a, b):\n    return a + b\n```\n\nThis returns the sum."
    assert body(text) == "return a + b\n"


def test_several_blocks_pick_the_one_that_defines_the_function():
    text = (
        "First the usage:\n```python\nprint(add(1, 2))\n```\n"
        "Then the code:\n```python\ndef add(a, b):\n    return a + b\n```\n"
        "And a test:\n```python\nassert add(1, 2) == 3\n```"
    )
    assert body(text) == "return a + b\n"


def test_of_two_versions_of_the_def_the_last_wins():
    text = "```python\ndef add(a, b):\n    return a - b\n```\nOops, fixed:\n```python\ndef add(a, b):\n    return a + b\n```"
    assert body(text) == "return a + b\n"


def test_blocks_in_other_languages_are_ignored():
    text = "```bash\npip install numpy\n```\n```python\nreturn a + b\n```"
    assert body(text) == "return a + b\n"


def test_an_import_only_block_joins_the_chosen_block():
    text = "```python\nimport math\n```\n```python\ndef add(a, b):\n    return math.fsum([a, b])\n```"
    answer = read_answer(extract_code(text, "add"), "add")
    assert answer.imports == ["import math"] and answer.body == "return math.fsum([a, b])\n"


def test_imports_at_the_top_of_a_whole_def_are_returned_apart():
    answer = read_answer(extract_code("```python\nimport re\nfrom os import path\n\ndef add(a, b):\n    return a\n```", "add"), "add")
    assert answer.imports == ["import re", "from os import path"]


def test_the_class_around_the_method():
    text = "```python\nclass Calculator:\n    def add(self, a, b):\n        return a + b\n```"
    assert body(text) == "return a + b\n"


def test_wrong_and_mixed_indentation_and_tabs():
    assert body("        x = a + b\n        return x") == "x = a + b\nreturn x\n"
    assert body("x = a + b\n    return x") == "x = a + b\nreturn x\n"
    assert body("```python\n\tif a:\n\t\treturn a\n\treturn b\n```") == "if a:\n\treturn a\nreturn b\n"


def test_a_block_cut_off_at_the_end_still_counts():
    assert body("```python\nreturn a + b\n") == "return a + b\n"


def test_reasoning_in_think_tags_is_dropped():
    text = "<think>\nMaybe `return 0`?\n```python\nreturn 0\n```\n</think>\n```python\nreturn a + b\n```"
    assert body(text) == "return a + b\n"


def test_unfenced_code_with_prose_around_it():
    text = "Sure, here is the body:\nresult = a + b\nreturn result\nHope this helps!"
    assert body(text) == "result = a + b\nreturn result\n"


def test_crlf_answers():
    assert body("```python\r\nreturn a + b\r\n```\r\n") == "return a + b\n"


@pytest.mark.parametrize(
    "text", ["", "   \n", "I cannot help with that.", "Sure", "Done.", "<think>nothing</think>", "```python\n```"]
)
def test_an_answer_without_code_says_so(text):
    with pytest.raises(NoCodeError):
        extract_code(text, "add")


def test_code_that_does_not_parse_is_kept_for_the_validator_to_report():
    assert extract_code("```python\nreturn (a +\n```", "add") == "return (a +"


def test_the_file_s_own_class_repeated_around_the_function_is_passed_over_and_a_new_one_refused():
    from nodegen.pysource import AnswerError

    whole_file = (
        "```python\nfrom typing import Any\n\n\ndef _clean(records: list[Any]) -> list[Any]:\n"
        "    return [r for r in records if r]\n\n\nclass NodeX:\n    def run(self) -> None:\n        pass\n```"
    )
    code = extract_code(whole_file, "_clean")
    answer = read_answer(code, "_clean", echoed={"NodeX", "Any"})
    assert answer.body == "return [r for r in records if r]\n" and answer.helpers == []
    with pytest.raises(AnswerError, match="module-level code besides `_clean` at line 8: class NodeX:"):
        read_answer(code, "_clean")  # a class the file does not define is not the stub's to add


def test_the_file_s_own_constant_repeated_above_the_function_is_passed_over():
    from nodegen.pysource import AnswerError

    code = extract_code('```python\nFIX = """Add more test cases."""\n\ndef vowels(s):\n    return 0\n```', "vowels")
    assert read_answer(code, "vowels", echoed={"FIX"}).body == "return 0\n"  # HumanEval/64's answer
    with pytest.raises(AnswerError, match="line 1: FIX = "):
        read_answer(code, "vowels", echoed={"OTHER"})


def test_code_after_the_function_that_only_tries_it_out_is_dropped():
    from nodegen.pysource import AnswerError

    tried = (
        "```python\ndef clean(records):\n    return [r for r in records if r]\n\n# Example usage\n"
        'records = [{"a": 1}, {}]\ncleaned = clean(records)\nprint("Cleaned:", cleaned)\n```'
    )
    assert read_answer(extract_code(tried, "clean"), "clean").body == "return [r for r in records if r]\n"
    guarded = (
        "```python\ndef clean(records):\n    return records\n\ntry:\n    print(clean([1]))\nexcept ValueError as e:\n"
        "    print(e)\nfor case in ([], [2]):\n    assert clean(case) == case\n```"
    )
    assert read_answer(extract_code(guarded, "clean"), "clean").body == "return records\n"
    kept = "```python\ndef clean(records):\n    return LIMIT\n\nLIMIT = 3\n```"  # not a trial: the module's code
    with pytest.raises(AnswerError, match="line 4: LIMIT = 3"):
        read_answer(extract_code(kept, "clean"), "clean")
    setup = "```python\ndef clean(records):\n    return LIMIT\n\ntry:\n    LIMIT = int('3')\nexcept ValueError:\n    LIMIT = 0\n```"
    with pytest.raises(AnswerError, match="line 4: try:"):  # no call of the target: the module's own code
        read_answer(extract_code(setup, "clean"), "clean")
