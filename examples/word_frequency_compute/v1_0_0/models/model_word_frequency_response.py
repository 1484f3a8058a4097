"""Model of the node's output."""

from pydantic import BaseModel, Field

from .model_word_count import ModelWordCount


class ModelWordFrequencyResponse(BaseModel):
    """The most frequent words, most frequent first, and totals."""

    top_words: list[ModelWordCount] = Field(default_factory=list)
    total_words: int = Field(ge=0)
    distinct_words: int = Field(ge=0)
