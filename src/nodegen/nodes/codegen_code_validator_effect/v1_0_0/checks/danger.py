"""Destructive and exfiltrating code that bandit does not match, as errors (rule ``security``):

- ``SEC030`` a dynamic import or attribute lookup of a dangerous name: ``__import__("os").system(cmd)``,
  ``importlib.import_module("os")``, ``getattr(builtins, "ev" + "al")``, ``getattr(os, name)``;
- ``SEC031`` a recursive delete (``shutil.rmtree``, ``os.removedirs``, ``rm -rf`` in a shell command), unless of a
  temporary directory the code created itself;
- ``SEC032`` a write outside the project (paths from ``~``, ``expanduser``, ``Path.home()``, ``$HOME``, any absolute
  path but scratch space such as ``/tmp``);
- ``SEC033`` reading credentials (``~/.ssh``, ``id_rsa``, ``.aws/credentials``, ``.netrc``, ``/etc/shadow``,
  ``/proc/self/environ``, keyring);
- ``SEC034`` sending environment data (``os.environ`` / ``os.getenv`` values) over a socket, HTTP or mail.

Each finding shows what was found and why it blocks. String literals are constant-folded and names followed
through assignments, so a name split in pieces is still seen.
"""

from __future__ import annotations

import ast
import re

from nodegen.nodes.codegen_code_validator_effect.v1_0_0.models import (
    EnumValidationRule,
)

from .base import CheckContext, RawFinding
from .danger_facts import Facts, called, fold, is_built, short
from .registry import finding, walked

_RULE = EnumValidationRule.SECURITY


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_DANGEROUS_MODULES = _words(
    "os posix nt subprocess shutil socket ctypes pty builtins __builtins__ importlib pickle marshal runpy "
    "multiprocessing"
)
_DANGEROUS_NAMES = _words(
    "system popen eval exec compile __import__ import_module rmtree removedirs remove unlink rmdir kill "
    "killpg fork forkpty Popen run call check_call check_output getoutput getstatusoutput execv execve "
    "execvp execvpe execl execle execlp execlpe spawnv spawnve spawnvp spawnl spawnle spawnlp posix_spawn "
    "posix_spawnp startfile loads load socket create_connection spawn CDLL cdll open getattr setattr "
    "__dict__ __builtins__ __globals__ __subclasses__ __code__"
)
_IMPORTERS = frozenset({"__import__", "importlib.import_module", "import_module"})
_SHELLS = _words(
    "os.system os.popen subprocess.run subprocess.call subprocess.check_call subprocess.check_output "
    "subprocess.Popen subprocess.getoutput subprocess.getstatusoutput asyncio.create_subprocess_shell "
    "asyncio.create_subprocess_exec os.execv os.execvp os.spawnv os.spawnvp"
)
_RM_RECURSIVE = re.compile(r"(?:^|[\s;&|(`])rm\s+(?:-[A-Za-z]*[rR][A-Za-z]*|--recursive)\b")
_RECURSIVE_DELETES = frozenset({"shutil.rmtree", "os.removedirs"})
_OS_WRITES = _words(
    "remove unlink rename replace makedirs mkdir rmdir chmod chown lchown symlink link truncate utime mkfifo"
)
_PATH_WRITES = _words("write_text write_bytes touch mkdir unlink rename replace chmod symlink_to hardlink_to rmdir")
_SHUTIL_COPIES = _words("copy copy2 copyfile copytree move copymode copystat")
_CREDENTIALS = sorted(
    _words(
        ".ssh/ /.ssh id_rsa id_dsa id_ecdsa id_ed25519 .aws/credentials .netrc _netrc /etc/shadow "
        "/etc/gshadow .git-credentials .pypirc .docker/config.json .kube/config .gnupg authorized_keys /environ"
    )
)
_CREDENTIAL_WORDS = _words(".ssh .aws .netrc .gnupg id_rsa id_ed25519")
_KEYRING = frozenset({"keyring.get_password", "keyring.get_credential", "keyring.get_keyring"})
_NETWORK_PAYLOAD_METHODS = _words("send sendall sendto sendmsg sendmail send_message")
_HTTP_MODULES = tuple(sorted(_words("requests httpx urllib http.client aiohttp urllib3 smtplib ftplib socket")))
_HTTP_VERBS = _words("get post put patch delete head options request urlopen Request stream fetch")
_PAYLOAD_KEYWORDS = _words("data json params content files body msg cookies")
_CREDENTIAL_KEYWORDS = frozenset({"headers", "auth"})


