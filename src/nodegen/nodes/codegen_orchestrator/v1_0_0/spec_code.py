"""An operation's implementations drawn from its rules alone (its docstring without the examples) and run in the
sandbox: what ``spec_outputs`` weighs a spec's examples with. The draws are seeded (the first greedy), kept per stub,
and more can be asked for later: the ones already drawn are never asked again."""

from __future__ import annotations

import asyncio
import json
import re
import secrets
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from nodegen.infra.sandbox import ModelSandboxLimits, run_sandboxed
from nodegen.llm import (
    EnumChatRole,
    LLMClient,
    ModelChatMessage,
    ModelCompletion,
    ModelCompletionRequest,
    RetryPolicy,
    RunBudget,
    complete_with_retries,
)
from nodegen.nodes.codegen_scaffold_compute.v1_0_0 import SpecRuntime
from nodegen.nodes.codegen_scaffold_compute.v1_0_0.models import (
    ModelNodeSpec,
    ModelSpecExample,
    ModelSpecOperation,
)
from nodegen.pysource import FUNCTION_ENDS
from nodegen.pysource.stdlib_imports import missing_stdlib_imports

_RUNNER = Path(__file__).with_name("implementation_runner.py")
_BLOCK = re.compile(r"```(?:python|py)?[ \t]*\n(.*?)(?:\n```|\Z)", re.DOTALL)
IMPLEMENT_SYSTEM = "You are a careful Python programmer. Answer with the whole function in one ```python block."
IMPLEMENT_MAX_TOKENS = 768


@dataclass(frozen=True, slots=True)
class OutputsAsk:
    """The client, limits and how many implementations to draw."""

    client: LLMClient
    policy: RetryPolicy
    budget: RunBudget
    implementations: int
    retry_temperature: float
    limits: ModelSandboxLimits
    # the code drawn for each stub (function name and text): the same rules are not asked twice, and the code
    # drawn for one sample's rules can run on another sample's examples
    drawn: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    tried: dict[tuple[str, str], int] = field(default_factory=dict)  # draws made per stub (some give no code)


class Counts(Protocol):
    """What a stage counts of its model calls."""

    calls: int
    prompt_tokens: int
    completion_tokens: int


def sampling(index: int, retry_temperature: float) -> dict[str, Any]:
    """The first draw greedy, the others sampled, each with its own seed."""
    return {"temperature": 0.0 if index == 0 else retry_temperature, "seed": index}


async def draw(
    client: LLMClient, request: ModelCompletionRequest, policy: RetryPolicy, budget: RunBudget, counts: Counts
) -> ModelCompletion:
    """One answer (retried as every call is, within the run's budget), counted in ``counts``."""
    completion = await complete_with_retries(client, request, policy, budget)
    counts.calls += 1
    counts.prompt_tokens += completion.input_tokens
    counts.completion_tokens += completion.output_tokens
    return completion


def code_of(answer: str, function: str) -> str | None:
    """The answer's code, when it defines ``function`` (its ``from __future__`` lines left out: the file has them)."""
    found = _BLOCK.search(answer)
    code = found.group(1) if found else answer
    if not re.search(rf"^\s*(?:async\s+)?def {re.escape(function)}\(", code, re.MULTILINE):
        return None
    return re.sub(r"^from __future__ import .*$", "", code, flags=re.MULTILINE).strip("\n") + "\n"


def module_of(stub: str, code: str) -> str:
    """The answer's code after the stub's imports (those node.py has too), and those of the standard-library modules
    it uses without importing them (as the fill adds them: ``missing_stdlib_imports``)."""
    header = stub.split("\ndef ", 1)[0]
    added = missing_stdlib_imports(f"{header}\n\n{code}")
    return "\n".join([header, *added, "", code])


def outcome_key(
    runtime: SpecRuntime, spec: ModelNodeSpec, operation: ModelSpecOperation, outcome: dict[str, Any]
) -> str | None:
    """An outcome as comparable text: ``error CODE`` or the outputs as the response types hold them; None for a
    crash, a wrong type, or an effect whose files or rows came out wrong."""
    if "error" in outcome:
        return f"error {outcome['error']}"
    if "value" not in outcome or outcome.get("after", "ok") != "ok":
        return None
    names = [f.name for f in spec.operation_outputs(operation)]
    values = _named(names, outcome["value"])
    if values is None:
        return None
    try:
        return json.dumps(runtime.load_output(values), sort_keys=True, default=str)
    except ValueError:
        return None


def _named(names: list[str], value: Any) -> dict[str, Any] | None:
    """An implementation's return value as the operation's outputs: the value of its one output, a dict of its
    outputs, or (the way small models often return several values, whatever the docstring asks) their values in
    the spec's order; None for anything else."""
    if len(names) == 1:
        return {names[0]: value}
    if isinstance(value, list) and len(value) == len(names):
        return dict(zip(names, value, strict=True))
    return value if isinstance(value, dict) and sorted(value) == sorted(names) else None


