#!/usr/bin/env python3
"""NodeWordFrequencyCompute - count the words of a text and report the most frequent ones.

ONEX v2.0 compliance:
- Suffix-based naming: NodeWordFrequencyCompute
- Extends NodeCompute; pure (no I/O)
- Errors are ModelOnexError with an error code
"""

from __future__ import annotations

from pydantic import ValidationError

from nodegen.onex import EnumCoreErrorCode, ModelContainer, ModelContractCompute, ModelOnexError, NodeCompute

from .models import ModelWordCount, ModelWordFrequencyRequest, ModelWordFrequencyResponse


def normalize_whitespace(text: str) -> str:
    """Collapse every run of whitespace (spaces, tabs, newlines) into one space and strip both ends."""
    # IMPLEMENTATION REQUIRED: use str.split() and " ".join()
    pass


class NodeWordFrequencyCompute(NodeCompute[ModelWordFrequencyResponse]):
    """Counts words case-insensitively, leaving out stop words, and returns the top N."""

    def __init__(self, container: ModelContainer) -> None:
        super().__init__(container)
        self.default_top_n: int = int(container.config.get("word_frequency_top_n", 10))

    async def _run(self, contract: ModelContractCompute) -> ModelWordFrequencyResponse:
        try:
            request = ModelWordFrequencyRequest.model_validate(contract.input_state)
        except ValidationError as error:
            raise ModelOnexError(
                error_code=EnumCoreErrorCode.VALIDATION_ERROR,
                message=f"invalid word frequency request: {error.errors()[0]['msg']}",
                cause=error,
            ) from error
        words = [word for word in self._tokenize(request.text) if word not in set(request.stop_words)]
        return ModelWordFrequencyResponse(
            top_words=self._top_words(words, request.top_n),
            total_words=len(words),
            distinct_words=len(set(words)),
        )

    def _tokenize(self, text: str) -> list[str]:
        """Split ``text`` into lower-case words.

        A word is a maximal run of letters, digits and apostrophes; everything else separates words.
        ``"Don't stop, DON'T!"`` gives ``["don't", "stop", "don't"]``.
        """
        # IMPLEMENTATION REQUIRED: lower-case first, then split on anything that is not a letter, digit or '
        pass

    def _top_words(self, words: list[str], top_n: int) -> list[ModelWordCount]:
        """The ``top_n`` most frequent words, most frequent first; ties in alphabetical order."""
        # IMPLEMENTATION REQUIRED: collections.Counter, then sort by (-count, word)
        pass