class _Danger:
    def __init__(self, ctx: CheckContext) -> None:
        self.ctx = ctx
        self.facts = Facts.of(ctx.tree)
        self.findings: list[RawFinding] = []
        self.parents: dict[int, ast.AST] = {
            id(child): parent for parent in ast.walk(ctx.tree) for child in ast.iter_child_nodes(parent)
        }
        self.docstrings = {
            id(node.body[0].value)
            for node in ast.walk(ctx.tree)
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
            and node.body
            and isinstance(node.body[0], ast.Expr)
            and isinstance(node.body[0].value, ast.Constant)
        }

    def add(self, node: ast.AST, code: str, message: str, fix: str) -> None:
        self.findings.append(finding(code, message, node=node, fix=fix))

    def run(self) -> list[RawFinding]:
        for node in self.ctx.generated_nodes():
            if isinstance(node, ast.Call):
                self.dynamic(node)
                self.deletes(node)
                self.writes(node)
                self.sends(node)
                if self.facts.module(node.func) in _KEYRING:
                    self.add(
                        node,
                        "SEC033",
                        f"`{short(node)}` reads a stored credential from the keyring",
                        "take the credential as a parameter or from nodegen's configuration",
                    )
            elif isinstance(node, ast.Subscript):
                self.namespace_lookup(node, node.value, node.slice)
            if isinstance(node, ast.Constant | ast.JoinedStr | ast.BinOp) and id(node) not in self.docstrings:
                self.credentials(node)
        return self.findings

    # -- SEC030 ----------------------------------------------------------------------------------------------------

    def _imported(self, node: ast.AST) -> str | None:
        """The module a dynamic import call imports ('?' when its name is computed), or None."""
        if not isinstance(node, ast.Call) or not node.args:
            return None
        if self.facts.module(node.func) not in _IMPORTERS and called(node) not in (
            "__import__",
            "import_module",
        ):
            return None
        return fold(node.args[0]) or "?"

    def dynamic(self, node: ast.Call) -> None:
        imported = self._imported(node)
        if imported is not None and imported.split(".")[0] in _DANGEROUS_MODULES:
            self.add(
                node,
                "SEC030",
                f"`{short(node)}` imports `{imported}` dynamically, out of the reader's sight: a "
                "module that runs commands or deletes files must be imported plainly, if at all",
                f"write `import {imported}` at the top, or do without it",
            )
        parent = self.parents.get(id(node))
        if imported == "?" and isinstance(parent, ast.Attribute) and parent.attr in _DANGEROUS_NAMES:
            self.add(
                parent,
                "SEC030",
                f"`{short(parent)}` calls `{parent.attr}` on a module whose name is computed at run time",
                "import the module plainly and call what you need by name",
            )
        if (
            called(node) in ("getattr", "setattr", "delattr")
            and len(node.args) >= 2
            and isinstance(node.func, ast.Name)
        ):
            self.lookup(node, node.args[0], node.args[1])
        if isinstance(node.func, ast.Attribute) and node.func.attr == "get" and node.args:
            self.namespace_lookup(node, node.func.value, node.args[0])

    def lookup(self, node: ast.Call, owner: ast.AST, name_node: ast.AST) -> None:
        module = self._owner_module(owner)
        name = fold(name_node)
        if module is not None and (name is None or name in _DANGEROUS_NAMES):
            what = f"`{name}`" if name is not None else "a name computed at run time"
            self.add(
                node,
                "SEC030",
                f"`{short(node)}` looks up {what} on `{module}` dynamically: a way to reach "
                "commands, file deletion or eval that no reader (or checker) can see",
                "call the function you need by name, or map allowed names to functions in a dict",
            )
        elif name is not None and name in _DANGEROUS_NAMES and is_built(name_node):
            self.add(
                node,
                "SEC030",
                f"`{short(node)}` builds the name `{name}` from pieces to look it up: hiding a "
                "dangerous name from the reader",
                "call the function you need by name",
            )

    def namespace_lookup(self, node: ast.Call | ast.Subscript, owner: ast.AST, name_node: ast.AST) -> None:
        """``globals()["__builtins__"]``, ``vars(builtins).get(name)``, ``builtins.__dict__["ev" + "al"]``."""
        namespace = isinstance(owner, ast.Call) and called(owner) in (
            "globals",
            "locals",
            "vars",
        )
        namespace |= self.facts.module(owner) == "__builtins__"
        namespace |= (
            isinstance(owner, ast.Attribute)
            and owner.attr == "__dict__"
            and self._owner_module(owner.value) is not None
        )
        name = fold(name_node)
        if namespace and ((name is None and not isinstance(owner, ast.Call)) or name in _DANGEROUS_NAMES):
            self.add(
                node,
                "SEC030",
                f"`{short(node)}` fetches `{name or 'a computed name'}` from a namespace dynamically",
                "call the function you need by name",
            )

    def _owner_module(self, owner: ast.AST) -> str | None:
        for candidate in self.facts.resolve(owner):
            module = self.facts.module(candidate) or (self._imported(candidate) or "")
            if module.split(".")[0] in _DANGEROUS_MODULES:
                return module
        return None

    # -- SEC031 ----------------------------------------------------------------------------------------------------

    def deletes(self, node: ast.Call) -> None:
        target = self.facts.module(node.func)
        if target in _RECURSIVE_DELETES and node.args:
            path = node.args[0]
            if self.facts.own_temporary(path):
                return
            where = self.facts.outside(path)
            what = where if where is not None else f"`{short(path, 50)}`, a folder this code did not create"
            self.add(
                node,
                "SEC031",
                f"`{short(node)}`: a recursive delete of {what}",
                "delete only files this code created (a tempfile.mkdtemp() folder), or leave deleting to the user",
            )
            return
        if target in _SHELLS or (target.startswith("subprocess.") and called(node) in _DANGEROUS_NAMES):
            command = " ".join(self._command_words(node))
            if _RM_RECURSIVE.search(command):
                rest = command[_RM_RECURSIVE.search(command).end() :].split()  # type: ignore[union-attr]
                where = next((w for w in map(_shell_outside, rest) if w), None)
                what = f"a recursive delete of {where}" if where else "a recursive delete (`rm -r`) through a shell"
                self.add(
                    node,
                    "SEC031",
                    f"`{short(node)}`: {what}",
                    "delete only files this code created, with shutil on a tempfile.mkdtemp() folder",
                )

    def _command_words(self, node: ast.Call) -> list[str]:
        words: list[str] = []
        for argument in node.args[:1]:
            for candidate in self.facts.resolve(argument):
                items = candidate.elts if isinstance(candidate, ast.List | ast.Tuple) else [candidate]
                words.extend(text for item in items if (text := fold(item) or _prefix(item)) is not None)
        return words

    # -- SEC032 ----------------------------------------------------------------------------------------------------

    def writes(self, node: ast.Call) -> None:
        target, name = self.facts.module(node.func), called(node)
        paths: list[ast.AST] = []
        if (isinstance(node.func, ast.Name) and name == "open") or target in ("io.open", "os.open"):
            mode = (
                node.args[1]
                if len(node.args) > 1
                else next((k.value for k in node.keywords if k.arg in ("mode", "flags")), None)
            )
            text = fold(mode) if mode is not None else "r"
            if node.args and (text is None or any(flag in text for flag in "wax+") or target == "os.open"):
                paths.append(node.args[0])
        elif target.startswith("os.") and name in _OS_WRITES:
            paths.extend(node.args[:2])
        elif target.startswith("shutil.") and name in _SHUTIL_COPIES and len(node.args) > 1:
            paths.append(node.args[1])
        elif isinstance(node.func, ast.Attribute) and name in _PATH_WRITES | {"open"} and not target.startswith("os."):
            opened = fold(node.args[0]) if name == "open" and node.args else None
            if name != "open" or (opened is not None and any(flag in opened for flag in "wax+")):
                paths.append(node.func.value)
        for path in paths:
            where = self.facts.outside(path)
            if where is not None:
                self.add(
                    node,
                    "SEC032",
                    f"`{short(node)}`: a write outside the project, into {where}",
                    "write only inside the project (paths the caller passes in) or a tempfile folder",
                )
                return

    # -- SEC033 ----------------------------------------------------------------------------------------------------

    def credentials(self, node: ast.Constant | ast.JoinedStr | ast.BinOp) -> None:
        parent = self.parents.get(id(node))
        if isinstance(parent, ast.BinOp | ast.JoinedStr) and fold(parent) is not None:
            return  # a string built from literals is checked once, whole, at its top
        text = node.value if isinstance(node, ast.Constant) else fold(node)
        if not isinstance(text, str):
            return
        marker = next((m for m in _CREDENTIALS if m in text), None) or (text if text in _CREDENTIAL_WORDS else None)
        if marker is not None and not any(space in text for space in " \t\n"):  # a path, not a message about one
            self.add(
                node,
                "SEC033",
                f"`{short(node)}` points at credentials (`{marker}`): code must not read the user's keys and passwords",
                "take what you need as a parameter or from nodegen's configuration",
            )

    # -- SEC034 ----------------------------------------------------------------------------------------------------

    def sends(self, node: ast.Call) -> None:
        target, name = self.facts.module(node.func), called(node)
        network = target.startswith(_HTTP_MODULES) and (name in _HTTP_VERBS or name in _NETWORK_PAYLOAD_METHODS)
        method = isinstance(node.func, ast.Attribute) and name in _NETWORK_PAYLOAD_METHODS | {"connect", "request"}
        if not (network or method):
            return
        payload: list[ast.AST] = []
        credentials: list[ast.AST] = []
        destination = node.args[:1] if (network and name in _HTTP_VERBS) or name == "connect" else []
        payload.extend(argument for argument in node.args if argument not in destination)
        for keyword in node.keywords:
            (credentials if keyword.arg in _CREDENTIAL_KEYWORDS else payload).append(keyword.value)
        if not network and not payload and name != "connect":
            return
        for part in payload:
            found = self.facts.mentions(part, self.facts.env_read)
            if found is not None:
                self._env_finding(node, found)
                return
        for part in [
            *destination,
            *credentials,
        ]:  # a configured URL or token is fine; the whole environment is not
            found = self.facts.mentions(part, self._whole_environ)
            if found is not None:
                self._env_finding(node, found)
                return

    def _whole_environ(self, node: ast.AST) -> bool:
        parent = self.parents.get(id(node))
        one_variable = (isinstance(parent, ast.Subscript) and parent.value is node) or (
            isinstance(parent, ast.Attribute) and parent.attr == "get"
        )
        return self.facts.is_environ(node) and not one_variable

    def _env_finding(self, node: ast.Call, found: ast.AST) -> None:
        variable = self.facts.env_read(found)
        what = "the whole environment" if variable == "*" else f"the environment variable `{variable}`"
        self.add(
            node,
            "SEC034",
            f"`{short(node)}` sends {what} (`{short(found, 40)}`) out over the network: "
            "environment variables hold keys and tokens",
            "send only the data the task names; never the environment",
        )


def _prefix(node: ast.AST) -> str | None:
    """The literal start of an f-string (``f"rm -rf {path}"`` -> ``rm -rf``)."""
    if isinstance(node, ast.JoinedStr):
        return (
            "".join(
                part.value for part in node.values if isinstance(part, ast.Constant) and isinstance(part.value, str)
            )
            or None
        )
    return None


def _shell_outside(word: str) -> str | None:
    word = word.strip("'\";&|")
    if word in ("~", "$HOME", "${HOME}") or word.startswith(("~/", "$HOME/", "${HOME}/")):
        return "the home directory"
    if word in ("/", "/*"):
        return "the filesystem root"
    private = word.startswith("/tmp")  # noqa: S108 - a delete inside /tmp is not the machine's own files
    return f"`{word}`" if word.startswith("/") and not private else None


def check_danger(ctx: CheckContext) -> list[RawFinding]:
    """Destructive and exfiltrating calls in the generated code (SEC030-SEC034)."""
    return walked(_RULE, "danger", lambda: _Danger(ctx).run())


__all__ = ["check_danger"]
