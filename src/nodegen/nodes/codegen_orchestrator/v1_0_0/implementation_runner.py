"""Run independent implementations of one operation on its examples' inputs; the spec stage starts it in the
sandbox as ``python -I -S implementation_runner.py SPEC.json``. Not imported by nodegen; the standard library and
``nodegen.onex`` (its errors, ``example_env``) only.

The spec holds ``sys_path``, the ``function`` name, the ``candidates`` (module texts) and the ``calls`` (keyword
arguments, and an effect's ``setup``). One JSON line per candidate goes to the original stdout: its outcome for each
call, ``{"value": ...}``, ``{"error": "<ModelOnexError code name>"}`` or ``{"crash": "<exception>"}``, or
``{"broken": "<why>"}`` when the module does not load, each with the run's ``token`` (the spec file that holds it is
deleted before any candidate runs): a line without it was written by a candidate, and the run is not trusted. What
the code prints goes to stderr.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import os
import sys
from pathlib import Path
from typing import Any


def _plain(value: Any) -> Any:
    """A JSON value of ``value`` (tuples as lists; anything else JSON cannot hold as its repr)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    return {"__repr__": repr(value)}


def _unfill(value: Any, folder: str, base_url: str) -> Any:
    """``value`` with the example's folder and server written back as ``{dir}`` and ``{base_url}``."""
    if isinstance(value, str):
        value = value.replace(folder, "{dir}")
        return value.replace(base_url, "{base_url}") if base_url else value
    if isinstance(value, list):
        return [_unfill(item, folder, base_url) for item in value]
    if isinstance(value, dict):
        return {key: _unfill(item, folder, base_url) for key, item in value.items()}
    return value


def _call(function: Any, call: dict[str, Any], onex: Any) -> dict[str, Any]:
    from nodegen.onex.example_env import example_env  # noqa: PLC0415 - after sys.path is set

    setup = call.get("setup") or {}
    try:
        with example_env(setup.get("files"), setup.get("sqlite"), setup.get("http")) as env:
            value = function(**env.fill(call["arguments"]))
            value = asyncio.run(value) if inspect.iscoroutine(value) else value  # an HTTP effect's coroutine
            value = _unfill(_plain(value), str(env.dir), env.base_url)
            return {"value": value, "after": env.check(**call["after"]) if call.get("after") else "ok"}
    except onex.ModelOnexError as error:
        return {"error": error.error_code.name}
    except Exception as error:
        return {"crash": f"{type(error).__name__}: {error}"[:300]}


def main(spec_path: str) -> int:
    """Each candidate on each call; one JSON line per candidate."""
    spec = json.loads(Path(spec_path).read_text(encoding="utf-8"))
    Path(spec_path).unlink()  # the run's token is in it: the candidates must not read it
    token = spec.pop("token")
    report = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)  # the candidates' prints go to stderr, never into the report
    sys.path[:] = spec["sys_path"]
    from nodegen import onex  # noqa: PLC0415 - after sys.path is set

    for text in spec["candidates"]:
        namespace: dict[str, Any] = {"__name__": "nodegen_implementation"}
        try:
            exec(compile(text, "<implementation>", "exec"), namespace)  # noqa: S102 - inside the sandbox
            function = namespace[spec["function"]]
        except BaseException as error:
            report.write(json.dumps({"token": token, "broken": f"{type(error).__name__}: {error}"[:300]}) + "\n")
            continue
        outcomes = [_call(function, call, onex) for call in spec["calls"]]
        report.write(json.dumps({"token": token, "outcomes": outcomes}) + "\n")
        report.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
