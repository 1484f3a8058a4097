"""How stubs are generated: attempts, candidates, sampling, and the prompt and retry styles by provider."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from nodegen.llm import ProviderCapabilities, RetryPolicy

from .prompting import PromptStyle, RetryStyle

REPAIRED_ATTEMPTS = 3
RESAMPLED_ATTEMPTS = 10
LATE_ATTEMPT = 7  # from this attempt on, retries sample at ``late_retry_temperature``
BODY_TOKENS = 768  # an in-process model's answer besides the stub it writes again (``answer_tokens``)


@dataclass(frozen=True, slots=True)
class GenerationOptions:
    """How stubs are generated."""

    max_attempts: int | None = None  # None: ``attempts_for`` the retry style
    candidates: int = 1  # drawn from the first passing one on, chosen by execution (``selection``)
    prompt_token_budget: int = 6000
    max_output_tokens: int = 2048
    temperature: float = 0.0
    retry_temperature: float = 0.6  # attempts 2 to LATE_ATTEMPT - 1: never the same greedy answer again
    late_retry_temperature: float = 1.0  # from LATE_ATTEMPT on: the draws near the greedy answer have failed
    seed: int = 0  # retries sample with seed + attempt number: runs are reproducible
    retry_style: RetryStyle | Literal["auto"] = "auto"  # what a retry sends (``prompt_repair.retry_messages``)
    prompt_style: PromptStyle | Literal["auto"] = "auto"  # ``prompting.system_prompt``
    answer_start: Literal["auto", "methods", "off"] = "auto"  # ``answer_start_for``
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    store_texts: bool = False
    max_answer_chars: int = 20_000

    def retry_style_for(self, provider: ProviderCapabilities) -> RetryStyle:
        """``auto``: repair for a provider that follows findings (a capable model acts on the findings beside its
        answer), resample for the others (the in-process local models: a small model copies a failed answer back)."""
        if self.retry_style != "auto":
            return self.retry_style
        return "repair" if provider.follows_findings else "resample"

    def prompt_style_for(self, provider: ProviderCapabilities) -> PromptStyle:
        """``auto``: nodegen's conventions for a provider that follows them, the plain prompt for the others
        (measured: the full conventions cost the local 0.5B model 8 of 164 HumanEval problems)."""
        if self.prompt_style != "auto":
            return self.prompt_style
        return "full" if provider.follows_findings else "plain"

    def answer_tokens(self, provider: ProviderCapabilities, stub_source: str) -> int:
        """Most tokens one answer for a stub whose signature and docstring are ``stub_source`` may take:
        ``max_output_tokens``; for an in-process model (whose long answers are a loop that would ramble for minutes)
        at most ``BODY_TOKENS`` besides the stub it writes again (about 3 characters a token). A ``nodegen new``
        operation's docstring holds its examples: the 1.5B model's InvoiceFetcher answers wrote it again and were
        cut mid-body at a fixed 768 tokens on five of nine attempts."""
        if not provider.continues_answer:
            return self.max_output_tokens
        return min(self.max_output_tokens, BODY_TOKENS + len(stub_source) // 3)

    def answer_start_for(self, provider: ProviderCapabilities) -> Literal["methods", "off"]:
        """``auto``: ``methods`` for a provider that can continue an answer nodegen starts (the in-process local
        models): a method's answer starts with its signature and docstring, so the model writes only the body and
        stops where the method ends (the 0.5B model otherwise writes the whole class again, up to its output limit);
        ``off`` for the others."""
        if self.answer_start != "auto":
            return self.answer_start
        return "methods" if provider.continues_answer else "off"

    def attempts_for(self, provider: ProviderCapabilities) -> int:
        """``max_attempts``, or by default 3 when retries repair (a capable model acts on the findings or does not)
        and 10 when they resample (a fresh draw each time: on HumanEval with the local model, 6 draws fill 8 of the
        33 stubs that 3 left unfilled, 5 of them correctly; 4 more draws at the late temperature fill 7 of the 29
        that 6 left, 5 of them correctly)."""
        if self.max_attempts is not None:
            return self.max_attempts
        return RESAMPLED_ATTEMPTS if self.retry_style_for(provider) == "resample" else REPAIRED_ATTEMPTS

    def sampling(self, attempt: int) -> dict[str, Any]:
        """Temperature and seed of attempt ``attempt`` (1-based): the first as configured (no seed, so its cache
        and replay keys stay those of earlier runs), the next five at ``retry_temperature`` and the later ones at
        ``late_retry_temperature`` (measured on the 29 HumanEval stubs the local model left unfilled after 6
        attempts: attempts 7-10 at 1.0 filled 5 correctly and 2 wrongly, at 0.6 1 correctly and 2 wrongly), each
        with a seed derived from the attempt number."""
        if attempt <= 1:
            return {"temperature": self.temperature}
        retry = (
            self.retry_temperature
            if attempt < LATE_ATTEMPT
            else max(self.retry_temperature, self.late_retry_temperature)
        )
        return {"temperature": max(self.temperature, retry), "seed": self.seed + attempt}


__all__ = ["GenerationOptions"]
