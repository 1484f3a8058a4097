"""The real embedded model, Qwen2.5-Coder-0.5B-Instruct, in-process: its own chat template, one loaded model per
process, llama.cpp's prefix cache counted, seed and temperature honoured, a file llama.cpp refuses, and `nodegen fill`
writing stubs whose code passes their tests.

The model comes from the installed data wheels through the per-user cache (assembled once per machine)."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from nodegen.llm import (
    EnumChatRole,
    EnumLLMFailure,
    LLMError,
    LocalGGUFClient,
    ModelChatMessage,
    ModelCompletion,
    ModelCompletionRequest,
    ModelLLMOptions,
    create_llm_client,
)
from tests.support.class_stubs import TALLY

ROOT = Path(__file__).resolve().parent.parent
NODEGEN = Path(sys.executable).parent / "nodegen"


def _local() -> LocalGGUFClient:
    client = create_llm_client(ModelLLMOptions(llm="local"))
    assert isinstance(client, LocalGGUFClient)
    return client


def _request(system: str, user: str, *, max_tokens: int = 48, **sampling: float | int) -> ModelCompletionRequest:
    return ModelCompletionRequest(
        system=system,
        messages=[ModelChatMessage(role=EnumChatRole.USER, content=user)],
        max_tokens=max_tokens,
        **sampling,  # type: ignore[arg-type]
    )


def _last_prompt(client: LocalGGUFClient) -> str:
    """The text of the last prompt the model read (its sequences context decodes every call without a schema)."""
    model = client.shared()
    with model.lock:
        llama = model.load()
        return str(llama.detokenize(model.decoder(client.capabilities.samples_together).prompt, special=True).decode())


def test_local_is_the_qwen_coder_model_with_the_chat_template_from_its_gguf():
    client = _local()
    assert str(client.identity) == "local:Qwen2.5-Coder-0.5B-Instruct-Q4_K_M"
    model = client.shared()
    with model.lock:
        llama = model.load()
    assert llama.chat_format == "chat_template.default"  # the template in the file's metadata, not a built-in guess
    assert "<|im_start|>" in llama.metadata["tokenizer.chat_template"]


async def test_the_prompt_is_laid_out_by_the_qwen_template():
    client = _local()
    system = f"You write Python. ({uuid.uuid4().hex})"
    await client.complete(_request(system, "Say OK.", max_tokens=4))
    prompt = _last_prompt(client)
    assert (
        prompt
        == f"<|im_start|>system\n{system}<|im_end|>\n<|im_start|>user\nSay OK.<|im_end|>\n<|im_start|>assistant\n"
    )


def test_clients_of_one_process_share_one_loaded_model():
    first, second = _local(), _local()
    assert first is not second and first.shared() is second.shared()
    with first.shared().lock:
        assert first.shared().load() is second.shared().load()


async def test_a_second_prompt_sharing_a_long_prefix_evaluates_only_what_differs():
    client = _local()
    conventions = " ".join(f"Convention {n}: functions have type hints and a docstring." for n in range(20))
    system = f"{uuid.uuid4().hex} You complete Python stubs. {conventions}"
    first = await client.complete(_request(system, "Implement `def add(a: int, b: int) -> int`.", max_tokens=8))
    second = await client.complete(_request(system, "Implement `def sub(a: int, b: int) -> int`.", max_tokens=8))
    assert first.input_tokens > 200 and second.input_tokens == first.input_tokens
    assert first.prompt_tokens_evaluated is not None and first.prompt_tokens_evaluated >= first.input_tokens - 5
    assert second.prompt_tokens_evaluated is not None and second.prompt_tokens_evaluated < 30
    assert 0 < second.output_tokens <= 8


async def test_the_request_seed_and_temperature_decide_the_sampling():
    client = _local()
    system = "You are a poet."
    ask = "Write one short line about the sea."
    # llama.cpp's logits differ in their last bits between a prompt read in one batch and one served by the prefix
    # cache: a first call puts the prompt in the cache, so that every call below reads it the same way
    await client.complete(_request(system, ask, max_tokens=8))
    same = [await client.complete(_request(system, ask, max_tokens=12, temperature=1.2, seed=7)) for _ in range(2)]
    assert same[0].text == same[1].text
    others = {
        (await client.complete(_request(system, ask, max_tokens=12, temperature=1.2, seed=s))).text for s in (1, 2)
    }
    assert len(others | {same[0].text}) > 1
    greedy = [await client.complete(_request(system, ask, max_tokens=12, seed=s)) for s in (1, 2)]
    assert greedy[0].text == greedy[1].text  # temperature 0: the seed does not matter


async def test_a_file_llama_cpp_cannot_read_is_refused_clearly(tmp_path):
    bogus = tmp_path / "notes.gguf"
    bogus.write_bytes(b"these are notes, not a model\n" * 100)
    client = create_llm_client(ModelLLMOptions(llm=f"gguf:{bogus}"))
    with pytest.raises(LLMError) as raised:
        await client.complete(_request("s", "hello"))
    assert raised.value.kind is EnumLLMFailure.UNAVAILABLE
    assert f"llama.cpp cannot load {bogus}" in raised.value.message and "not a GGUF model file" in raised.value.message


STUBS = '''\
"""Small helpers."""


def is_palindrome(text: str) -> bool:
    """Return True if text reads the same forwards and backwards, else False.

    >>> is_palindrome("level")
    True
    >>> is_palindrome("hello")
    False
    """
    # IMPLEMENTATION REQUIRED
    pass


def count_vowels(text: str) -> int:
    """Return how many of the characters of text are vowels (a, e, i, o, u, in lower or upper case).

    >>> count_vowels("Hello World")
    3
    """
    # IMPLEMENTATION REQUIRED
    pass
'''

CHECKS = """
from helpers import count_vowels, is_palindrome
assert is_palindrome("level") and is_palindrome("a") and is_palindrome("") and not is_palindrome("hello")
assert count_vowels("Hello World") == 3 and count_vowels("AEIOU xyz") == 5 and count_vowels("") == 0
print("ok")
"""


def _fill_locally(folder: Path, name: str, *, timeout: float) -> dict[str, object]:
    """`nodegen fill NAME --llm local` in ``folder`` (a real process, the real model, no cache of answers)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("NODEGEN_")}
    filled = subprocess.run(
        [str(NODEGEN), "fill", name, "--llm", "local", "--no-cache", "--json"],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert filled.returncode == 0, filled.stdout[-3000:] + filled.stderr[-3000:]
    result: dict[str, object] = json.loads(filled.stdout)
    return result


async def test_answers_asked_at_once_with_one_prompt_are_decoded_together():
    client = _local()
    assert client.capabilities.samples_together == 4
    start = '```python\ndef double(n: int) -> int:\n    """Twice n."""\n'
    base = _request(f"You write Python. ({uuid.uuid4().hex})", "Write `double`.", max_tokens=40).model_copy(
        update={"answer_start": start, "stop": ["\n```", "\ndef "]}
    )
    asks = [base.model_copy(update={"temperature": 0.0 if n == 0 else 1.0, "seed": n}) for n in range(3)]
    asks.append(base.model_copy(update={"max_tokens": 3}))  # its own limit

    async def together() -> list[ModelCompletion]:
        return list(await asyncio.gather(*(client.complete(request) for request in asks)))

    answers = await together()
    # the prompt was read once, for the first; the others shared it
    assert answers[0].prompt_tokens_evaluated is not None and answers[0].prompt_tokens_evaluated > 20
    assert [answer.prompt_tokens_evaluated for answer in answers[1:]] == [0, 0, 0]
    assert all(answer.text.startswith(start) and answer.input_tokens == answers[0].input_tokens for answer in answers)
    for answer in answers[:3]:  # each stopped where the body ends, before its stop text
        assert "return" in answer.text[len(start) :] and "```" not in answer.text[len(start) :]
        assert answer.output_tokens < 40
    assert answers[3].output_tokens == 3
    # the same draws from the same state give the same answers: the seed decides each (the first batch read the
    # whole prompt; every later one reads its last token again, so these two compare alike)
    again, once_more = await together(), await together()
    assert [answer.text for answer in again] == [answer.text for answer in once_more]
    alone = await client.complete(asks[0])  # a call made alone takes the one-answer path
    assert alone.text.startswith(start) and "return" in alone.text


@pytest.mark.slow
def test_nodegen_fill_with_the_local_model_writes_stubs_that_pass_their_tests(tmp_path):
    """Two easy stubs through the whole `nodegen fill`."""
    (tmp_path / "helpers.py").write_text(STUBS)
    result = _fill_locally(tmp_path, "helpers.py", timeout=240)
    assert result["llm"].startswith("local:Qwen2.5-Coder-0.5B-Instruct")
    source = (tmp_path / "helpers.py").read_text()
    assert "IMPLEMENTATION REQUIRED" not in source
    checked = subprocess.run(
        [sys.executable, "-c", CHECKS], cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False
    )
    assert checked.returncode == 0 and checked.stdout.strip() == "ok", source + checked.stderr


async def test_a_prompt_longer_than_the_context_window_is_a_bad_request():
    path = _local().path
    small = LocalGGUFClient(path, context_tokens=512, name="small-context")
    with pytest.raises(LLMError) as raised:
        await small.complete(_request("s", "word " * 2000))
    assert raised.value.kind is EnumLLMFailure.BAD_REQUEST and "context window" in raised.value.message
    small.shared().close()


async def test_an_answer_start_is_continued_in_the_template_and_returned_with_the_rest():
    client = _local()
    start = '```python\ndef double(n: int) -> int:\n    """Twice n."""\n'
    request = _request("You write Python.", "Write `double`.", max_tokens=40).model_copy(
        update={"answer_start": start, "stop": ["\n```", "\ndef "]}
    )
    answer = await client.complete(request)
    assert answer.text.startswith(start) and "return" in answer.text[len(start) :]
    assert "```" not in answer.text[len(start) :] and answer.output_tokens < 40  # it stopped where the body ends
    prompt = _last_prompt(client)
    assert prompt.endswith("<|im_start|>assistant\n" + start)  # the model's own template, the start after it


@pytest.mark.slow
def test_a_class_s_methods_are_answered_body_only_and_checked_with_their_siblings_in_place(tmp_path):
    """`count`'s example needs `add`: it can pass only once `add`'s code stands in the class it runs against."""
    (tmp_path / "tally.py").write_text(TALLY)
    result = _fill_locally(tmp_path, "tally.py", timeout=600)
    assert isinstance(result["stubs"], list)
    assert all(stub["status"] == "filled" for stub in result["stubs"]), result["stubs"]
    for stub in result["stubs"]:
        assert stub["completion_tokens"] < 120 * stub["attempts"]  # a body each, not the whole class again
    checked = subprocess.run(
        [sys.executable, "-c", "from tally import Tally\nt = Tally()\nt.add('x'); t.add('x')\nprint(t.count('x'))"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert checked.stdout.strip() == "2", (tmp_path / "tally.py").read_text()


def test_an_answer_decoded_in_a_batch_ends_as_a_lone_one_does():
    from nodegen.llm.local_batch import Decoded, Draw, _advance

    stops = Draw(temperature=0.0, seed=0, max_tokens=10, stop=("\n```", "\ndef "))
    answer = Decoded()
    assert not _advance(answer, stops, b"    return n")
    assert _advance(answer, stops, b" * 2\n``") is False  # not yet a stop text
    assert _advance(answer, stops, b"`\nmore")  # the stop text completed across pieces: cut before it
    assert answer.answer == "    return n * 2" and answer.tokens == 3
    block = Decoded()
    fenced = Draw(temperature=0.5, seed=1, max_tokens=10)
    assert not _advance(block, fenced, b"```python\nx = 1\n")
    assert _advance(block, fenced, b"```")  # a closed code block ends it, kept whole
    assert block.answer == "```python\nx = 1\n```"
    short = Decoded()
    assert [_advance(short, Draw(0.0, 0, max_tokens=2), piece) for piece in (b"a", b"b")] == [False, True]
    split = Decoded()  # a character split over two tokens reads whole once both came
    _advance(split, fenced, "é".encode()[:1])
    _advance(split, fenced, "é".encode()[1:])
    assert split.answer == "é"
