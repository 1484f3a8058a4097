"""The steps `nodegen new` adds around the fill: the node spec asked of the model (``spec_stage``), `nodegen check`
on the package, and the package's own tests in the sandbox (which tests failed, read from pytest's JUnit report)."""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path
from xml.etree import ElementTree

from nodegen.infra.sandbox import ModelSandboxLimits, limits_from, run_sandboxed
from nodegen.llm import LLMClient, RetryPolicy, client_from_settings
from nodegen.nodes.codegen_code_validator_effect.v1_0_0 import NodeCodegenCodeValidatorEffect
from nodegen.nodes.codegen_code_validator_effect.v1_0_0.models import ModelCodeValidationRequest
from nodegen.nodes.codegen_scaffold_compute.v1_0_0 import kind_hint
from nodegen.nodes.codegen_scaffold_compute.v1_0_0.models import EnumNodeKind, ModelNodeSpec
from nodegen.onex import EnumLogLevel, ModelContainer, emit_log_event
from nodegen.services import NodegenServices

from .models import ModelCodegenOrchestrationRequest, ModelPackageTests, ModelSpecStage
from .models.model_orchestrator_options import ModelOrchestratorOptions
from .models.model_spec_llm_options import ModelSpecLLMOptions
from .spec_code import OutputsAsk
from .spec_stage import SpecAsk, write_spec

TEST_TIMEOUT_S = 120.0
_OUTPUT_LINES = 60
# asyncio tests without a pytest config of their own; each test its own event loop (pytest-asyncio warns otherwise)
_PYTEST_OPTIONS = ("-o", "asyncio_mode=auto", "-o", "asyncio_default_fixture_loop_scope=function")


def structured_output(client: LLMClient) -> bool:
    """Whether the spec is asked under its JSON schema: yes for hosted models (their structured-output mode); no
    for the in-process models, which write it faster and better as free YAML (docs/benchmarks.md), nor for replay."""
    return client.capabilities.structured_output


async def ask_spec(
    request: ModelCodegenOrchestrationRequest, container: ModelContainer, settings: ModelOrchestratorOptions
) -> tuple[ModelNodeSpec | None, ModelSpecStage, str]:
    """The model's node spec for ``request.prompt`` (checked; the one of several samples the others agree with),
    what the stage did, and the closest draft when none passed. ``LLMError`` when no model can be asked. The client
    is the ``llm_client`` service, else built from the run's settings (and closed here); the budget is the
    ``llm_budget`` service, else the run's limits."""
    prompt = request.prompt or ""
    options = ModelSpecLLMOptions.from_container(container)
    services = NodegenServices.of(container)
    given = services.llm_client
    client = given if given is not None else client_from_settings(options)
    budget = services.budget_or(max_tokens=options.max_tokens, max_cost_usd=options.max_cost_usd)
    policy = RetryPolicy(timeout_s=options.llm_timeout_s, max_retries=options.llm_max_retries)
    try:
        kind = EnumNodeKind(request.node_type) if request.node_type else kind_hint(prompt)
        ask = SpecAsk(
            prompt=prompt,
            kind=kind,
            name=request.name,
            kind_given=request.node_type is not None,
            client=client,
            policy=policy,
            budget=budget,
            samples=settings.spec_samples,
            repairs=settings.spec_repairs,
            retry_temperature=settings.llm_retry_temperature,
            structured=structured_output(client),
            outputs=OutputsAsk(
                client=client,
                policy=policy,
                budget=budget,
                implementations=settings.spec_implementations,
                retry_temperature=settings.llm_retry_temperature,
                limits=limits_from(settings, max(30.0, settings.validation_examples_timeout_s * 4)),
            ),
        )
        return await write_spec(ask)
    finally:
        if given is None:
            await client.aclose()


async def check_package(package_dir: Path, container: ModelContainer) -> tuple[list[str], int]:
    """`nodegen check` on every Python file of the package: the errors (rendered) and the number of warnings."""
    validator = NodeCodegenCodeValidatorEffect(container)
    errors: list[str] = []
    warnings = 0
    for path in sorted(package_dir.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if "__pycache__" in path.parts or not text.strip():  # an empty __init__.py has nothing to check
            continue
        result = await validator.run(ModelCodeValidationRequest(generated_code=text, file_path=str(path)))
        errors.extend(f"{path}: {finding.render()}" for finding in result.errors)
        warnings += len(result.warnings)
    return errors, warnings


def package_test_limits(settings: ModelOrchestratorOptions) -> ModelSandboxLimits:
    """The sandbox's limits for a package's tests, from the configuration."""
    return limits_from(settings, settings.package_tests_timeout_s)


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
        report = copy / "junit.xml"
        command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *_PYTEST_OPTIONS]
        command += [f"--junitxml={report}"]
        run = await run_sandboxed([*command, str(tests)], work_dir=copy, limits=limits)
        failed = _failed_tests(report)
    if run.note:
        emit_log_event(EnumLogLevel.INFO, "package tests: " + run.note, {"package": str(package_dir)})
    text = (run.stdout + run.stderr).replace(str(copy / top.name), str(top))
    tail = "\n".join(text.splitlines()[-_OUTPUT_LINES:])
    if run.timed_out or run.output_truncated:
        tail = f"{tail}\n(the tests were {run.note})" if tail else f"the tests were {run.note}"
    if run.refused:
        tail = f"the package's tests were {run.note}"
    return ModelPackageTests(
        passed=run.ok,
        exit_code=run.exit_code,
        output_tail=tail,
        network_isolated=run.sandboxed,
        sandboxed=run.sandboxed,
        note=run.note,
        failed_tests=failed,
    )


def _failed_tests(report: Path) -> list[str]:
    """The names of the tests that failed or errored, from pytest's JUnit report (none when it wrote none)."""
    try:
        root = ElementTree.parse(report).getroot()  # noqa: S314 - pytest's own report, written in our scratch folder
    except (OSError, ElementTree.ParseError):
        return []
    return [
        case.get("name", "")
        for case in root.iter("testcase")
        if case.find("failure") is not None or case.find("error") is not None
    ]


__all__ = ["ask_spec", "check_package", "package_test_limits", "run_package_tests", "structured_output"]
