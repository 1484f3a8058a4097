"""Code that tampers with the interpreter, the process or the host rather than computing its answer, as errors (rule
``security``); bandit matches none of it, or only as a low-severity note:

- ``SEC035`` replacing what other code relies on: ``builtins.open = ...``, ``setattr(builtins, "len", ...)``,
  ``sys.modules["json"] = fake``, ``sys.meta_path``/``sys.path_hooks`` changed;
- ``SEC036`` reaching into other code's frames and objects: ``sys._getframe``, ``inspect.currentframe``/``stack``,
  ``gc.get_objects``/``get_referrers``, a frame's ``f_back``/``f_locals``/``f_globals``, a traceback's ``tb_frame``
  (how code finds what the examples' runner holds, its report channel included);
- ``SEC037`` replacing or ending the process: ``os.exec*``, ``os.spawn*``, ``os.posix_spawn*``, ``os._exit``,
  ``os.abort``, ``os.kill`` of its own process (code that ends the process ends its examples' run with it);
- ``SEC038`` raw memory through ``ctypes`` (``string_at``, ``memmove``, ``cast``, ``pythonapi``...);
- ``SEC039`` a write that installs code into the interpreter's start-up: a ``.pth`` file, ``sitecustomize`` or
  ``usercustomize``, or any path from ``site``/``sysconfig``/``sys.prefix`` (site-packages);
- ``SEC041`` a delete, in code put in a stub, of a path that comes from none of the function's inputs (its
  parameters, ``self``) nor a temporary folder it made: ``os.remove(os.sep + "etc" + os.sep + "hosts")``;
- ``SEC040`` the process environment returned by code put in a stub: ``return os.environ``, ``return
  dict(os.environ)``, a value read from it (configuration comes through the node's container, and the environment
  holds its secrets), unless the user's own lines speak of the environment.
"""

from __future__ import annotations

import ast
import re

from nodegen.nodes.codegen_code_validator_effect.v1_0_0.models import EnumValidationRule
from nodegen.pysource import FunctionNode

from .base import CheckContext, RawFinding
from .danger_facts import Facts, called, fold, short
from .registry import finding, walked

_RULE = EnumValidationRule.SECURITY
_SHARED = frozenset({"builtins", "__builtins__", "sys.modules", "sys.meta_path", "sys.path_hooks", "sys.excepthook"})
_INTROSPECTION = frozenset(
    {"sys._getframe", "inspect.currentframe", "inspect.stack", "inspect.getouterframes", "inspect.trace"}
    | {"gc.get_objects", "gc.get_referrers", "gc.get_referents"}
)
_FRAME_ATTRIBUTES = frozenset({"f_back", "f_locals", "f_globals", "f_builtins", "tb_frame", "gi_frame", "cr_frame"})
_PROCESS_ENDS = frozenset({"os._exit", "os.abort", "posix._exit", "os.posix_spawn", "os.posix_spawnp"})
_START_UP = (".pth", "sitecustomize", "usercustomize")
_START_UP_SOURCES = frozenset(
    {"site.getsitepackages", "site.getusersitepackages", "sysconfig.get_paths", "sysconfig.get_path"}
    | {"sys.prefix", "sys.exec_prefix", "sys.base_prefix", "site.USER_SITE", "site.PREFIXES"}
)
_WRITE_CALLS = frozenset({"open", "write_text", "write_bytes", "touch", "copy", "copyfile", "copy2", "symlink_to"})


