"""The prompt for one stub: conventions and answer format (system), then the target named by its qualified name and
shown as it stands, then the context that fits the token budget, then (on a repair) the validator's findings.

Context is trimmed in a fixed order, first left out first: the node's contract.yaml, the node's models, implemented
functions beside the stub (farthest first), ``__init__``, sibling signatures, the class's docstring and attributes,
the module docstring, the module's imports. The instructions, the target and the findings are never left out.
Tokens are estimated at four characters each: no provider's tokenizer is needed to stay within a budget.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from nodegen.nodes.codegen_code_validator_effect.v1_0_0.models import ModelValidationFinding
from nodegen.nodes.codegen_stub_extractor_effect.v1_0_0.models import ModelMethodStub
from nodegen.pysource import SourceModule, is_placeholder_body
from nodegen.pysource.onex_nodes import is_onex_file, module_node_kind

CHARS_PER_TOKEN = 4
_MAX_PACKAGE_FILE_CHARS = 12_000

_SYSTEM_BASE = """\
You are an expert Python engineer. You write the body of one function that already exists in a file, as a \
careful senior engineer would: correct, complete, typed, readable.

Rules:
- Keep the function's decorators, signature and docstring exactly as they are; write the real implementation \
(never `pass`, `...`, `raise NotImplementedError`, a TODO or a comment standing in for code).
- Everything the function needs goes inside it (nested helpers are fine); use only names that exist in the file \
or that you import.
- No secrets, no `eval`/`exec`, no shell commands built from strings, no `print` for logging.
{conventions}
Answer format: one fenced code block tagged `python` holding the whole function (its `def` line as given, then the \
body), with the imports it needs at the top of the block. Nothing else is read."""

_PYTHON_CONVENTIONS = "- Plain Python 3.11+: type hints on new functions, standard library first."

_ONEX_CONVENTIONS = """\
- This file is an ONEX v2.0 node. Raise errors as `ModelOnexError(error_code=EnumCoreErrorCode.<CODE>, \
message=...)` (codes such as VALIDATION_ERROR, OPERATION_FAILED, PROCESSING_ERROR), never a bare `Exception`.
- Log with `emit_log_event(EnumLogLevel.<LEVEL>, message, {context})`, not `print` or `logging`.
- Inputs and outputs are pydantic v2 models; read configuration with `self.container.config.get(key, default)`.
- Type hints everywhere; async I/O in async methods."""


def estimate_tokens(text: str) -> int:
    """Tokens of ``text``, estimated."""
    return (len(text) + CHARS_PER_TOKEN - 1) // CHARS_PER_TOKEN


@dataclass(slots=True)
class FileContext:
    """What every stub of one file shares: the parsed file and its node package's files."""

    module: SourceModule
    file_path: str | None
    node_type: str | None
    is_onex: bool
    package_models: list[tuple[str, str]] = field(default_factory=list)
    contract_yaml: str | None = None

    @classmethod
    def read(cls, source: str, file_path: str | None) -> FileContext:
        """Parse the file and, when it sits in a node package, read the package's models and contract.yaml."""
        module = SourceModule(source)
        kind = module_node_kind(module.tree)
        context = cls(
            module=module,
            file_path=file_path,
            node_type=kind.lower() if kind else None,
            is_onex=is_onex_file(file_path, module.tree),
        )
        if file_path:
            path = Path(file_path)
            package = path.parent.parent if path.parent.name == "models" else path.parent
            contract = package / "contract.yaml"
            if contract.is_file():
                context.is_onex = True
                context.contract_yaml = _read_capped(contract)
                models = package / "models"
                if models.is_dir():
                    context.package_models = [
                        (f"models/{model.name}", _read_capped(model))
                        for model in sorted(models.glob("model_*.py"))
                        if model.resolve() != path.resolve()
                    ]
        return context


def shown_path(file_path: str) -> str:
    """The path as the prompt shows it: relative to the working directory when under it (so that prompts, and the
    cache and replay keys made from them, do not depend on where a project is checked out)."""
    path = Path(file_path)
    if not path.is_absolute():
        return file_path
    try:
        return path.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return "/".join(path.parts[-3:])


