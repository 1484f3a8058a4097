"""NodeCodegenOrchestrator v1.0.0."""

from .node import NodeCodegenOrchestrator
from .workflow import CodeGenerationWorkflow

__all__ = ["CodeGenerationWorkflow", "NodeCodegenOrchestrator"]
