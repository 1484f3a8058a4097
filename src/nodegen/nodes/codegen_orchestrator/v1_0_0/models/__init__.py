"""Public models of NodeCodegenOrchestrator."""

from .enum_stub_status import EnumStubStatus
from .model_codegen_orchestration_request import ModelCodegenOrchestrationRequest
from .model_codegen_orchestration_result import ModelCodegenOrchestrationResult
from .model_file_outcome import ModelFileOutcome
from .model_fill_state import ModelFileRun, ModelFillState
from .model_intent_execution import ModelIntentExecution
from .model_scaffold_report import ModelPackageTests, ModelScaffoldReport
from .model_spec_stage import ModelSpecStage
from .model_stub_outcome import ModelStubOutcome
from .model_stub_ref import ModelStubRef

__all__ = [
    "EnumStubStatus",
    "ModelCodegenOrchestrationRequest",
    "ModelCodegenOrchestrationResult",
    "ModelFileOutcome",
    "ModelFileRun",
    "ModelFillState",
    "ModelIntentExecution",
    "ModelPackageTests",
    "ModelScaffoldReport",
    "ModelSpecStage",
    "ModelStubOutcome",
    "ModelStubRef",
]