def _read_capped(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return text if len(text) <= _MAX_PACKAGE_FILE_CHARS else text[:_MAX_PACKAGE_FILE_CHARS] + "\n# ... (cut)\n"


@dataclass(slots=True)
class _Section:
    name: str
    text: str
    drop_rank: float  # lower is left out first


@dataclass(slots=True)
class Prompt:
    """The system prompt, the first user message, and what context was left out."""

    system: str
    user: str
    trimmed: list[str]
    estimated_tokens: int


def system_prompt(context: FileContext) -> str:
    """Conventions and the answer format."""
    return _SYSTEM_BASE.format(conventions=_ONEX_CONVENTIONS if context.is_onex else _PYTHON_CONVENTIONS)


def _fence(code: str, tag: str = "python") -> str:
    return f"```{tag}\n{code.rstrip()}\n```"


def _target_source(stub: ModelMethodStub, module: SourceModule) -> str:
    start = (stub.first_decorator_line or stub.line_number) - 1
    return "".join(module.lines[start : stub.body_end_line]).rstrip()


def _function_source(module: SourceModule, node: ast.FunctionDef | ast.AsyncFunctionDef) -> str:
    start = (node.decorator_list[0].lineno if node.decorator_list else node.lineno) - 1
    return "".join(module.lines[start : node.end_lineno or node.lineno]).rstrip()


def _scope_functions(
    module: SourceModule, stub: ModelMethodStub
) -> tuple[ast.ClassDef | None, list[ast.FunctionDef | ast.AsyncFunctionDef]]:
    """The stub's innermost class (None at module level) and the functions defined beside the stub."""
    if stub.enclosing_classes:
        wanted = stub.enclosing_classes[-1].qualified_name
        for scope in module.scopes:
            if not scope.is_function and scope.qualified_name == wanted and isinstance(scope.node, ast.ClassDef):
                body = scope.node.body
                functions = [s for s in body if isinstance(s, ast.FunctionDef | ast.AsyncFunctionDef)]
                return scope.node, functions
        return None, []
    if stub.enclosing_function:
        return None, []
    return None, [s for s in module.tree.body if isinstance(s, ast.FunctionDef | ast.AsyncFunctionDef)]


def _sections(stub: ModelMethodStub, context: FileContext, stub_names: set[str]) -> list[_Section]:
    module = context.module
    sections: list[_Section] = []
    where = f" `{shown_path(context.file_path)}`" if context.file_path else ""
    docstring = ast.get_docstring(module.tree)
    if docstring:
        sections.append(_Section("module docstring", f"Module{where} docstring:\n{docstring.strip()}", 7))
    if stub.module_imports:
        sections.append(
            _Section("module imports", "The module's imports:\n" + _fence("\n".join(stub.module_imports)), 8)
        )
    owner, functions = _scope_functions(module, stub)
    if stub.enclosing_classes:
        cls = stub.enclosing_classes[-1]
        header = f"class {cls.name}({', '.join(cls.bases)}):" if cls.bases else f"class {cls.name}:"
        lines = [*cls.decorators, header]
        if cls.docstring:
            lines.append(f'    """{cls.docstring}"""')
        lines.extend("    " + attribute for attribute in cls.attributes)
        outer = (
            " inside " + ".".join(c.name for c in stub.enclosing_classes[:-1])
            if len(stub.enclosing_classes) > 1
            else ""
        )
        sections.append(
            _Section(
                "class docstring and attributes",
                f"The class `{cls.qualified_name}`{outer}:\n" + _fence("\n".join(lines)),
                6,
            )
        )
    if stub.sibling_signatures:
        signatures = "\n".join(f"{signature}: ..." for signature in stub.sibling_signatures)
        sections.append(
            _Section("sibling signatures", "Signatures of the functions beside it:\n" + _fence(signatures), 5)
        )
    prefix = f"{owner_name}." if (owner_name := _owner_name(stub)) else ""
    implemented = []
    for function in functions:
        if function.lineno == stub.line_number or f"{prefix}{function.name}" in stub_names:
            continue
        if function.name == "__init__" and owner is not None:
            sections.append(_Section("__init__", "Its `__init__`:\n" + _fence(_function_source(module, function)), 4))
        elif not is_placeholder_body(function):
            implemented.append(function)
    # nearest first: the farthest implemented function is the first left out
    implemented.sort(key=lambda function: abs(function.lineno - stub.line_number))
    for rank, function in enumerate(implemented):
        sections.append(
            _Section(
                f"implemented `{function.name}`",
                f"`{prefix}{function.name}`, already implemented:\n" + _fence(_function_source(module, function)),
                2 + (len(implemented) - rank) / (len(implemented) + 1),  # in (2, 3): nearest kept longest
            )
        )
    for name, text in context.package_models:
        sections.append(_Section(f"model {name}", f"The node's `{name}`:\n" + _fence(text), 1))
    if context.contract_yaml:
        sections.append(
            _Section("contract.yaml", "The node's `contract.yaml`:\n" + _fence(context.contract_yaml, "yaml"), 0)
        )
    return sections


def _owner_name(stub: ModelMethodStub) -> str:
    return stub.enclosing_classes[-1].qualified_name if stub.enclosing_classes else ""


def build_prompt(
    stub: ModelMethodStub,
    context: FileContext,
    *,
    token_budget: int,
    stub_names: set[str] | None = None,
    feedback: str | None = None,
) -> Prompt:
    """The prompt for ``stub``, its context trimmed to ``token_budget`` (estimated tokens, system prompt included)."""
    system = system_prompt(context)
    where = f" in `{shown_path(context.file_path)}`" if context.file_path else ""
    head = [
        f"Implement `{stub.qualified_name}`{where}.",
        "",
        "It stands in the file like this (keep its decorators, signature and docstring):",
        _fence(_target_source(stub, context.module)),
    ]
    if stub.marker_note:
        head.append(f"Note left with the stub: {stub.marker_note}")
    if feedback:
        head.append(f"An earlier version failed the package's own tests; make them pass:\n{_fence(feedback, 'text')}")
    tail = (
        f"Answer with one ```python block holding the whole function `{stub.name}` (its `def` line as above, "
        "then the body), the imports it needs at the top of the block."
    )
    sections = _sections(stub, context, stub_names or set())
    fixed = estimate_tokens(system) + estimate_tokens("\n".join(head)) + estimate_tokens(tail) + 8
    kept = list(sections)
    trimmed: list[str] = []
    total = fixed + sum(estimate_tokens(section.text) + 1 for section in kept)
    for section in sorted(sections, key=lambda section: section.drop_rank):
        if total <= token_budget:
            break
        kept.remove(section)
        trimmed.append(section.name)
        total -= estimate_tokens(section.text) + 1
    parts = ["\n".join(head)]
    if kept:
        parts.append("Context:\n\n" + "\n\n".join(section.text for section in kept))
    if trimmed:
        parts.append(f"(Context left out to fit the prompt budget: {', '.join(trimmed)}.)")
    parts.append(tail)
    user = "\n\n".join(parts)
    return Prompt(system=system, user=user, trimmed=trimmed, estimated_tokens=estimate_tokens(system + user))


def repair_message(stub: ModelMethodStub, problems: str) -> str:
    """The message after a failed attempt: the findings verbatim, and what to answer."""
    return (
        f"Your code for `{stub.qualified_name}` was not accepted. The checks found:\n"
        f"{problems}\n\n"
        f"Fix every finding and answer again with the whole function `{stub.name}` in one ```python block "
        "(imports at the top)."
    )


def render_findings(findings: Sequence[ModelValidationFinding]) -> str:
    """Findings as the model reads them: one per line, each followed by the source line it is on."""
    lines = []
    for finding in findings:
        lines.append(f"- {finding.render()}")
        if finding.snippet:
            lines.append(f"    > {finding.snippet.strip()}")
    return "\n".join(lines)


__all__ = [
    "FileContext",
    "Prompt",
    "build_prompt",
    "estimate_tokens",
    "render_findings",
    "repair_message",
    "system_prompt",
]
