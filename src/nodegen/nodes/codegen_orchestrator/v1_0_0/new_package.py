"""`nodegen new`: a node spec (from the model, or a file the user gives), the package rendered from it, every
operation filled by the fill pipeline, `nodegen check`, and the package's tests in the sandbox. Success means every
stub filled and every test passing; otherwise the result names the operations and examples that failed, and spec
and package stay for `nodegen fill` (or an edited spec) to finish. Bad input (an empty or unbuildable prompt, a spec
file that does not load or fails its checks, an existing package) is refused before anything is written."""

from __future__ import annotations

import re
import time
from collections.abc import Awaitable, Callable, Sequence
from keyword import iskeyword
from pathlib import Path
from uuid import UUID

import yaml

from nodegen.llm import EnumLLMFailure, LLMError
from nodegen.nodes.codegen_scaffold_compute.v1_0_0 import (
    HEADER,
    NodeCodegenScaffoldCompute,
    SpecFileError,
    check_spec,
    dump_spec,
    example_outcome,
    keyword_draft,
    load_spec,
    prompt_names,
    unbuildable,
)
from nodegen.nodes.codegen_scaffold_compute.v1_0_0.models import (
    EnumNodeKind,
    ModelNodeSpec,
    ModelScaffoldRequest,
)
from nodegen.nodes.codegen_store_effect.v1_0_0 import NodeCodegenStoreEffect
from nodegen.nodes.codegen_store_effect.v1_0_0.models import ModelArtifactStorageRequest, ModelStoreRequest
from nodegen.onex import EnumCoreErrorCode, ModelContainer, ModelOnexError

from .models import (
    EnumStubStatus,
    ModelCodegenOrchestrationRequest,
    ModelCodegenOrchestrationResult,
    ModelScaffoldReport,
    ModelSpecStage,
)
from .models.model_orchestrator_options import ModelOrchestratorOptions
from .scaffolding import ask_spec, check_package, package_test_limits, run_package_tests

Fill = Callable[..., Awaitable[ModelCodegenOrchestrationResult]]
# Proven implementations a stub tries before the model: they give the same outputs, so a third that the checks
# refuse adds little over asking the model.
_KNOWN_PER_STUB = 2
_TEST_NAME = re.compile(r"^test_(\w+)_example_(\d+)_\w+$")
# No model can be asked: the provider cannot be built or the replay file has no answer for this prompt.
_NO_MODEL = {EnumLLMFailure.UNAVAILABLE, EnumLLMFailure.NOT_RECORDED, EnumLLMFailure.AUTHENTICATION}


def _refuse(message: str) -> ModelOnexError:
    return ModelOnexError(error_code=EnumCoreErrorCode.VALIDATION_ERROR, message=message)


