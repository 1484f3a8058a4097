"""ONEX rules: node naming and structure, errors as ModelOnexError with a code, no swallowed exceptions, one model
per model_*.py, Enum* in enum_*.py, a complete contract.yaml.

In an ONEX node file these are errors (``onex_compliant`` is false when one fires); in other code they are warnings,
and only when the ONEX rules were asked for by name. ``print`` (ONEX007), a bare ``except`` (ONEX005) and a raise in
an except block without ``from`` (ONEX004) are ruff's rules (T201, E722, B904: see ``registry``). Which code is ONEX
node code is decided in one place, ``nodegen.pysource.onex_nodes``.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import yaml

from nodegen.pysource.onex_nodes import is_onex_file, node_kind

from .base import CheckContext, RawFinding
from .registry import finding

ENTRY_POINTS = {
    "Effect": "execute_effect",
    "Compute": "execute_compute",
    "Reducer": "execute_reduction",
    "Orchestrator": "execute_orchestration",
}
_LOG_CALLS = frozenset(
    {"emit_log_event", "emit_log_event_sync", "exception", "error", "warning", "info", "debug", "log"}
)
CONTRACT_FIELDS = ("name", "version", "description", "node_type", "input_model", "output_model")


class _Rules:
    def __init__(self, ctx: CheckContext) -> None:
        self.ctx = ctx
        self.findings: list[RawFinding] = []

    def add(self, code: str, node: ast.AST | None, message: str, fix: str) -> None:
        self.findings.append(finding(code, message, ctx=self.ctx, node=node, fix=fix))

    # -- errors --------------------------------------------------------------------------------------------------

    def raises(self) -> None:
        for node in self.ctx.generated_nodes():
            if not isinstance(node, ast.Raise):
                continue
            exc = node.exc
            if exc is None:
                continue
            call = exc if isinstance(exc, ast.Call) else None
            name = call.func if call else exc
            called = name.id if isinstance(name, ast.Name) else name.attr if isinstance(name, ast.Attribute) else ""
            # `raise Exception` and `raise Exception("...")` alike: a capitalised name is a class, not a caught error
            if called != "ModelOnexError" and called[:1].isupper():
                self.add(
                    "ONEX003",
                    node,
                    f"raises `{called}`; ONEX code raises ModelOnexError",
                    'raise ModelOnexError(error_code=EnumCoreErrorCode.<CODE>, message="what failed and what to do")',
                )
            elif (
                call is not None
                and called == "ModelOnexError"
                and not any(k.arg == "error_code" for k in call.keywords)
                and len(call.args) < 2
            ):
                self.add(
                    "ONEX003",
                    node,
                    "ModelOnexError is raised without an error code",
                    "pass error_code=EnumCoreErrorCode.<CODE>",
                )

    def handlers(self) -> None:
        for node in self.ctx.generated_nodes():
            if not isinstance(node, ast.ExceptHandler):
                continue
            if node.type is None:
                continue  # a bare except: ruff's E722 (ONEX005)
            caught = ast.unparse(node.type)
            if caught in ("Exception", "BaseException") and not self._handles(node):
                self.add(
                    "ONEX006",
                    node,
                    f"`except {caught}` swallows the error: nothing is logged or re-raised",
                    "log it with emit_log_event and re-raise, or raise ModelOnexError(...) from error",
                )

    @staticmethod
    def _handles(handler: ast.ExceptHandler) -> bool:
        for node in ast.walk(handler):
            if isinstance(node, ast.Raise):
                return True
            if isinstance(node, ast.Call):
                func = node.func
                name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
                if name in _LOG_CALLS:
                    return True
        return False

    # -- structure (whole files) ---------------------------------------------------------------------------------

    def structure(self) -> None:
        if self.ctx.regions is not None:
            return  # a body in a stub does not change the file's structure
        name = Path(self.ctx.file_path).name if self.ctx.file_path else ""
        classes = [node for node in self.ctx.tree.body if isinstance(node, ast.ClassDef)]
        nodes = [cls for cls in classes if node_kind(cls)]
        for cls in nodes:
            kind = node_kind(cls) or ""
            if not (
                cls.name.startswith("Node") and cls.name.endswith(kind) and len(cls.name) > len("Node") + len(kind)
            ):
                self.add(
                    "ONEX001",
                    cls,
                    f"node class `{cls.name}` is not named Node<Name>{kind}",
                    f"rename it to Node<Name>{kind}",
                )
            self._node_class(cls, kind)
        if name == "node.py" and len(nodes) != 1:
            self.add(
                "ONEX002",
                nodes[1] if len(nodes) > 1 else None,
                f"node.py must hold exactly one node class (subclass of NodeEffect/Compute/Reducer/Orchestrator), "
                f"it holds {len(nodes)}",
                "keep one node class per node.py; move the others into their own node packages",
            )
        if name.startswith("model_"):
            models = [cls for cls in classes if cls.name.startswith("Model")]
            for cls in classes:
                if not cls.name.startswith("Model"):
                    self.add(
                        "ONEX008",
                        cls,
                        f"`{cls.name}` in {name} is not named Model*",
                        "name models Model<Name>",
                    )
            if len(models) > 1:
                self.add(
                    "ONEX008",
                    models[1],
                    f"{name} defines {len(models)} models; ONEX keeps one model per file",
                    "move each model into its own model_<name>.py",
                )
        if name.startswith("enum_"):
            for cls in classes:
                if not cls.name.startswith("Enum"):
                    self.add(
                        "ONEX009",
                        cls,
                        f"`{cls.name}` in {name} is not named Enum*",
                        "name enums Enum<Name>",
                    )

    def _node_class(self, cls: ast.ClassDef, kind: str) -> None:
        methods = {node.name: node for node in cls.body if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)}
        init = methods.get("__init__")
        if init is not None:
            arguments = [arg.arg for arg in init.args.args]
            calls_super = any(
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "__init__"
                and isinstance(node.func.value, ast.Call)
                and ast.unparse(node.func.value.func) == "super"
                for node in ast.walk(init)
            )
            if arguments[:2] != ["self", "container"] or not calls_super:
                self.add(
                    "ONEX010",
                    init,
                    f"`{cls.name}.__init__` must take (self, container) and call super().__init__(container)",
                    "def __init__(self, container: ModelContainer) -> None: super().__init__(container)",
                )
        entry = ENTRY_POINTS.get(kind, "")
        if entry not in methods and "_run" not in methods:
            self.add(
                "ONEX011",
                cls,
                f"`{cls.name}` defines neither `{entry}` nor `_run`",
                f"implement `async def _run(self, contract)` (the base's {entry} calls it)",
            )


def check_onex(ctx: CheckContext) -> list[RawFinding]:
    """The ONEX rules on the code (and, for whole node files, on their structure)."""
    if not ctx.onex_file and not ctx.onex_rules_requested:
        return []
    rules = _Rules(ctx)
    rules.raises()
    rules.handlers()
    rules.structure()
    return rules.findings


def check_contract(path: Path) -> list[RawFinding]:
    """contract.yaml: name, version {major, minor, patch}, description, node_type, input_model, output_model, and
    io_operations for effects."""

    def problem(message: str, fix: str) -> RawFinding:
        return finding("ONEX012", message, fix=fix)

    try:
        data: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        return [problem(f"{path.name} cannot be read as YAML: {error}", "fix the YAML syntax")]
    if not isinstance(data, dict):
        return [problem(f"{path.name} is not a mapping of fields", "write the contract as `key: value` fields")]
    findings = [
        problem(f"{path.name} has no `{field}`", f"add `{field}:`") for field in CONTRACT_FIELDS if not data.get(field)
    ]
    version = data.get("version")
    if version is not None and not (isinstance(version, dict) and {"major", "minor", "patch"} <= set(version)):
        findings.append(
            problem(
                f"{path.name}: version must be a mapping of major, minor and patch",
                "version: {major: 1, minor: 0, patch: 0}",
            )
        )
    if str(data.get("node_type", "")).lower() == "effect" and not data.get("io_operations"):
        findings.append(
            problem(
                f"{path.name}: an effect node must list its io_operations",
                "add io_operations: [{operation: ..., kind: read|write, description: ...}]",
            )
        )
    return findings


__all__ = ["CONTRACT_FIELDS", "ENTRY_POINTS", "check_contract", "check_onex", "is_onex_file", "node_kind"]
