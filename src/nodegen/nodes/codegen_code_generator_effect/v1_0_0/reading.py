"""Reading one answer of the model into a candidate, once: the code found in what it says (``answers.py``), read as
a body or a whole def (``nodegen.pysource.read_answer``) and prepared for validation in place (``preparing.py``); or
the finding that says why it cannot be read.

The candidate carries the answer as read (``ModelCodeCandidate.answer``), which the validator's in-place check and
the injector take as it is: the answer's own ``def`` comes along, so the injector's one signature comparison judges
the signature the model wrote (SIG001). It is the prepared text as read: the form a worker's result carries, so a
local fill and a worker's write the same bytes.
"""

from __future__ import annotations

from dataclasses import replace

from nodegen.nodes.codegen_code_validator_effect.v1_0_0.models import answer_finding
from nodegen.nodes.codegen_stub_extractor_effect.v1_0_0.models import ModelMethodStub
from nodegen.pysource import AnswerError, read_answer

from .answers import NoCodeError, extract_code
from .file_context import FileContext
from .models import EnumAttemptOutcome, ModelCodeCandidate
from .preparing import prepare_answer


def _unreadable(problem: AnswerError, stub: ModelMethodStub, *, at_body: bool) -> ModelCodeCandidate:
    line = stub.body_start_line + max((problem.line or 1) - 1, 0) if at_body and problem.line else None
    finding = answer_finding(problem.code.finding_code, problem.message, fix=problem.suggested_fix, line=line)
    return ModelCodeCandidate(outcome=EnumAttemptOutcome.INVALID, findings=[finding])


def read_candidate(text: str, stub: ModelMethodStub, context: FileContext, limit: int) -> ModelCodeCandidate:
    """The answer's code, prepared for validation in place; or why it cannot be read (too large, no code, a
    shape the injector refuses)."""
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
        written = read_answer(code, stub.name, echoed=context.names())
    except AnswerError as problem:
        return _unreadable(problem, stub, at_body=True)
    try:
        prepared = prepare_answer(written, stub, context.module, context.names())
        answer = replace(read_answer(prepared.code, stub.name), function=written.function)
    except AnswerError as problem:
        return _unreadable(problem, stub, at_body=False)
    return ModelCodeCandidate(
        outcome=EnumAttemptOutcome.VALID, code=prepared.code, required_imports=list(prepared.imports), answer=answer
    )


__all__ = ["read_candidate"]
