"""Expected outputs checked by execution: a model's examples can be wrong (a small model's arithmetic often is),
and then the code that matches them is wrong too. Several implementations are drawn from each operation's rules
alone (its docstring without the examples) and run in the sandbox on the examples' inputs. The implementations
that agree with each other on every example are trusted over the spec when they are most of those drawn (two at
least): where their output contradicts a value the model worked out, the example takes it, unless the prompt
itself states the example's values. Independent code can agree on a wrong value too (two 0.5B implementations
that skip the same rule do): the example then says its output is the code's, for the reviewer. Every example
records what the implementations gave (``agreement``), so a reviewer knows what to read; an error example becomes a
value only when every implementation gives that value and no rule of the prompt supports the error."""

from __future__ import annotations

import json
import re
import secrets
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from nodegen.infra.sandbox import ModelSandboxLimits, run_sandboxed, sandbox_isolates
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
from nodegen.nodes.codegen_scaffold_compute.v1_0_0 import (
    SpecRuntime,
    check_spec,
    function_stub,
    states_errors,
)
from nodegen.nodes.codegen_scaffold_compute.v1_0_0.models import ModelNodeSpec, ModelSpecExample, ModelSpecOperation

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


@dataclass
class OutputsReport:
    """What the implementations did: calls, tokens, and each example they changed."""

    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    changed: list[str] = field(default_factory=list)
    proven: dict[str, list[str]] = field(default_factory=dict)  # per operation: code that gives every example
    doubted: int = 0  # examples whose outcome (as the spec now has it) fewer than most implementations gave

    @property
    def confirmed(self) -> bool:
        """Most implementations give every example as the spec now has it (the changed ones included)."""
        return self.doubted == 0

    def support(self, agreeing: int, drawn: int) -> None:
        """Count an example that ``agreeing`` of ``drawn`` implementations give as doubted unless most do."""
        self.doubted += agreeing * 2 <= drawn or drawn < 2


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


def _code(answer: str, function: str) -> str | None:
    """The answer's code, when it defines ``function`` (its ``from __future__`` lines left out: the file has them)."""
    found = _BLOCK.search(answer)
    code = found.group(1) if found else answer
    if not re.search(rf"^\s*def {re.escape(function)}\(", code, re.MULTILINE):
        return None
    return re.sub(r"^from __future__ import .*$", "", code, flags=re.MULTILINE).strip("\n") + "\n"


def _module(stub: str, code: str) -> str:
    """The answer's code after the stub's imports (those node.py has too)."""
    header = stub.split("\ndef ", 1)[0]
    return f"{header}\n\n{code}"


