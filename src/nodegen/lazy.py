"""A package's exports, imported on first use (PEP 562).

Importing ``<node>/v1_0_0/models`` runs ``<node>/v1_0_0/__init__.py`` first: were the node imported there, every
user of a node's models (the reports of ``nodegen stubs``, another node's models) would load that node, its checks
and through them the providers; ``nodegen.llm`` would load every provider SDK for a client of one. With
``__getattr__ = lazy_exports(__name__, {...})`` a package names its exports as before (``from <node>.v1_0_0 import
NodeX`` works unchanged) and imports each one's module when it is first asked for.

A process that froze its heap after its imports (``gc.freeze()``: nodegen's console script, the benchmark runner)
gets what a node loads frozen too, as if it had been imported before: otherwise every later full collection walks
the node's modules and the workflow again (measured on a 40-stub fill with every node and provider SDK loaded this
way: its full collections took about 0.5 s more without this freeze).
"""

from __future__ import annotations

import gc
import importlib
import sys
from collections.abc import Callable, Mapping


def lazy_exports(package: str, exports: Mapping[str, str]) -> Callable[[str], object]:
    """The module ``__getattr__`` of ``package``: each name of ``exports`` imported from its module (relative to
    ``package``, e.g. ``".node"``) when first read, then kept in the package like an eager import."""

    def __getattr__(name: str) -> object:  # noqa: N807 - the module hook's own name, so tracebacks read as such
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module, package), name)
        setattr(sys.modules[package], name, value)
        if gc.get_freeze_count():
            gc.freeze()
        return value

    return __getattr__


__all__ = ["lazy_exports"]
