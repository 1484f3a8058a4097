"""Model of one word and how often it occurs."""

from pydantic import BaseModel, Field


class ModelWordCount(BaseModel):
    """A word and its number of occurrences."""

    word: str = Field(min_length=1)
    count: int = Field(ge=1)
