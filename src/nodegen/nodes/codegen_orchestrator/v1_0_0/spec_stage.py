"""The spec stage of `nodegen new`: the model writes a node spec, nodegen checks it without the model and sends what
fails back (bounded), draws several samples, and keeps the one whose examples independent samples agree on most.

The local models answer in free YAML (measured faster and better than llama.cpp's JSON-schema grammar on 2 cores:
docs/benchmarks.md); a hosted model answers under the spec's JSON schema in its structured-output mode. Either way
the answer is only read as YAML or JSON and validated, never scraped."""

from __future__ import annotations

import asyncio
import json
import re
import time
from dataclasses import dataclass, field
from typing import Any

from nodegen.llm import (
    EnumChatRole,
    LLMClient,
    ModelChatMessage,
    ModelCompletion,
    ModelCompletionRequest,
    RetryPolicy,
    RunBudget,
)
from nodegen.nodes.codegen_scaffold_compute.v1_0_0 import (
    SpecFileError,
    SpecRuntime,
    check_spec,
    leaves,
    numbers_in,
    parse_spec,
    read_yaml,
)
from nodegen.nodes.codegen_scaffold_compute.v1_0_0.models import EnumNodeKind, ModelNodeSpec, ModelSpecExample

from .models import ModelSpecStage
from .spec_code import OutputsAsk, draw, sampling
from .spec_outputs import confirm_outputs, doubted_by_code
from .spec_prompts import copied_setups, repair_message, spec_system_prompt
from .spec_salvage import (
    fit_constraints,
    fold_descriptions,
    io_targets,
    known_cases,
    listed_types,
    missing_files,
    quote_placeholders,
    quote_types,
    stated_rules,
    unlist,
    unlisted_copies,
)
from .spec_verdicts import OutputsReport

_BLOCK = re.compile(r"```(?:ya?ml|json)?[ \t]*\n(.*?)(?:\n```|\Z)", re.DOTALL)
SPEC_MAX_TOKENS = 640
_MOST_CUT = 3


@dataclass(frozen=True, slots=True)
class SpecAsk:
    """What the stage needs: the prompt, overrides, the client and the run's limits."""

    prompt: str
    kind: EnumNodeKind
    name: str | None
    kind_given: bool
    client: LLMClient
    policy: RetryPolicy
    budget: RunBudget
    samples: int
    repairs: int
    retry_temperature: float
    structured: bool
    outputs: OutputsAsk | None = None


@dataclass
class _Draft:
    text: str
    spec: ModelNodeSpec | None = None
    problems: list[str] = field(default_factory=list)


def _answer_text(text: str) -> str:
    """The YAML (or JSON) of an answer: its fenced block, else the whole answer."""
    found = _BLOCK.search(text)
    return found.group(1) if found else text


def _load(text: str) -> ModelNodeSpec:
    """The spec in an answer. A small model that loops ends its answer mid-line at the token limit: the lines up to
    the last one that still reads as a spec are kept (never more than a few dropped), and examples it repeated (the
    same input and outcome, whatever their labels) count once."""
    lines = quote_placeholders(quote_types(unlist(text))).rstrip().splitlines()
    first: SpecFileError | None = None
    for cut in range(min(_MOST_CUT, len(lines) - 1) + 1):
        try:
            data = read_yaml("\n".join(lines[: len(lines) - cut]), "the spec")
            break
        except SpecFileError as error:
            first = first or error
    else:
        assert first is not None
        raise first
    spec = io_targets(fit_constraints(parse_spec(fold_descriptions(listed_types(known_cases(data))), "the spec")))
    operations = []
    for operation in spec.operations:
        unique: dict[str, ModelSpecExample] = {}
        for example in operation.examples:  # the same input and outcome under two labels (the 1.5B's DeployPlan)
            key = json.dumps(example.model_dump(mode="json", exclude={"case", "note"}), sort_keys=True)
            kept = unique.setdefault(key, example)
            if kept.case != "error" and example.error is not None and example.case == "error":
                unique[key] = example
        operations.append(operation.model_copy(update={"examples": list(unique.values())}))
    return spec.model_copy(update={"operations": operations})


