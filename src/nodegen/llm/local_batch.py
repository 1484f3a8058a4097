"""Several answers to one prompt decoded together: llama.cpp's multi-sequence batch on the loaded model.

On a CPU, decoding one token reads every weight of the model; decoding one token for each of four sequences in one
``llama_decode`` reads them once, so four answers cost far less than four calls (docs/benchmarks.md measures it).
The prompt is evaluated once into sequence 0 and its cache cells are shared with the other sequences
(``llama_memory_seq_cp`` on a unified KV cache); then each step decodes the next token of every unfinished answer in
one batch, each answer sampled by its own chain (greedy at temperature 0, else top-k 40, top-p 0.95, min-p 0.05,
the temperature and the answer's seed: llama-cpp-python's defaults). An answer ends at an end-of-generation token,
at its token limit, at the first of its stop texts (cut before it), once it holds a closed fenced code block, or at
the deadline (with what it has written).

The batch context is a second context on the model the :class:`~nodegen.llm.local_llama.SharedModel` loaded (its
weights are shared, its KV cache its own), made on first use; the caller holds the model's lock.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import llama_cpp

from .local import holds_closed_block

_BATCH = 512  # prompt tokens per llama_decode


@dataclass(frozen=True, slots=True)
class Draw:
    """One answer wanted: how it is sampled and where it stops."""

    temperature: float
    seed: int
    max_tokens: int
    stop: tuple[str, ...] = ()


@dataclass(slots=True)
class Decoded:
    """One answer: its text (after the prompt) and the tokens it took."""

    text: str | None = None  # set when a stop text cut it; else the pieces as written
    tokens: int = 0
    done: bool = False
    pieces: bytearray = field(default_factory=bytearray)

    @property
    def answer(self) -> str:
        """The answer's text."""
        return self.text if self.text is not None else self.pieces.decode("utf-8", "replace")


def _sampler(draw: Draw) -> Any:
    """The answer's sampler chain (freed by the caller with ``llama_sampler_free``)."""
    chain = llama_cpp.llama_sampler_chain_init(llama_cpp.llama_sampler_chain_default_params())
    if draw.temperature <= 0:
        steps = [llama_cpp.llama_sampler_init_greedy()]
    else:
        steps = [
            llama_cpp.llama_sampler_init_top_k(40),
            llama_cpp.llama_sampler_init_top_p(0.95, 1),
            llama_cpp.llama_sampler_init_min_p(0.05, 1),
            llama_cpp.llama_sampler_init_temp(draw.temperature),
            llama_cpp.llama_sampler_init_dist(draw.seed),
        ]
    for step in steps:
        llama_cpp.llama_sampler_chain_add(chain, step)
    return chain


def _advance(answer: Decoded, draw: Draw, piece: bytes) -> bool:
    """Add a token's text to ``answer``; True when the answer is complete: cut before its first stop text, or
    holding a closed code block (looked for only when the piece holds a backtick, as the one-answer path does)."""
    answer.pieces += piece
    answer.tokens += 1
    tail = bytes(answer.pieces[-(len(piece) + max((len(stop) * 4 for stop in draw.stop), default=0)) :])
    if any(stop.encode() in tail for stop in draw.stop if stop):
        text = answer.pieces.decode("utf-8", "replace")
        answer.text = text[: min(text.find(stop) for stop in draw.stop if stop and stop in text)]
        return True
    if b"`" in piece and holds_closed_block(answer.pieces.decode("utf-8", "replace")):
        return True
    return answer.tokens >= draw.max_tokens