def _read_spec_file(path: Path, request: ModelCodegenOrchestrationRequest) -> ModelNodeSpec:
    """A spec file as given (--type/--name still override); bad input is a VALIDATION_ERROR naming every problem."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise _refuse(f"cannot read the spec file {path}: {error}") from None
    try:
        spec = load_spec(text, str(path))
    except SpecFileError as error:
        raise _refuse(str(error)) from None
    updates = {key: value for key, value in (("kind", request.node_type), ("name", request.name)) if value}
    if updates:
        spec = ModelNodeSpec.model_validate({**spec.model_dump(exclude_unset=True), **updates})
    problems = check_spec(spec, request.prompt or "")
    if problems:
        raise _refuse(f"{path}: the node spec has problems: " + "; ".join(problems))
    return spec


def _file(path: str, text: str, kind: str) -> ModelArtifactStorageRequest:
    """A file of the package (``path`` relative to the output folder) for the store effect to write."""
    return ModelArtifactStorageRequest(file_path=path, content=text, artifact_type=kind)


def _failures(spec: ModelNodeSpec, result: ModelCodegenOrchestrationResult, report: ModelScaffoldReport) -> list[str]:
    """Each operation left unfilled and each example whose test failed, in words."""
    operations = {operation.name: operation for operation in spec.operations}
    failures = [
        f"{stub.qualified_name} not filled: {stub.message}"
        for stub in result.stubs
        if stub.status is not EnumStubStatus.FILLED
    ]
    for name in report.tests.failed_tests if report.tests else []:
        found = _TEST_NAME.match(name)
        operation = operations.get(found.group(1)) if found else None
        if found is None or operation is None or int(found.group(2)) > len(operation.examples):
            failures.append(f"test {name} failed")
            continue
        index = int(found.group(2))
        example = operation.examples[index - 1]
        failures.append(
            f"{operation.name} example {index} ({example.case if not example.error else 'error'}): "
            f"{example.input} should give {example_outcome(example)}; its test failed"
        )
    return failures


class NewPackage:
    """One `nodegen new` run over the orchestrator's fill."""

    def __init__(self, container: ModelContainer, settings: ModelOrchestratorOptions, fill: Fill) -> None:
        self.container, self.settings, self.fill = container, settings, fill

    async def _spec(
        self, request: ModelCodegenOrchestrationRequest, out: Path, correlation_id: UUID
    ) -> tuple[ModelNodeSpec | None, ModelSpecStage]:
        if request.node_type is not None and request.node_type not in {kind.value for kind in EnumNodeKind}:
            raise _refuse(
                f"unknown node type {request.node_type!r}: use one of {', '.join(k.value for k in EnumNodeKind)}"
            )
        if request.name is not None and not (
            re.fullmatch(r"[A-Z][A-Za-z0-9]*", request.name) and not iskeyword(request.name)
        ):
            raise _refuse(f"name {request.name!r} is not a PascalCase identifier (letters and digits, capital first)")
        if request.spec_path is not None:
            started = time.perf_counter()
            given = _read_spec_file(Path(request.spec_path), request)
            stage = ModelSpecStage(written_by="file", spec_path=request.spec_path)
            stage.seconds = time.perf_counter() - started
            return given, stage
        prompt = request.prompt or ""
        refusal = unbuildable(prompt)
        if refusal:
            raise _refuse(refusal)
        try:
            spec, stage, draft = await ask_spec(request, self.container, self.settings)
        except LLMError as error:
            if error.kind not in _NO_MODEL:
                raise
            kind = EnumNodeKind(request.node_type) if request.node_type else None
            data = keyword_draft(prompt, kind, request.name)
            stage = ModelSpecStage(
                written_by="keywords",
                note=f"no model could be asked ({error.message}): a draft from the prompt's words, to complete",
            )
            name = f"{data['name']}"
            return None, await self._draft(stage, out, name, yaml.safe_dump(data, sort_keys=False), correlation_id)
        if spec is None:
            name = request.name or prompt_names(prompt).node_name or "node"
            return None, await self._draft(stage, out, name, draft, correlation_id)
        return spec, stage

    async def _draft(
        self, stage: ModelSpecStage, out: Path, name: str, text: str, correlation_id: UUID
    ) -> ModelSpecStage:
        """Keep the closest draft beside the package it would have made, for the user to complete."""
        if text.strip():
            path = out / f"{name}.spec.draft.yaml"
            problems = "".join(f"# - {problem}\n" for problem in stage.problems[:20])
            text = HEADER + "# DRAFT: it does not pass nodegen's checks yet:\n" + problems + text
            await self._store(out, [_file(path.name, text, "spec_draft")], correlation_id)
            stage.draft_path = str(path)
        return stage

    async def run(
        self, request: ModelCodegenOrchestrationRequest, correlation_id: UUID
    ) -> ModelCodegenOrchestrationResult:
        """Spec → package → fill → check → tests (one repair from their output)."""
        started = time.perf_counter()
        out = Path(request.output_directory or self.settings.codegen_output_dir)
        spec, stage = await self._spec(request, out, correlation_id)
        result = ModelCodegenOrchestrationResult(success=False, correlation_id=correlation_id)
        report = ModelScaffoldReport(spec=spec, spec_stage=stage)
        result.scaffold = report
        if spec is None:
            report.failures = [f"no node spec passed the checks: {problem}" for problem in stage.problems[:20]]
            return self._done(result, started)
        if request.spec_only:
            path = out / f"{spec.package_name}.spec.yaml"
            if path.exists() and not request.force:
                raise _refuse(f"{path} exists already: choose another name or pass force (--force) to replace it")
            await self._store(out, [_file(path.name, dump_spec(spec), "spec")], correlation_id)
            stage.spec_path = str(path)
            result.generated_files = [str(path)]
            result.success = True
            return self._done(result, started)
        scaffold = await NodeCodegenScaffoldCompute(self.container).run(
            ModelScaffoldRequest(spec=spec, framework=request.framework, prompt=request.prompt or "")
        )
        package_root = out / spec.package_name
        if package_root.exists() and not request.force:
            raise _refuse(f"{package_root} exists already: choose another name or pass force (--force) to replace it")
        stored = await self._store(out, [_file(f.path, f.content, "scaffold") for f in scaffold.files], correlation_id)
        package_dir = out / scaffold.package_dir
        report.package_dir = str(package_dir)
        result = await self._fill_and_test(request, correlation_id, out, package_dir, report)
        result.generated_files = stored
        return self._done(result, started)

    async def _store(
        self, out: Path, files: Sequence[ModelArtifactStorageRequest], correlation_id: UUID
    ) -> list[str]:
        """Write ``files`` under ``out`` through the store effect, which writes every file of a package (each
        atomically, none outside ``out``): the paths written, or ``FILE_WRITE_ERROR``."""
        store = NodeCodegenStoreEffect(self.container)
        try:
            stored = await store.run(
                ModelStoreRequest(base_directory=str(out), storage_requests=list(files)),
                correlation_id=correlation_id,
            )
        finally:
            await store.aclose()
        if stored.storage_errors:
            raise ModelOnexError(
                error_code=EnumCoreErrorCode.FILE_WRITE_ERROR,
                message="the package could not be written: " + "; ".join(stored.storage_errors),
            )
        return list(stored.stored_files)

    async def _fill_and_test(
        self,
        request: ModelCodegenOrchestrationRequest,
        correlation_id: UUID,
        out: Path,
        package_dir: Path,
        report: ModelScaffoldReport,
    ) -> ModelCodegenOrchestrationResult:
        node_file = package_dir / "node.py"
        stub_text = node_file.read_text(encoding="utf-8")
        in_place = request.model_copy(update={"output_directory": None})  # the new package is filled where it is
        proven = report.spec_stage.proven_code  # implementations that give every example: tried before the model
        known = {name: codes[:_KNOWN_PER_STUB] for name, codes in proven.items()}
        result = await self.fill(in_place, correlation_id, [package_dir], known=known)
        report.check_errors, report.check_warnings = await check_package(package_dir, self.container)
        limits = package_test_limits(self.settings)
        if request.run_tests and not request.dry_run:
            report.tests = await run_package_tests(out, package_dir, limits=limits)
            if not report.tests.passed and result.count(EnumStubStatus.FILLED):
                # one repair: the stubs again, with the failing output, from the scaffold's text
                report.repair_attempted = True
                filled_text = node_file.read_text(encoding="utf-8")
                await self._store(out, [_file(str(node_file.relative_to(out)), stub_text, "scaffold")], correlation_id)
                repaired = await self.fill(in_place, correlation_id, [node_file], feedback=report.tests.output_tail)
                tests = await run_package_tests(out, package_dir, limits=limits)
                if tests.passed:
                    report.repaired, report.tests, result = True, tests, _merge(result, repaired)
                else:  # the repair did not pass: keep the first
                    filled = _file(str(node_file.relative_to(out)), filled_text, "scaffold")
                    await self._store(out, [filled], correlation_id)
        result.scaffold = report
        result.success = result.success and not report.check_errors and (report.tests is None or report.tests.passed)
        if report.spec is not None:
            report.failures = _failures(report.spec, result, report)
        return result

    @staticmethod
    def _done(result: ModelCodegenOrchestrationResult, started: float) -> ModelCodegenOrchestrationResult:
        if result.scaffold is not None:
            stage = result.scaffold.spec_stage
            result.prompt_tokens += stage.prompt_tokens
            result.completion_tokens += stage.completion_tokens
            if not result.llm and stage.written_by not in ("file", "keywords"):
                result.llm = stage.written_by
        result.total_duration_seconds = time.perf_counter() - started
        return result


def _merge(
    first: ModelCodegenOrchestrationResult, repair: ModelCodegenOrchestrationResult
) -> ModelCodegenOrchestrationResult:
    """The repaired run's stubs and files, with the tokens and cost of both runs."""
    costs = [first.cost_usd, repair.cost_usd]
    return repair.model_copy(
        update={
            "prompt_tokens": first.prompt_tokens + repair.prompt_tokens,
            "completion_tokens": first.completion_tokens + repair.completion_tokens,
            "cost_usd": None if None in costs else sum(c or 0.0 for c in costs),
            "executed_intents": [*first.executed_intents, *repair.executed_intents],
        }
    )


__all__ = ["NewPackage"]