def read_draft(text: str, ask: SpecAsk, written_by: str) -> _Draft:
    """The answer as a checked spec, or its problems."""
    try:
        spec = _load(_answer_text(text))
    except SpecFileError as error:
        return _Draft(text, problems=[str(error)])
    updates: dict[str, Any] = {"prompt": ask.prompt, "written_by": written_by}
    if ask.kind_given:
        updates["kind"] = ask.kind
    if ask.name:
        updates["name"] = ask.name
    spec = ModelNodeSpec.model_validate({**spec.model_dump(exclude_unset=True), **updates})
    spec = stated_rules(missing_files(unlisted_copies(spec, ask.prompt)), ask.prompt)
    problems = check_spec(spec, ask.prompt) + copied_setups(spec, ask.kind, ask.prompt)
    return _Draft(text, spec if not problems else None, problems)


def restates_prompt(example: ModelSpecExample, prompt: str) -> bool:
    """Every number and string of the example's input and output stands in the prompt itself."""
    numbers = set(numbers_in(prompt))
    for leaf in leaves([example.input, example.output or {}]):
        if isinstance(leaf, bool) or leaf is None:
            continue
        if isinstance(leaf, int | float):
            if float(leaf) not in numbers:
                return False
        elif str(leaf) not in prompt:
            return False
    return True


def _outcome(runtime: SpecRuntime, spec: ModelNodeSpec, example: ModelSpecExample) -> tuple[str, str] | None:
    """The example's input as the spec's request holds it, and its outcome; None when it does not load here."""
    try:
        request = runtime.load_request(example.input).model_dump(mode="json")
    except ValueError:  # refused by the request model: the input as written is the key
        request = example.input
    try:
        outcome = (
            f"error {example.error}"
            if example.error
            else json.dumps(runtime.load_output(example.output or {}), sort_keys=True, default=str)
        )
    except ValueError:
        return None
    setup = example.setup.model_dump(mode="json") if example.setup else None
    return json.dumps([request, setup], sort_keys=True), outcome


def choose(specs: list[ModelNodeSpec], prompt: str, doubted: list[int] | None = None) -> ModelNodeSpec:
    """The sample with the fewest examples the code drawn doubts (``doubted``, when known), then whose examples the
    others agree with most (ties: the earliest, the greedy one), each example marked with its agreement and whether
    it restates the prompt."""
    best: tuple[int, int, int, ModelNodeSpec] | None = None
    for index, spec in enumerate(specs):
        runtime = SpecRuntime(spec)
        others = [{_outcome(runtime, spec, e) for o in other.operations for e in o.examples} for other in specs]
        operations = []
        score = 0
        for operation in spec.operations:
            examples = []
            for example in operation.examples:
                mine = _outcome(runtime, spec, example)
                agreeing = sum(1 for outcomes in others if mine is not None and mine in outcomes)
                score += agreeing
                source = "prompt" if restates_prompt(example, prompt) else "derived"
                examples.append(
                    example.model_copy(update={"source": source, "agreement": f"{max(agreeing, 1)}/{len(specs)}"})
                )
            operations.append(operation.model_copy(update={"examples": examples}))
        marked = spec.model_copy(update={"operations": operations})
        rank = (-doubted[index] if doubted else 0, score, -index)
        if best is None or rank > best[:3]:
            best = (*rank, marked)
    assert best is not None
    return best[3]


