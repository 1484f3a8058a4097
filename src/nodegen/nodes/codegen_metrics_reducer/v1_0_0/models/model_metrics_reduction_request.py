"""Model of the reducer's input (``contract.input_state``)."""

from __future__ import annotations

from collections.abc import AsyncIterable, Iterable
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

_MISSING = "Missing required field: events (a list or stream of generation events)"


class ModelMetricsReductionRequest(BaseModel):
    """The generation events to aggregate (models or dicts; a list, any iterable or an async iterable, read once),
    over which window, and whether the persist intent carries one row per attempt."""

    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True)

    events: Any = Field(description="Generation events; unknown or malformed ones are counted and skipped")
    window_seconds: int | None = Field(default=None, description="Default: the metrics_window_seconds setting")
    include_attempts: bool = True

    @model_validator(mode="before")
    @classmethod
    def _events_given(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("events") is None:
            raise ValueError(_MISSING)
        return data

    @field_validator("events", mode="before")
    @classmethod
    def _a_stream(cls, events: Any) -> Any:
        if isinstance(events, str | bytes | dict):
            raise ValueError(_MISSING)
        if not isinstance(events, Iterable | AsyncIterable):
            raise ValueError(f"events must be a list or stream of generation events, got {type(events).__name__}")
        return events

    @field_validator("window_seconds", mode="before")
    @classmethod
    def _whole_seconds(cls, window: Any) -> Any:
        if window is not None and (not isinstance(window, int) or isinstance(window, bool) or window < 1):
            raise ValueError(f"window_seconds must be a whole number of seconds >= 1, got {window!r}")
        return window
