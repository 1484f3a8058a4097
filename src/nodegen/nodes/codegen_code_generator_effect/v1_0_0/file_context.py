"""What every stub of one file shares when its prompts are built: the parsed file, its node package's files, and
the names it binds.

A file over ``LARGE_SOURCE_CHARS`` is read a window at a time (issue 28: a tree of a whole 20 MB file takes
gigabytes, and fill's memory should stay within twice ``nodegen stubs``'): its module holds the header (docstring,
imports), every top-level statement that binds a stub's name, and those within ``_NEAR_LINES`` of a stub (the
implemented functions a prompt shows, nearest first), each at its own line; the rest is empty lines. The names the
file binds are gathered from every statement on the way.
"""

from __future__ import annotations

import ast
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from nodegen.nodes.codegen_stub_extractor_effect.v1_0_0.models import ModelMethodStub
from nodegen.pysource import BOM, SourceModule, is_placeholder_body
from nodegen.pysource.condense import LARGE_SOURCE_CHARS, bound_names, first_line, in_header, padded, statement_runs
from nodegen.pysource.onex_nodes import is_onex_file, module_node_kind

from .preparing import module_names
from .prompt_view import file_view

CHARS_PER_TOKEN = 4
_MAX_PACKAGE_FILE_CHARS = 12_000
_NEAR_LINES = 1_000  # a large file keeps the statements this close to a stub (more than a prompt budget shows)


def estimate_tokens(text: str) -> int:
    """Tokens of ``text``, estimated."""
    return (len(text) + CHARS_PER_TOKEN - 1) // CHARS_PER_TOKEN


@dataclass(slots=True)
class FileContext:
    """What every stub of one file shares: the parsed file and its node package's files."""

    module: SourceModule  # a large file's: the statements around its stubs, at the file's lines (``_around``)
    text: str  # the file's own text (without a byte-order mark): what candidates are checked in
    file_path: str | None
    node_type: str | None
    is_onex: bool
    package_models: list[tuple[str, str]] = field(default_factory=list)
    contract_yaml: str | None = None
    _views: dict[str | None, tuple[str, int]] = field(default_factory=dict)  # by stub marker: view, its tokens
    _bodiless: int | None = None
    _names: set[str] | None = None
    _named: Counter[str] | None = None

    def functions_named(self, qualified_name: str) -> int:
        """How many functions of the file have this qualified name (conditional definitions share one)."""
        self._named = self._named or Counter(s.qualified_name for s in self.module.scopes if s.is_function)
        return self._named[qualified_name]

    def names(self) -> set[str]:
        """The names the file binds at its top level (``preparing.module_names``): built once per file."""
        if self._names is None:
            self._names = module_names(self.module.tree)
        return self._names

    def bodiless_functions(self) -> int:
        """How many functions of the file have no body yet (its stubs, whether or not they are filled now; in a
        large file, those among the statements kept)."""
        if self._bodiless is None:
            functions = [scope.node for scope in self.module.scopes if scope.is_function]
            self._bodiless = sum(
                isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef) and is_placeholder_body(f) for f in functions
            )
        return self._bodiless

    def view(self, stub_marker: str | None) -> tuple[str, int]:
        """The file as the model is shown it (``prompt_view``), and its estimated tokens: built once per file. A
        large file is over any prompt budget (``prompt_token_budget`` is at most 200,000 tokens): it is shown in
        sections, and its view is only its size."""
        if len(self.text) > LARGE_SOURCE_CHARS:
            return "", estimate_tokens(self.text)
        if stub_marker not in self._views:
            text = file_view(self.module, stub_marker).rstrip()
            self._views[stub_marker] = (text, estimate_tokens(text))
        return self._views[stub_marker]

    def view_until(self, stub: ModelMethodStub) -> tuple[str, int]:
        """The file up to the stub's docstring (``prompt_view``), and its estimated tokens; the whole view when the
        stub is not found."""
        node = stub_node_of(stub, self.module)
        if node is None:
            return self.view(stub.stub_marker)
        text = file_view(self.module, stub.stub_marker, until=node).rstrip()
        return text, estimate_tokens(text)

    @classmethod
    def read(cls, source: str, file_path: str | None, stubs: Sequence[ModelMethodStub] = ()) -> FileContext:
        """Parse the file and, when it sits in a node package, read the package's models and contract.yaml. A large
        file is read around ``stubs`` (``_around``)."""
        names: set[str] | None = None
        if len(source) > LARGE_SOURCE_CHARS:
            module, names = _around(source, stubs)
        else:
            module = SourceModule(source)
        kind = module_node_kind(module.tree)
        context = cls(
            module=module,
            text=source[len(BOM) :] if source.startswith(BOM) else source,
            file_path=file_path,
            node_type=kind.lower() if kind else None,
            is_onex=is_onex_file(file_path, module.tree),
            _names=names,
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


def _around(source: str, stubs: Sequence[ModelMethodStub]) -> tuple[SourceModule, set[str]]:
    """A large file's module around ``stubs`` (the module docstring says what it keeps), and the names the whole
    file binds."""
    names: set[str] = set()
    wanted = {stub.qualified_name.split(".")[0] for stub in stubs}
    near = [
        ((stub.first_decorator_line or stub.line_number) - _NEAR_LINES, stub.body_end_line + _NEAR_LINES)
        for stub in stubs
    ]

    def keep(stmt: ast.stmt, index: int) -> bool:
        bound = bound_names(stmt)
        names.update(bound)
        first, end = first_line(stmt), stmt.end_lineno or stmt.lineno
        close = any(first <= last and start <= end for start, last in near)
        return in_header(stmt, index) or close or not wanted.isdisjoint(bound)

    runs = statement_runs(source, keep)
    return SourceModule(padded(source, runs)), names


def _read_capped(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return text if len(text) <= _MAX_PACKAGE_FILE_CHARS else text[:_MAX_PACKAGE_FILE_CHARS] + "\n# ... (cut)\n"


def stub_node_of(stub: ModelMethodStub, module: SourceModule) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    """The stub's def in ``module`` (its name at its line); None when it is not there."""
    for scope in module.scopes:
        if scope.is_function and scope.node.lineno == stub.line_number and scope.name == stub.name:
            return scope.node if isinstance(scope.node, ast.FunctionDef | ast.AsyncFunctionDef) else None
    return None


__all__ = ["CHARS_PER_TOKEN", "FileContext", "estimate_tokens", "stub_node_of"]