async def write_spec(ask: SpecAsk) -> tuple[ModelNodeSpec | None, ModelSpecStage, str]:
    """The chosen spec (None when no sample passed the checks), what the stage did, and the closest draft's text."""
    started = time.perf_counter()
    written_by = f"{ask.client.identity.provider}:{ask.client.identity.model}"  # never an endpoint
    stage = ModelSpecStage(written_by=written_by)
    system = spec_system_prompt(ask.kind, ask.prompt)
    schema = ModelNodeSpec.model_json_schema() if ask.structured else None
    valid: list[ModelNodeSpec] = []
    closest: _Draft | None = None
    first: tuple[ModelNodeSpec, OutputsReport] | None = None  # the first valid sample, its outputs checked
    drafted: dict[int, ModelCompletion] = {}  # first drafts of later samples, decoded with an earlier one's
    for sample in range(ask.samples):
        messages = [ModelChatMessage(role=EnumChatRole.USER, content=f"Request: {ask.prompt}")]
        stage.samples += 1
        for repair in range(ask.repairs + 1):
            request = ModelCompletionRequest(
                system=system,
                messages=messages,
                max_tokens=SPEC_MAX_TOKENS,
                json_schema=schema,
                **sampling(sample, ask.retry_temperature),
            )
            if repair == 0 and sample not in drafted and sample > 0:
                drafted = await _drafts(ask, request, sample, stage)
            completion = drafted.pop(sample) if repair == 0 and sample in drafted else None
            completion = completion or await draw(ask.client, request, ask.policy, ask.budget, stage)
            draft = read_draft(completion.text, ask, written_by)
            if draft.spec is not None:
                valid.append(draft.spec)
                break
            if closest is None or len(draft.problems) < len(closest.problems):
                closest = draft
            messages = [
                *messages,
                ModelChatMessage(role=EnumChatRole.ASSISTANT, content=completion.text or "(empty)"),
                ModelChatMessage(role=EnumChatRole.USER, content=repair_message(draft.problems)),
            ]
        if len(valid) == 1 and first is None and ask.outputs is not None and ask.outputs.implementations:
            first = await _checked(choose(valid, ask.prompt), ask.outputs, stage)
            if first[1].confirmed:  # most implementations of the rules alone give every example: enough
                break
        if len(valid) >= 2 and _settled(valid, ask.prompt):
            break
    stage.valid = len(valid)
    if not valid:
        stage.seconds = time.perf_counter() - started
        stage.problems = closest.problems if closest else ["the model gave no answer"]
        return None, stage, _answer_text(closest.text) if closest else ""
    outputs = ask.outputs if ask.outputs is not None and ask.outputs.implementations else None
    doubted = await doubted_by_code(valid, outputs) if outputs is not None and len(valid) > 1 else None
    spec = choose(valid, ask.prompt, doubted)
    if outputs is not None:
        # the first sample's check stands when it is the only sample (its marks would change with more)
        spec, report = first if first is not None and len(valid) == 1 else await _checked(spec, outputs, stage)
        stage.implementations = report.drawn
        stage.outputs_changed = report.changed
        stage.proven_code = report.proven
    stage.seconds = time.perf_counter() - started
    return spec, stage, ""


async def _drafts(
    ask: SpecAsk, request: ModelCompletionRequest, sample: int, stage: ModelSpecStage
) -> dict[int, ModelCompletion]:
    """The first drafts of sample ``sample`` and of those after it, asked at once from a provider that decodes
    answers to one prompt together (the first sample was not enough, so more are wanted; one the stage ends before
    reading was paid for, and is counted); from another provider, none (each is asked when its turn comes)."""
    together = ask.client.capabilities.samples_together
    if together <= 1 or request.json_schema is not None:
        return {}
    samples = range(sample, min(ask.samples, sample + together))
    requests = [request.model_copy(update=sampling(index, ask.retry_temperature)) for index in samples]
    answers = await asyncio.gather(*(draw(ask.client, r, ask.policy, ask.budget, stage) for r in requests))
    return dict(zip(samples, answers, strict=True))


async def _checked(
    spec: ModelNodeSpec, outputs: OutputsAsk, stage: ModelSpecStage
) -> tuple[ModelNodeSpec, OutputsReport]:
    """``spec`` with its outputs checked by implementations, their calls counted in ``stage``."""
    checked, report = await confirm_outputs(spec, outputs)
    stage.calls += report.calls
    stage.prompt_tokens += report.prompt_tokens
    stage.completion_tokens += report.completion_tokens
    return checked, report


def _settled(valid: list[ModelNodeSpec], prompt: str) -> bool:
    """Every example of the chosen sample is given by another sample too: more samples would change nothing."""
    chosen = choose(valid, prompt)
    return all(
        example.agreement is not None and not example.agreement.startswith("1/")
        for operation in chosen.operations
        for example in operation.examples
    )


__all__ = ["SPEC_MAX_TOKENS", "SpecAsk", "choose", "quote_types", "read_draft", "restates_prompt", "write_spec"]
