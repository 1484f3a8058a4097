"""Model of one executed intent."""

from __future__ import annotations

from uuid import UUID

from pydantic import BaseModel


class ModelIntentExecution(BaseModel):
    """An intent the orchestrator carried out (or could not)."""

    intent_id: UUID
    intent_type: str
    target: str
    priority: int
    success: bool
    error: str | None = None
