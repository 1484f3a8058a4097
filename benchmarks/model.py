"""The real-model benchmarks, in one run of one command, on one loaded model: HumanEval (the model alone beside
nodegen, with and without the examples check), `nodegen new` on five prompts, and prompt tokens evaluated with and
without llama.cpp's prefix reuse. Each writes its section of docs/benchmarks.md (`make bench` keeps them).

    python -m benchmarks.model --llm local                     # everything (~40+ min for 164 problems on 2 cores)
    python -m benchmarks.model --llm local --limit 5           # the first 5 problems only
    python -m benchmarks.model --resume                        # go on where an interrupted run stopped
    python -m benchmarks.model --report-only                   # rebuild the HumanEval section from the JSONL
    python -m benchmarks.model --only new --only prefix        # the other two sections
    python -m benchmarks.model --only humaneval --candidates 4 # N candidates a stub: its own results and section
    python -m benchmarks.model --only together                 # N answers to one prompt: one by one vs together
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import os
import platform
import re
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import humaneval_report, new_model, prefix_reuse, spec_decoding, together
from benchmarks.checks import docstring_examples
from benchmarks.clients import ObservingClient
from benchmarks.humaneval import problems
from benchmarks.humaneval_model import (
    Phase,
    ResultsFile,
    alone_one,
    build_model,
    examples_setting_available,
    nodegen_one,
    progress_line,
    settings_for,
)
from benchmarks.sections import write_section
from nodegen.llm import LLMClient
from nodegen.nodes.codegen_code_generator_effect.v1_0_0.generation import GenerationOptions
from nodegen.onex import ModelOnexError

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "humaneval_model.jsonl"


def _machine() -> str:
    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()} on {platform.system()}"


def _stamp() -> str:
    now = datetime.datetime.now(datetime.UTC)
    command = "python -m benchmarks.model " + " ".join(sys.argv[1:])
    return f"{_machine()}; {now:%Y-%m-%d %H:%M} UTC; command: `{command}`."


def _phases(args: argparse.Namespace) -> list[Phase]:
    phases = [] if args.skip_alone else [Phase("alone")]
    phases.append(Phase("nodegen", True))
    if examples_setting_available() and not args.skip_examples_off:
        phases.append(Phase("nodegen", False))
    return phases


async def _humaneval(args: argparse.Namespace, model: LLMClient, where: Path) -> None:
    selected = problems()[args.offset :]
    selected = selected[: args.limit] if args.limit else selected
    settings = settings_for(where, args.llm)
    max_tokens = settings.llm_max_output_tokens
    attempts = GenerationOptions(max_attempts=args.max_attempts, retry_style=settings.llm_retry_style)
    header = {
        "phase": "run",
        "llm": args.llm,
        "model": str(model.identity),
        "max_attempts": attempts.attempts_for(model.capabilities),
        "candidates": args.candidates or settings.generation_candidates,
        "max_tokens": max_tokens,
        "machine": _machine(),
        "started": f"{datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC",
        "command": "python -m benchmarks.model " + " ".join(sys.argv[1:]),
    }
    results = ResultsFile(args.results)
    done = results.start(header, resume=args.resume)
    client = ObservingClient(model)
    for phase in _phases(args):
        tally = [0, 0]
        for index, problem in enumerate(selected, 1):
            if phase.key(problem.task_id) in done:
                continue
            if phase.name == "alone":
                # the limit nodegen's own answers have: the stub's length besides a body's (``answer_tokens``)
                record = await alone_one(problem, client, attempts.answer_tokens(model.capabilities, problem.prompt))
            else:
                record = await nodegen_one(
                    problem, client, where, phase, args.llm, args.max_attempts, candidates=args.candidates
                )
            results.append(record)
            print(progress_line(phase, index, len(selected), record, tally), flush=True)


def humaneval_section(results: Path, title: str) -> str:
    header, records = ResultsFile(results).read()
    if header is None:
        return f"No HumanEval results yet ({results})."
    by_task = {problem.task_id: problem for problem in problems()}
    contradicted: dict[str, set[str]] = {}
    for task_id in {r["task_id"] for r in records if r.get("example_failures")}:
        problem = by_task[task_id]
        verdict = docstring_examples(problem.name, problem.original, problem.entry_point)
        contradicted[task_id] = {failure["call"] for failure in verdict.failures}
    try:
        shown = results.relative_to(ROOT)
    except ValueError:
        shown = results
    return (
        f"## {title}\n\n"
        + humaneval_report.render(header, records, contradicted)
        + f"\n\nRaw results, one line per problem and run: `{shown}`."
    )


def _slug(llm: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", llm.lower()).strip("-")


def model_section(name: str, title: str, llm: str, candidates: int | None = None) -> tuple[str, str]:
    """The section and title of a run: the default provider's as named, another model's beside it (its own name);
    a run with a number of candidates asked for has its own."""
    if llm != "local":
        name, title = f"{name}-{_slug(llm)}", f"{title} (`{llm}`)"
    return (name, title) if candidates is None else (f"{name}-n{candidates}", f"{title}, {candidates} candidates")


def results_for(llm: str, candidates: int | None = None) -> Path:
    """The default HumanEval JSONL of a provider: another model's run never replaces the default one's, nor a run
    with a number of candidates asked for the run without."""
    stem = RESULTS.stem if llm == "local" else f"{RESULTS.stem}-{_slug(llm)}"
    return RESULTS.with_name(f"{stem}{'' if candidates is None else f'-n{candidates}'}.jsonl")


HUMANEVAL = ("humaneval-model", "HumanEval with a real model: the model alone and through nodegen")
NEW = ("new-model", "`nodegen new` with a real model")
PREFIX = ("prefix-reuse", "Prompt tokens evaluated per stub, with and without prefix reuse")
SPEC_DECODING = ("spec-decoding", "A node spec from the local model: free YAML against llama.cpp's JSON-schema grammar")
TOGETHER = ("together-decoding", "Several answers to one prompt: one after another, and decoded together")


def _write_humaneval(args: argparse.Namespace) -> None:
    name, title = model_section(*HUMANEVAL, args.llm, args.candidates)
    write_section(args.output, name, humaneval_section(args.results, title))


async def _main(args: argparse.Namespace) -> None:
    chosen = args.only or ["humaneval", "new", "prefix"]
    args.results = args.results or results_for(args.llm, args.candidates)
    if args.report_only:
        _write_humaneval(args)
        return
    with tempfile.TemporaryDirectory(prefix="nodegen-bench-model-") as tmp:
        where = Path(tmp)
        model = build_model(args.llm, where)
        try:
            if "humaneval" in chosen:
                await _humaneval(args, model, where)
                _write_humaneval(args)
            if "new" in chosen:
                rows = await new_model.run(
                    ObservingClient(model), args.llm, resume=args.resume, keys=args.prompt, calls=args.calls
                )
                name, title = model_section(*NEW, args.llm)
                write_section(args.output, name, f"## {title}\n\n{new_model.render(rows, args.llm)}\n\n{_stamp()}")
            if "spec-decoding" in chosen:
                rows = await spec_decoding.run(model, args.llm)
                name, title = model_section(*SPEC_DECODING, args.llm)
                write_section(args.output, name, f"## {title}\n\n{spec_decoding.render(rows, args.llm)}\n\n{_stamp()}")
            if "together" in chosen:
                rows = await together.run(model, args.llm)
                name, title = model_section(*TOGETHER, args.llm)
                write_section(args.output, name, f"## {title}\n\n{together.render(rows, args.llm)}\n\n{_stamp()}")
            if "prefix" in chosen:
                result = await prefix_reuse.run(model, args.llm)
                name, title = model_section(*PREFIX, args.llm)
                write_section(args.output, name, f"## {title}\n\n{prefix_reuse.render(result, args.llm)}\n\n{_stamp()}")
        finally:
            await model.aclose()
    print(f"written: {args.output}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--llm", default="local", help="provider string, as nodegen's --llm (default: local)")
    parser.add_argument(
        "--only",
        choices=["humaneval", "new", "prefix", "spec-decoding", "together"],
        action="append",
        help="run only these",
    )
    parser.add_argument("--limit", type=int, help="HumanEval: only N problems")
    parser.add_argument("--offset", type=int, default=0, help="HumanEval: skip the first K problems")
    parser.add_argument(
        "--max-attempts", type=int, help="nodegen's attempts per stub (default: nodegen's, 10 for local, 3 for others)"
    )
    parser.add_argument(
        "--candidates", type=int, help="HumanEval: nodegen's candidates per stub (own results file and section)"
    )
    parser.add_argument("--skip-alone", action="store_true", help="HumanEval: no model-alone run")
    parser.add_argument("--skip-examples-off", action="store_true", help="HumanEval: no run with examples unchecked")
    parser.add_argument("--resume", action="store_true", help="keep the results file, skip what it holds")
    parser.add_argument("--prompt", action="append", help="nodegen new: only this prompt of new_prompts.py (repeat)")
    parser.add_argument("--calls", type=Path, help="nodegen new: keep each prompt's model calls in DIR/KEY.jsonl")
    parser.add_argument("--report-only", action="store_true", help="HumanEval: rebuild the section, run no model")
    parser.add_argument(
        "--results", type=Path, help=f"HumanEval JSONL (default {RESULTS}, for another --llm humaneval_model-LLM.jsonl)"
    )
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "benchmarks.md", help="the page to write")
    try:
        asyncio.run(_main(parser.parse_args()))
    except ModelOnexError as error:  # no such provider, no key, no model file: say so, no traceback
        print(f"error: {error.message}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