class _Tampering:
    def __init__(self, ctx: CheckContext) -> None:
        self.ctx = ctx
        self.facts = Facts.of(ctx.tree)
        self.findings: list[RawFinding] = []

    def add(self, node: ast.AST, code: str, message: str, fix: str) -> None:
        self.findings.append(finding(code, message, node=node, fix=fix))

    def run(self) -> list[RawFinding]:
        for node in self.ctx.generated_nodes():
            if isinstance(node, ast.Assign | ast.AugAssign | ast.Delete):
                self.replaces(node)
            elif isinstance(node, ast.Call):
                self.calls(node)
            elif isinstance(node, ast.Attribute) and node.attr in _FRAME_ATTRIBUTES:
                self.add(node, "SEC036", f"`{short(node)}` reaches into another function's frame", _FIX_INTROSPECTION)
            elif isinstance(node, ast.Return) and node.value is not None:
                self.returns_environment(node, node.value)
        return self.findings

    def _shared(self, target: ast.AST) -> str | None:
        """The shared interpreter state an assignment target changes (``builtins.open``, ``sys.modules[...]``)."""
        base = target.value if isinstance(target, ast.Attribute | ast.Subscript) else None
        if base is None:
            return None
        name = self.facts.module(base)
        return name if name in _SHARED else None

    def replaces(self, node: ast.Assign | ast.AugAssign | ast.Delete) -> None:
        targets = node.targets if isinstance(node, ast.Assign | ast.Delete) else [node.target]
        for target in targets:
            shared = self._shared(target)
            if shared is not None:
                self.add(
                    node,
                    "SEC035",
                    f"`{short(target)}` changes `{shared}`, which every other module relies on",
                    "compute the answer with local names; never replace builtins or modules other code imports",
                )

    def calls(self, node: ast.Call) -> None:
        target, last = self.facts.module(node.func), called(node)
        if last == "setattr" and node.args and self.facts.module(node.args[0]) in _SHARED:
            name = fold(node.args[1]) if len(node.args) > 1 else None
            self.add(
                node,
                "SEC035",
                f"`{short(node)}` replaces `{name or 'a name'}` in `{self.facts.module(node.args[0])}`",
                "compute the answer with local names; never replace builtins or modules other code imports",
            )
        elif target in _INTROSPECTION:
            self.add(node, "SEC036", f"`{short(node)}` reads other code's frames or objects", _FIX_INTROSPECTION)
        elif target in _PROCESS_ENDS or (target.startswith("os.") and last.startswith(("exec", "spawn"))):
            self.add(
                node,
                "SEC037",
                f"`{short(node)}` replaces or ends the whole process",
                "return the result (or raise ModelOnexError); a node never ends or replaces its process",
            )
        elif target == "os.kill" and node.args and "getpid" in ast.unparse(node.args[0]):
            self.add(node, "SEC037", f"`{short(node)}` kills its own process", "raise ModelOnexError instead")
        elif target.startswith("ctypes.") or target == "ctypes":
            self.add(
                node,
                "SEC038",
                f"`{short(node)}` reaches raw memory or C functions through ctypes",
                "compute it in Python; a node never touches memory directly",
            )
        if last in _WRITE_CALLS or target in {"os.rename", "os.replace", "shutil.move"}:
            self.start_up_write(node)
        if target in _DELETES or (isinstance(node.func, ast.Attribute) and last in {"unlink", "rmdir"}):
            self.unasked_delete(node, target)

    def unasked_delete(self, node: ast.Call, target: str) -> None:
        if self.ctx.regions is None:
            return  # a whole file is the user's own
        path = node.args[0] if node.args and target in _DELETES else getattr(node.func, "value", None)
        if path is None or self.facts.own_temporary(path):
            return
        function = self._stub(node)
        inputs = _inputs(function) if function is not None else set()
        if self.facts.mentions(path, lambda part: isinstance(part, ast.Name) and part.id in inputs) is None:
            self.add(
                node,
                "SEC041",
                f"`{short(node)}` deletes a path that comes from none of the function's inputs",
                "delete only what the request names (a parameter), or files in a temporary folder the code made",
            )

    def _stub(self, node: ast.AST) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
        """The innermost function around ``node`` (the stub whose body the generated lines are)."""
        around = [f for f in ast.walk(self.ctx.tree) if isinstance(f, FunctionNode) and _contains(f, node)]
        return max(around, key=lambda f: f.lineno, default=None)

    def start_up_write(self, node: ast.Call) -> None:
        if called(node) == "open" and not _writes(node):
            return
        for piece in [node.func, *node.args, *(keyword.value for keyword in node.keywords)]:
            source = self.facts.mentions(piece, self._start_up)
            if source is not None:
                self.add(
                    node,
                    "SEC039",
                    f"`{short(node)}` writes into the interpreter's start-up (`{short(source)}`): code every Python "
                    "run executes",
                    "write only the files the node's request names",
                )
                return

    def _start_up(self, part: ast.AST) -> bool:
        """Part of a path into site-packages or the interpreter's start-up files."""
        text = fold(part) if isinstance(part, ast.Constant | ast.JoinedStr | ast.BinOp) else None
        if text is not None and ("site-packages" in text or any(mark in text for mark in _START_UP)):
            return True
        return self.facts.module(part) in _START_UP_SOURCES

    def returns_environment(self, node: ast.Return, value: ast.expr) -> None:
        if self.ctx.regions is None or self._asks_for_environment():
            return  # a whole file is the user's own; a stub that speaks of the environment asks for it
        read = next((found for part in self.facts.resolve(value) if (found := self.facts.env_read(part))), None)
        if read is not None:
            what = "the whole process environment" if read == "*" else f"the environment variable {read}"
            self.add(
                node,
                "SEC040",
                f"`{short(node)}` returns {what}, which holds the process's secrets",
                "take configuration from the node's container (its settings), not the process environment",
            )


    def _asks_for_environment(self) -> bool:
        """The user's own lines (the stub's docstring, the file) speak of the environment: reading it is the job."""
        theirs = (line for number, line in enumerate(self.ctx.lines, 1) if not self.ctx.in_generated(number))
        return any(_ENVIRONMENT_WORDS.search(line) for line in theirs)


_ENVIRONMENT_WORDS = re.compile(r"environ|getenv|\benv(ironment)? var", re.IGNORECASE)
_DELETES = frozenset({"os.remove", "os.unlink", "os.rmdir", "os.removedirs", "shutil.rmtree"})


def _contains(function: ast.AST, node: ast.AST) -> bool:
    return any(child is node for child in ast.walk(function))


def _inputs(function: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    arguments = function.args
    every = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs, arguments.vararg, arguments.kwarg]
    return {argument.arg for argument in every if argument is not None}


_FIX_INTROSPECTION = "use the values the function is given; never read another function's frame or the heap"


def _writes(node: ast.Call) -> bool:
    """``open(path, "w")`` (any mode that writes or appends)."""
    mode = node.args[1] if len(node.args) > 1 else next((k.value for k in node.keywords if k.arg == "mode"), None)
    text = fold(mode) if mode is not None else "r"
    return text is None or any(flag in text for flag in "wax+")


def check_tampering(ctx: CheckContext) -> list[RawFinding]:
    """Tampering with the interpreter, the process or the host in the generated code (SEC035-SEC041)."""
    return walked(_RULE, "tampering", lambda: _Tampering(ctx).run())


__all__ = ["check_tampering"]