class BatchDecoder:
    """A context of ``sequences`` sequences on a loaded model, for answers to one prompt decoded together."""

    def __init__(self, llama: Any, context_tokens: int, threads: int, sequences: int) -> None:
        params = llama_cpp.llama_context_default_params()
        params.n_ctx = context_tokens
        params.n_batch = params.n_ubatch = _BATCH
        params.n_seq_max = sequences
        params.kv_unified = True  # the prompt's cells are shared by every sequence, not copied
        params.n_threads = params.n_threads_batch = threads
        self.llama = llama
        self.sequences = sequences
        self.context_tokens = context_tokens
        context = llama_cpp.llama_init_from_model(llama._model.model, params)
        if context is None:
            raise RuntimeError("llama.cpp could not make a context for several sequences")
        self._context: Any = context
        self._memory: Any = llama_cpp.llama_get_memory(context)
        self._batch: Any = llama_cpp.llama_batch_init(_BATCH, 0, sequences)
        self._prompt: list[int] = []  # what sequence 0 holds: the last prompt, reused where the next one starts alike
        self.prompt_tokens_evaluated = 0

    @property
    def prompt(self) -> list[int]:
        """The tokens of the last prompt (what sequence 0 holds)."""
        return list(self._prompt)

    def forget(self) -> None:
        """Forget every evaluated token: the next prompt is read whole."""
        llama_cpp.llama_memory_clear(self._memory, True)
        self._prompt = []

    def fitting(self, prompt_tokens: int, draws: Sequence[Draw]) -> int:
        """How many of ``draws`` (the first ones) fit at once: the prompt and each answer's most tokens in the
        context, no more than its sequences."""
        room, count = self.context_tokens - prompt_tokens, 0
        for draw in draws[: self.sequences]:
            room -= draw.max_tokens
            if room < 0:
                break
            count += 1
        return count

    def _decode(self) -> None:
        code = llama_cpp.llama_decode(self._context, self._batch)
        if code != 0:
            raise RuntimeError(f"llama_decode returned {code}")

    def _put(self, slot: int, token: int, position: int, sequence: int, logits: bool) -> None:
        batch = self._batch
        batch.token[slot] = token
        batch.pos[slot] = position
        batch.seq_id[slot][0] = sequence
        batch.n_seq_id[slot] = 1
        batch.logits[slot] = logits

    def _read_prompt(self, tokens: list[int]) -> int:
        """Evaluate ``tokens`` into sequence 0 (the start it shares with the previous prompt is kept; the other
        sequences are empty: ``decode`` clears them); the batch slot of the last token's logits."""
        kept, most = 0, min(len(self._prompt), len(tokens) - 1)  # the last token is read again: its logits
        while kept < most and self._prompt[kept] == tokens[kept]:
            kept += 1
        llama_cpp.llama_memory_seq_rm(self._memory, 0, kept, -1)
        self._prompt = tokens[:kept]  # what sequence 0 holds, as each part is read (a failed read keeps it true)
        self.prompt_tokens_evaluated = len(tokens) - kept
        last = 0
        for start in range(kept, len(tokens), _BATCH):
            part = tokens[start : start + _BATCH]
            for slot, token in enumerate(part):
                self._put(slot, token, start + slot, 0, slot == len(part) - 1)
            self._batch.n_tokens = last = len(part)
            self._decode()
            self._prompt += part
        return last - 1

    def decode(self, prompt: list[int], draws: Sequence[Draw], deadline: float) -> list[Decoded]:
        """One answer per draw to ``prompt`` (at least one token long), decoded together."""
        last = self._read_prompt(prompt)
        for sequence in range(1, len(draws)):
            llama_cpp.llama_memory_seq_cp(self._memory, 0, sequence, -1, -1)
        samplers = [_sampler(draw) for draw in draws]
        answers = [Decoded() for _ in draws]
        logits_at = [last] * len(draws)
        position = len(prompt)
        vocab = self.llama._model.vocab
        try:
            while True:
                slots = 0
                for sequence, (draw, answer, sampler) in enumerate(zip(draws, answers, samplers, strict=True)):
                    if answer.done:
                        continue
                    token = llama_cpp.llama_sampler_sample(sampler, self._context, logits_at[sequence])
                    llama_cpp.llama_sampler_accept(sampler, token)
                    if llama_cpp.llama_vocab_is_eog(vocab, token) or _advance(
                        answer, draw, self.llama.detokenize([token])
                    ):
                        answer.done = True
                        continue
                    self._put(slots, token, position, sequence, True)
                    logits_at[sequence] = slots
                    slots += 1
                if slots == 0 or time.monotonic() >= deadline:
                    break
                self._batch.n_tokens = slots
                self._decode()
                position += 1
        finally:
            for sampler in samplers:
                llama_cpp.llama_sampler_free(sampler)
            for sequence in range(1, len(draws)):
                llama_cpp.llama_memory_seq_rm(self._memory, sequence, -1, -1)
            llama_cpp.llama_memory_seq_rm(self._memory, 0, len(prompt), -1)  # sequence 0 keeps the prompt alone
        return answers

    def close(self) -> None:
        """Free the batch and the context (before the model is freed)."""
        llama_cpp.llama_batch_free(self._batch)
        llama_cpp.llama_free(self._context)


__all__ = ["BatchDecoder", "Decoded", "Draw"]
