"""NodeCodegenScaffoldCompute - render a node spec into the files of an ONEX node package.

ONEX v2.0: suffix naming ``Node<Name><Type>``, subclass of ``NodeCompute``: pure (no model, no I/O: the templates ship
with nodegen and the store effect writes the files); errors as ``ModelOnexError`` with a code. The spec is the only
source of a package's logic: it is checked (``spec_checks``) before anything is rendered.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from nodegen.onex import (
    EnumCoreErrorCode,
    ModelContainer,
    ModelContractCompute,
    ModelOnexError,
    NodeCompute,
    TypedPort,
)

from .models import ModelScaffoldRequest, ModelScaffoldResult
from .rendering import FRAMEWORKS, render_package
from .spec_checks import check_spec


class NodeCodegenScaffoldCompute(
    NodeCompute[ModelScaffoldResult], TypedPort[ModelContractCompute, ModelScaffoldRequest, ModelScaffoldResult]
):
    """Input: ``spec`` (a node spec), ``framework`` (``nodegen``), ``prompt`` (whose spelled-out names the spec must
    keep). Output: the spec and every rendered file. A spec that fails its checks is a ``VALIDATION_ERROR`` listing
    every problem. Typed port: ``await run(ModelScaffoldRequest(...))``."""

    request_type = ModelScaffoldRequest

    def __init__(self, container: ModelContainer) -> None:
        super().__init__(container)
        self._rendered = 0

    async def _handle(self, request: ModelScaffoldRequest, correlation_id: UUID) -> ModelScaffoldResult:
        """Check the spec and render its package."""
        if request.framework not in FRAMEWORKS:
            raise ModelOnexError(
                error_code=EnumCoreErrorCode.VALIDATION_ERROR,
                message=f"unknown framework {request.framework!r}: use one of {', '.join(FRAMEWORKS)}",
            )
        problems = check_spec(request.spec, request.prompt)
        if problems:
            raise ModelOnexError(
                error_code=EnumCoreErrorCode.VALIDATION_ERROR,
                message="the node spec has problems: " + "; ".join(problems),
                problems=problems,
            )
        package_dir, files = render_package(request.spec, request.framework)
        self._rendered += 1
        return ModelScaffoldResult(spec=request.spec, package_dir=package_dir, files=files)

    def _node_metrics(self) -> dict[str, Any]:
        return {"packages_rendered": self._rendered}


__all__ = ["NodeCodegenScaffoldCompute"]
