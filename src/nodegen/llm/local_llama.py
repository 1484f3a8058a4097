"""llama-cpp-python's ``Llama``, counting what each call really costs, and one loaded model per file per process.

llama-cpp-python keeps the previous call's tokens in the KV cache and, on the next call, evaluates only the prompt
tokens after the longest common prefix (``Llama.generate``). :class:`CountingLlama` records, for the last call, the
prompt's tokens, how many of them were evaluated (the rest came from that cache) and how many tokens it generated.

Loading a model costs seconds and the prefix cache lives in the ``Llama`` object, so a model is loaded once per
process and shared by every client of the same file (:func:`shared_model`): several generators built by one run reuse
it, and calls on it are serialised by its lock (llama.cpp is not safe to call from two threads at once).

This module imports llama_cpp (~0.3 s): ``local`` imports it only when a local model is first loaded.
"""

from __future__ import annotations

import atexit
import threading
from collections.abc import Generator, Sequence
from pathlib import Path
from typing import Any

from llama_cpp import Llama

from .local_batch import BatchDecoder
from .protocol import EnumLLMFailure, LLMError


class CountingLlama(Llama):
    """``Llama`` that counts the prompt tokens it evaluates and the tokens it generates on each call."""

    last_prompt_tokens: list[int]
    prompt_tokens_evaluated: int
    generated_tokens: int

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.last_prompt_tokens = []
        self.prompt_tokens_evaluated = 0
        self.generated_tokens = 0
        self._counting_prompt = False
        super().__init__(*args, **kwargs)

    def eval(self, tokens: Sequence[int]) -> None:
        """Evaluate ``tokens`` (counted while the prompt is being read)."""
        if self._counting_prompt:
            self.prompt_tokens_evaluated += len(tokens)
        super().eval(tokens)

    def generate(self, tokens: Sequence[int], *args: Any, **kwargs: Any) -> Generator[int, Sequence[int] | None, None]:
        """``Llama.generate``: the whole prompt is evaluated before the first token comes out, so what ``eval``
        receives until then is what the prefix cache did not serve."""
        self.last_prompt_tokens = list(tokens)
        self.prompt_tokens_evaluated = 0
        self.generated_tokens = 0
        self._counting_prompt = True
        inner = super().generate(tokens, *args, **kwargs)
        try:
            try:
                token = next(inner)
            except StopIteration:
                return
            finally:
                self._counting_prompt = False
            while True:
                self.generated_tokens += 1
                sent = yield token
                try:
                    token = inner.send(sent)
                except StopIteration:
                    return
        finally:
            inner.close()


class SharedModel:
    """One model file loaded once, behind the lock every call takes."""

    def __init__(self, path: Path, context_tokens: int, threads: int) -> None:
        self.path = path
        self.context_tokens = context_tokens
        self.threads = threads
        self.lock = threading.Lock()
        self._llama: CountingLlama | None = None
        self._decoder: BatchDecoder | None = None

    def load(self) -> CountingLlama:
        """The loaded model (loaded on first use; the caller holds ``lock``). ``LLMError(UNAVAILABLE)`` when
        llama.cpp refuses the file. The chat template is the one in the GGUF's metadata (no ``chat_format`` is
        forced)."""
        if self._llama is None:
            try:
                self._llama = CountingLlama(
                    model_path=str(self.path),
                    n_ctx=self.context_tokens,
                    n_threads=self.threads,
                    verbose=False,
                )
            except ValueError as error:
                raise LLMError(
                    EnumLLMFailure.UNAVAILABLE,
                    f"llama.cpp cannot load {self.path} ({error}): it is not a GGUF model file llama.cpp can read. "
                    "Check the file (a GGUF file starts with the bytes 'GGUF'), or choose another with --llm",
                ) from None
        return self._llama

    def decoder(self, sequences: int) -> BatchDecoder:
        """The context that decodes up to ``sequences`` answers to one prompt together (made on first use, beside
        the model's own; the caller holds ``lock``)."""
        if self._decoder is None:
            self._decoder = BatchDecoder(self.load(), self.context_tokens, self.threads, sequences)
        return self._decoder

    def reset(self) -> None:
        """Forget every evaluated token (the next prompt is read from its first token), in both contexts."""
        with self.lock:
            if self._llama is not None:
                self._llama.reset()  # type: ignore[no-untyped-call]  # llama_cpp leaves it unannotated
            if self._decoder is not None:
                self._decoder.forget()

    def close(self) -> None:
        """Free the model (the next call loads it again)."""
        with self.lock:
            if self._decoder is not None:
                self._decoder.close()
                self._decoder = None
            if self._llama is not None:
                self._llama.close()
                self._llama = None


_models: dict[tuple[str, int, int], SharedModel] = {}
_models_lock = threading.Lock()


def shared_model(path: Path, *, context_tokens: int, threads: int) -> SharedModel:
    """The process's one :class:`SharedModel` for this file, context size and thread count."""
    key = (str(path.resolve()), context_tokens, threads)
    with _models_lock:
        model = _models.get(key)
        if model is None:
            model = _models[key] = SharedModel(path, context_tokens, threads)
        return model


def release_shared_models() -> None:
    """Free every loaded model (at exit; tests that need the memory back)."""
    with _models_lock:
        models = list(_models.values())
        _models.clear()
    for model in models:
        model.close()


atexit.register(release_shared_models)

__all__ = ["CountingLlama", "SharedModel", "release_shared_models", "shared_model"]