def _key(
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


def _shaped(spec: ModelNodeSpec, operation: ModelSpecOperation, outcomes: list[dict[str, Any]]) -> bool:
    """Every value the implementation returned has the shape the node's entry point takes (a dict of the outputs
    when there are several): only such code can stand in the package as it is."""
    several = len(spec.operation_outputs(operation)) > 1
    return not several or all(isinstance(o["value"], dict) for o in outcomes if "value" in o)


def _expected(runtime: SpecRuntime, example: ModelSpecExample) -> str:
    if example.error is not None:
        return f"error {example.error}"
    return json.dumps(runtime.load_output(example.output or {}), sort_keys=True, default=str)


async def _implementations(ask: OutputsAsk, stub: str, function: str, report: OutputsReport) -> list[str]:
    """The code of each implementation the model wrote of ``function`` from its rules alone."""
    codes = []
    for index in range(ask.implementations):
        request = ModelCompletionRequest(
            system=IMPLEMENT_SYSTEM,
            messages=[
                ModelChatMessage(
                    role=EnumChatRole.USER, content=f"Complete the function `{function}`:\n```python\n{stub}```"
                )
            ],
            max_tokens=IMPLEMENT_MAX_TOKENS,
            **sampling(index, ask.retry_temperature),
        )
        completion = await draw(ask.client, request, ask.policy, ask.budget, report)
        code = _code(completion.text, function)
        if code is not None:
            codes.append(code)
    return codes


async def _run(
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


def _vote(keys: list[str | None]) -> tuple[str | None, int]:
    """The outcome most implementations agree on (at least two, and more than any other), and how many."""
    counts = Counter(key for key in keys if key is not None).most_common(2)
    if not counts or counts[0][1] < 2 or (len(counts) > 1 and counts[1][1] == counts[0][1]):
        return None, counts[0][1] if counts else 0
    return counts[0]


def _trusted(
    keys: list[list[str | None]], drawn: int, binding: dict[int, str]
) -> tuple[list[str | None] | None, int]:
    """The outcomes of the implementations that agree with each other on every example, when they are most of
    those drawn (two at least), and how many they are. Agreeing on one example is not enough: code that skips a
    rule agrees with code that keeps it wherever the rule does not apply. Code that contradicts what the prompt
    states (``binding``: position to outcome, the prompt's own values and the errors its rules support) breaks a
    rule the model's worked-out values may keep, so it is never trusted over them."""
    kept = [got for got in keys if all(p < len(got) and got[p] == want for p, want in binding.items())]
    whole = Counter(tuple(got) for got in kept if got)
    if not whole:
        return None, 0
    outcome, size = whole.most_common(1)[0]
    if size < 2 or size * 2 <= drawn or None in outcome:
        return None, size
    return list(outcome), size


async def confirm_outputs(spec: ModelNodeSpec, ask: OutputsAsk) -> tuple[ModelNodeSpec, OutputsReport]:
    """The spec with each example's agreement of the implementations, and the trusted implementations' outputs
    (``_trusted``) where the spec's contradict them (unless the prompt states those values); the report keeps, per
    operation, the implementations that give every example of the spec returned (the fill tries them first)."""
    report = OutputsReport()
    runtime = SpecRuntime(spec)
    operations, ran = [], []
    for operation in spec.operations:
        loaded: list[tuple[ModelSpecExample, dict[str, Any] | None]] = []
        for example in operation.examples:
            try:
                loaded.append((example, runtime.arguments(operation, example)))
            except ValueError:
                loaded.append((example, None))  # the request model refuses it: the node's, not the function's
        calls = [
            {
                "arguments": arguments,
                "setup": example.setup.model_dump(mode="json", by_alias=True) if example.setup else None,
                "after": example.after.model_dump(mode="json") if example.after else None,
            }
            for example, arguments in loaded
            if arguments is not None
        ]
        stub = function_stub(spec, operation, examples=False)
        runnable = calls and (ask.limits.unsandboxed or sandbox_isolates())  # no sandbox: nothing to draw them for
        codes = await _implementations(ask, stub, operation.name, report) if runnable else []
        report.doubted += not calls  # nothing to run: nothing confirmed
        modules = [_module(stub, code) for code in codes]
        results = await _run(modules, operation.name, calls, ask.limits) if modules else []
        keys = [[_key(runtime, spec, operation, outcome) for outcome in got] for got in results]
        ran_examples = [example for example, arguments in loaded if arguments is not None]
        binding = {
            position: _expected(runtime, example)
            for position, example in enumerate(ran_examples)
            if example.source == "prompt" or (example.error is not None and _error_supported(example, spec.prompt))
        }
        trusted, size = _trusted(keys, len(codes), binding)
        examples, position = [], 0
        for example, arguments in loaded:
            if arguments is None:
                examples.append(example)
                continue
            evidence = _Evidence(
                [got[position] for got in keys if position < len(got)],
                len(codes),
                trusted[position] if trusted else None,
                size,
            )
            position += 1
            examples.append(_decide(runtime, operation, example, evidence, report, spec.prompt))
        operations.append(operation.model_copy(update={"examples": examples}))
        standing = [  # the code that may stand in the package as it is, with what it gave
            (code, got)
            for code, got, outcomes in zip(codes, keys, results, strict=False)
            if _shaped(spec, operation, outcomes)
        ]
        ran.append((standing, [arguments is not None for _, arguments in loaded]))
    confirmed = spec.model_copy(update={"operations": operations})
    if check_spec(confirmed, spec.prompt):  # the new outputs must not contradict anything: else the spec as it was
        report.changed, report.doubted = [], report.doubted + 1
        confirmed = spec
    for operation, (standing, runs) in zip(confirmed.operations, ran, strict=True):
        expected = [_expected(runtime, example) for example, run in zip(operation.examples, runs, strict=True) if run]
        report.proven[operation.name] = [code for code, got in standing if got == expected]
    return confirmed, report


def _error_supported(example: ModelSpecExample, prompt: str) -> bool:
    """The prompt states error rules and no other sample contradicts this example (its agreement is not ``1/n``
    with n > 1: one sample alone of several gave it)."""
    samples = re.match(r"1/(\d+)", example.agreement or "")
    return states_errors(prompt) and not (samples and int(samples.group(1)) > 1)


@dataclass(frozen=True, slots=True)
class _Evidence:
    """What the implementations gave for one example: each one's outcome, how many were drawn, and the outcome of
    the ones trusted over the spec (``_trusted``) with how many they are."""

    keys: list[str | None]
    drawn: int
    trusted: str | None
    size: int


def _decide(  # noqa: PLR0917 - one example's evidence, all of it
    runtime: SpecRuntime,
    operation: ModelSpecOperation,
    example: ModelSpecExample,
    evidence: _Evidence,
    report: OutputsReport,
    prompt: str,
) -> ModelSpecExample:
    """The example with what the implementations gave; the trusted ones' output where it contradicts a value the
    model worked out, or the value all of them give for an error example that no rule of the prompt nor another
    sample supports."""
    keys, drawn, trusted = evidence.keys, evidence.drawn, evidence.trusted
    expected = _expected(runtime, example)
    majority, count = _vote(keys)
    agreeing = sum(1 for key in keys if key == expected)
    note = f"code {agreeing}/{drawn}"
    agreement = f"{example.agreement}, {note}" if example.agreement else note
    replace = (
        trusted is not None
        and trusted != expected
        and not trusted.startswith("error ")
        and example.error is None
        and example.source != "prompt"
    )
    values = [key for key in keys if key is not None and not key.startswith("error ")]
    alone = not _error_supported(example, prompt)
    if example.error is not None and alone and majority is not None and len(values) == count == drawn >= 2:
        output = json.loads(majority)
        report.changed.append(
            f"{operation.name} example {operation.examples.index(example) + 1}: the model's spec said "
            f"{example.input} raises {example.error}, which neither the prompt's error rules nor another sample "
            f"support; all {len(values)} implementations of its rules give {output}: the example now says so"
        )
        report.support(count, drawn)
        return _from_code(example, output, f"code {count}/{drawn}", case="edge")
    if not replace or trusted is None:
        report.support(agreeing, drawn)
        return example.model_copy(update={"agreement": agreement})
    output = json.loads(trusted)
    index = operation.examples.index(example) + 1
    report.changed.append(
        f"{operation.name} example {index}: the model's spec said {example.output}; {evidence.size} of {drawn} "
        f"implementations of its rules, agreeing on every example, give {output}: the example now says so"
    )
    report.support(evidence.size, drawn)
    return _from_code(example, output, f"code {evidence.size}/{drawn}")


def _from_code(
    example: ModelSpecExample, output: dict[str, Any], votes: str, case: str | None = None
) -> ModelSpecExample:
    """``example`` giving the implementations' ``output``, and saying so in its agreement."""
    prefix = f"{example.agreement}, " if example.agreement else ""
    update = {"output": output, "error": None, "agreement": f"{prefix}{votes} (the output is the code's)"}
    return example.model_copy(update=update | ({"case": case} if case else {}))


__all__ = ["IMPLEMENT_SYSTEM", "Counts", "OutputsAsk", "OutputsReport", "confirm_outputs", "draw", "sampling"]
