"""Model of the generator's result for one file."""

from __future__ import annotations

from pydantic import BaseModel, Field

from .model_generation_event import ModelGenerationEvent
from .model_stub_generation import ModelStubGeneration


class ModelCodeGenerationResult(BaseModel):
    """Every stub's outcome, the attempts as events, and the totals."""

    success: bool = Field(description="Every requested stub has code that passed validation")
    file_path: str | None = None
    llm: str = Field(description="Who answered, e.g. 'openai:gpt-4o-mini at http://127.0.0.1:8000/v1'")
    generations: list[ModelStubGeneration] = Field(default_factory=list)
    events: list[ModelGenerationEvent] = Field(default_factory=list)
    stubs_total: int = Field(ge=0)
    stubs_generated: int = Field(ge=0)
    stubs_failed: int = Field(ge=0)
    prompt_tokens: int = Field(default=0, ge=0)
    completion_tokens: int = Field(default=0, ge=0)
    cost_usd: float | None = Field(default=None, description="None when a call's price is unknown")
    budget_exhausted: str | None = Field(default=None, description="Why the run's budget stopped new calls, if it did")
    duration_ms: float = Field(ge=0.0)