def shaped(spec: ModelNodeSpec, operation: ModelSpecOperation, outcomes: list[dict[str, Any]]) -> bool:
    """Every value the implementation returned has the shape the node's entry point takes (a dict of the outputs
    when there are several): only such code can stand in the package as it is."""
    several = len(spec.operation_outputs(operation)) > 1
    return not several or all(isinstance(o["value"], dict) for o in outcomes if "value" in o)


async def implementations(ask: OutputsAsk, stub: str, function: str, counts: Counts, wanted: int) -> list[str]:
    """The code of each implementation the model wrote of ``function`` from its rules alone, ``wanted`` draws in all
    (each drawn once per stub: the draws are seeded, so drawing one again would give the same code)."""
    key = (function, stub)
    codes = ask.drawn.setdefault(key, [])
    # a model that continues an answer nodegen starts (the in-process ones) gets the stub's signature and docstring
    # as its answer's start and writes the body alone: not the docstring again, a third of its tokens
    continues = ask.client.capabilities.continues_answer
    head = stub.rsplit("\n    # IMPLEMENTATION REQUIRED", 1)[0] + "\n"
    requests = [
        ModelCompletionRequest(
            system=IMPLEMENT_SYSTEM,
            messages=[
                ModelChatMessage(
                    role=EnumChatRole.USER, content=f"Complete the function `{function}`:\n```python\n{stub}```"
                )
            ],
            max_tokens=IMPLEMENT_MAX_TOKENS,
            answer_start=f"```python\n{head}" if continues else None,
            stop=list(FUNCTION_ENDS) if continues else [],
            **sampling(index, ask.retry_temperature),
        )
        for index in range(ask.tried.get(key, 0), wanted)
    ]
    ask.tried[key] = max(wanted, ask.tried.get(key, 0))
    if ask.client.capabilities.samples_together > 1:  # asked at once: decoded together
        completions = await asyncio.gather(*(draw(ask.client, r, ask.policy, ask.budget, counts) for r in requests))
    else:
        completions = [await draw(ask.client, r, ask.policy, ask.budget, counts) for r in requests]
    for completion in completions:
        code = code_of(completion.text, function)
        if code is not None:
            codes.append(code)
    return list(codes)


async def run_modules(
    modules: list[str], function: str, calls: list[dict[str, Any]], limits: ModelSandboxLimits
) -> list[list[dict[str, Any]]]:
    """Each module's outcome for each call, in the modules' order, run in the sandbox (a module that does not load:
    no outcomes)."""
    token = secrets.token_hex(16)  # on every line the runner writes: a candidate cannot forge one
    with tempfile.TemporaryDirectory(prefix="nodegen-implementations-") as scratch:
        spec_file = Path(scratch) / "spec.json"
        paths = [entry for entry in sys.path if entry and Path(entry).exists()]
        spec = {"sys_path": paths, "function": function, "candidates": modules, "calls": calls, "token": token}
        spec_file.write_text(json.dumps(spec))
        result = await run_sandboxed(
            [sys.executable, "-I", "-S", str(_RUNNER), str(spec_file)], work_dir=Path(scratch), limits=limits
        )
    outcomes = []
    for line in result.stdout.splitlines():
        try:
            event = json.loads(line)
        except ValueError:
            event = None
        if not isinstance(event, dict) or event.get("token") != token:
            return []  # a candidate wrote into the report: nothing it says is trusted
        if isinstance(event.get("outcomes"), list):
            outcomes.append(event["outcomes"])
        elif "broken" in event:
            outcomes.append([])
    return outcomes


def example_calls(
    runtime: SpecRuntime, operation: ModelSpecOperation
) -> tuple[list[tuple[ModelSpecExample, dict[str, Any] | None]], list[dict[str, Any]]]:
    """Each example with the function's arguments (None where the request model refuses it: the node's example, not
    the function's), and the calls of the examples the function sees."""
    loaded: list[tuple[ModelSpecExample, dict[str, Any] | None]] = []
    for example in operation.examples:
        try:
            loaded.append((example, runtime.arguments(operation, example)))
        except ValueError:
            loaded.append((example, None))
    calls = [
        {
            "arguments": arguments,
            "setup": example.setup.model_dump(mode="json", by_alias=True) if example.setup else None,
            "after": example.after.model_dump(mode="json") if example.after else None,
        }
        for example, arguments in loaded
        if arguments is not None
    ]
    return loaded, calls


__all__ = [
    "IMPLEMENT_SYSTEM",
    "Counts",
    "OutputsAsk",
    "code_of",
    "draw",
    "example_calls",
    "implementations",
    "module_of",
    "outcome_key",
    "run_modules",
    "sampling",
    "shaped",
]
