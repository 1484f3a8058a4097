"""Model of the node's input."""

from pydantic import BaseModel, Field


class ModelWordFrequencyRequest(BaseModel):
    """Text to analyse and how many of the most frequent words to return."""

    text: str
    top_n: int = Field(default=10, ge=1, le=1000)
    stop_words: list[str] = Field(default_factory=list)
