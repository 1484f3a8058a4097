"""Reading one answer of the model into a candidate, once: the code found in what it says (``answers.py``), read as
a body or a whole def (``nodegen.pysource.read_answer``), the stub's own signature kept (the injector keeps it), and
prepared for validation in place (``preparing.py``); or the finding that says why it cannot be read."""

from __future__ import annotations

from nodegen.nodes.codegen_code_validator_effect.v1_0_0.models import ModelValidationFinding, answer_finding
from nodegen.nodes.codegen_stub_extractor_effect.v1_0_0.models import ModelMethodStub
from nodegen.pysource import Answer, AnswerError, read_answer, signature_difference

from .answers import NoCodeError, extract_code
from .file_context import FileContext, stub_node_of
from .models import EnumAttemptOutcome, ModelCodeCandidate
from .preparing import prepare_answer


def _signature_mismatch(stub: ModelMethodStub, context: FileContext, answer: Answer) -> ModelValidationFinding | None:
    """A whole-def answer whose parameters differ from the stub's (the injector keeps the stub's signature, so its
    body would run under one it was not written for): the injector's ``signature_mismatch``, as a finding."""
    if answer.function is None:
        return None
    stub_node = stub_node_of(stub, context.module)
    if stub_node is None:
        return None
    difference = signature_difference(stub_node, answer.function)
    if difference is None:
        return None
    return answer_finding(
        "SIG001",
        f"signature_mismatch: the answer's signature does not match the stub `{stub.signature}`: {difference}",
        fix=f"keep the stub's signature exactly: `{stub.signature}:`",
        line=stub.line_number,
    )


def read_candidate(text: str, stub: ModelMethodStub, context: FileContext, limit: int) -> ModelCodeCandidate:
    """The answer's code, prepared for validation in place; or why it cannot be read (too large, no code, a
    shape or a signature the injector refuses)."""
    if len(text) > limit:
        finding = answer_finding(
            "ANS002",
            f"the answer is {len(text):,} characters, over the limit of {limit:,} (max_answer_chars); it was not read",
            fix=f"answer with the function `{stub.name}` alone, in one ```python block",
        )
        return ModelCodeCandidate(outcome=EnumAttemptOutcome.INVALID, findings=[finding])
    try:
        code = extract_code(text, stub.name)
    except NoCodeError:
        finding = answer_finding(
            "ANS001",
            "the answer holds no Python code",
            fix=f"answer with one ```python block holding the whole function `{stub.name}`",
        )
        return ModelCodeCandidate(outcome=EnumAttemptOutcome.NO_CODE, findings=[finding])
    try:
        answer = read_answer(code, stub.name, echoed=context.names())
    except AnswerError as problem:
        line = stub.body_start_line + max((problem.line or 1) - 1, 0) if problem.line else None
        finding = answer_finding(problem.code.finding_code, problem.message, fix=problem.suggested_fix, line=line)
        return ModelCodeCandidate(outcome=EnumAttemptOutcome.INVALID, findings=[finding])
    mismatch = _signature_mismatch(stub, context, answer)
    if mismatch is not None:
        return ModelCodeCandidate(outcome=EnumAttemptOutcome.INVALID, findings=[mismatch])
    try:
        prepared = prepare_answer(answer, stub, context.module, context.names())
    except AnswerError as problem:
        finding = answer_finding(problem.code.finding_code, problem.message, fix=problem.suggested_fix)
        return ModelCodeCandidate(outcome=EnumAttemptOutcome.INVALID, findings=[finding])
    return ModelCodeCandidate(
        outcome=EnumAttemptOutcome.VALID, code=prepared.code, required_imports=list(prepared.imports)
    )


__all__ = ["read_candidate"]
