"""The steps `nodegen new` adds around the fill: the requirements asked of the model (structured JSON, validated,
one repair, else keyword analysis), `nodegen check` on the package, and the package's own tests in the sandbox."""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from nodegen.infra.sandbox import ModelSandboxLimits, run_sandboxed
from nodegen.llm import (
    EnumChatRole,
    LLMError,
    ModelChatMessage,
    ModelCompletionRequest,
    complete_with_retries,
)
from nodegen.nodes.codegen_code_generator_effect.v1_0_0 import NodeCodegenCodeGeneratorEffect
from nodegen.nodes.codegen_code_validator_effect.v1_0_0 import NodeCodegenCodeValidatorEffect
from nodegen.nodes.codegen_scaffold_compute.v1_0_0.models import ModelNodeRequirements
from nodegen.onex import EnumLogLevel, ModelContainer, ModelOnexError, emit_log_event

from .models import ModelCodegenOrchestrationRequest, ModelPackageTests
from .models.model_orchestrator_options import ModelOrchestratorOptions

TEST_TIMEOUT_S = 120.0
_OUTPUT_LINES = 60
# asyncio tests without a pytest config of their own; each test its own event loop (pytest-asyncio warns otherwise)
_PYTEST_OPTIONS = ("-o", "asyncio_mode=auto", "-o", "asyncio_default_fixture_loop_scope=function")
_REQUIREMENTS_SYSTEM = """\
You turn a request for an ONEX v2.0 node into its requirements, as one JSON object and nothing else:
{"node_type": "effect" | "compute" | "reducer" | "orchestrator", "name": "PascalCaseName",
 "service_name": "snake_case_name", "domain": "one word", "description": "one sentence",
 "operations": ["verb_phrase", ...], "features": ["feature", ...]}
effect: talks to the outside world (files, network, databases); compute: a pure transformation; reducer: a pure
aggregation of events; orchestrator: coordinates steps. The name leaves out the word Node and the node type."""


def _json_object(text: str) -> dict[str, Any]:
    start, end = text.find("{"), text.rfind("}")
    if start < 0 or end <= start:
        raise ValueError("the answer holds no JSON object")
    value = json.loads(text[start : end + 1])
    if not isinstance(value, dict):
        raise ValueError("the answer's JSON is not an object")
    return value


async def ask_requirements(
    request: ModelCodegenOrchestrationRequest, container: ModelContainer
) -> dict[str, Any] | None:
    """The model's requirements for ``request.prompt`` (validated), or None: no model worth asking (the embedded
    local model, a replay file) or no usable answer after one repair; the keyword analysis then decides."""
    generator = NodeCodegenCodeGeneratorEffect(container)
    if generator.client.identity.provider in ("local", "replay"):
        await generator.aclose()
        return None
    messages = [ModelChatMessage(role=EnumChatRole.USER, content=f"Request: {request.prompt}")]
    try:
        for _ in range(2):  # the answer, then one repair
            completion = await complete_with_retries(
                generator.client,
                ModelCompletionRequest(system=_REQUIREMENTS_SYSTEM, messages=messages, max_tokens=600),
                generator.options.retry,
                generator.budget,
            )
            try:
                answer = _json_object(completion.text)
                answer.setdefault("input_fields", [])
                answer.setdefault("output_fields", [])
                ModelNodeRequirements.model_validate({**answer, "source": "llm"})
                return {**answer, "source": "llm"}
            except (ValueError, ValidationError) as error:
                problem = str(error).splitlines()[0] if str(error) else type(error).__name__
                messages = [
                    messages[0],
                    ModelChatMessage(role=EnumChatRole.ASSISTANT, content=completion.text or "(empty)"),
                    ModelChatMessage(
                        role=EnumChatRole.USER,
                        content=f"That is not usable ({problem}). Answer with the JSON object only.",
                    ),
                ]
    except (LLMError, ModelOnexError) as error:
        emit_log_event(EnumLogLevel.WARNING, "requirements from keywords: the model gave none", {"error": str(error)})
    finally:
        await generator.aclose()
    return None


async def check_package(package_dir: Path, container: ModelContainer) -> tuple[list[str], int]:
    """`nodegen check` on every Python file of the package: the errors (rendered) and the number of warnings."""
    validator = NodeCodegenCodeValidatorEffect(container)
    errors: list[str] = []
    warnings = 0
    for path in sorted(package_dir.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if "__pycache__" in path.parts or not text.strip():  # an empty __init__.py has nothing to check
            continue
        result = await validator.execute_effect({"input_state": {"generated_code": text, "file_path": str(path)}})
        errors.extend(f"{path}: {finding.render()}" for finding in result.errors)
        warnings += len(result.warnings)
    return errors, warnings


def package_test_limits(settings: ModelOrchestratorOptions) -> ModelSandboxLimits:
    """The sandbox's limits for a package's tests, from the configuration."""
    return ModelSandboxLimits(
        timeout_s=settings.package_tests_timeout_s,
        memory_mb=settings.sandbox_memory_mb,
        output_bytes=settings.sandbox_output_bytes,
    )


async def run_package_tests(
    root: Path, package_dir: Path, *, limits: ModelSandboxLimits | None = None
) -> ModelPackageTests:
    """The package's tests (pytest) in the sandbox, on a copy of the package: the copy is the only folder they may
    write, they have no network and no key in their environment, and nothing they start outlives them."""
    limits = limits or ModelSandboxLimits(timeout_s=TEST_TIMEOUT_S)
    root, package_dir = root.resolve(), package_dir.resolve()
    inner = package_dir.relative_to(root) if root in package_dir.parents else Path(package_dir.name)
    top = root / inner.parts[0] if root in package_dir.parents else package_dir
    with tempfile.TemporaryDirectory(prefix="nodegen-tests-") as scratch:
        copy = Path(scratch)
        skip = shutil.ignore_patterns("__pycache__", ".pytest_cache")
        shutil.copytree(top, copy / top.name, symlinks=True, ignore=skip)
        tests = copy / top.name / inner.relative_to(inner.parts[0]) / "tests"
        command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *_PYTEST_OPTIONS]
        run = await run_sandboxed([*command, str(tests)], work_dir=copy, limits=limits)
    if run.note:
        emit_log_event(EnumLogLevel.INFO, "package tests: " + run.note, {"package": str(package_dir)})
    text = (run.stdout + run.stderr).replace(str(copy / top.name), str(top))
    tail = "\n".join(text.splitlines()[-_OUTPUT_LINES:])
    if run.timed_out or run.output_truncated:
        tail = f"{tail}\n(the tests were {run.note})" if tail else f"the tests were {run.note}"
    return ModelPackageTests(
        passed=run.ok,
        exit_code=run.exit_code,
        output_tail=tail,
        network_isolated=run.sandboxed,
        sandboxed=run.sandboxed,
        note=run.note,
    )


__all__ = ["ask_requirements", "check_package", "package_test_limits", "run_package_tests"]
