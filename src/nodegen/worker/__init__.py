"""Fill at scale: `nodegen worker`s in a Kafka consumer group fill one file per request as a dry run and store the
results in the shared PostgreSQL database; `nodegen submit` sends a run's files and writes the results locally."""

from .models import (
    COMPLETED_TOPIC,
    DEAD_LETTER_TOPIC,
    FAILED_TOPIC,
    REQUEST_SETTINGS,
    REQUEST_TOPIC,
    STARTED_TOPIC,
    EnumFillStatus,
    ModelAppliedFile,
    ModelFillRequest,
    ModelFillResult,
    ModelFillRun,
    content_hash,
)
from .runner import ModelWorkerOptions, Worker
from .submit import Submitter

__all__ = [
    "COMPLETED_TOPIC",
    "DEAD_LETTER_TOPIC",
    "FAILED_TOPIC",
    "REQUEST_SETTINGS",
    "REQUEST_TOPIC",
    "STARTED_TOPIC",
    "EnumFillStatus",
    "ModelAppliedFile",
    "ModelFillRequest",
    "ModelFillResult",
    "ModelFillRun",
    "ModelWorkerOptions",
    "Submitter",
    "Worker",
    "content_hash",
]
