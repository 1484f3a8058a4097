"""Public models of NodeCodegenCodeGeneratorEffect."""

from .enum_attempt_outcome import EnumAttemptOutcome
from .enum_stop_reason import EnumStopReason
from .model_candidate_selection import ModelCandidateSelection
from .model_code_candidate import ModelCodeCandidate
from .model_generation_event import ModelGenerationEvent
from .model_stub_generation import ModelStubGeneration

__all__ = [
    "EnumAttemptOutcome",
    "EnumStopReason",
    "ModelCandidateSelection",
    "ModelCodeCandidate",
    "ModelGenerationEvent",
    "ModelStubGeneration",
]
