"""What an effect node's examples run in: a fresh folder holding the files and SQLite databases an example sets up,
and a loopback HTTP server that gives the answers it lists. The docstring examples and tests that ``nodegen new``
generates use it (``with example_env(files=..., sqlite=..., http=...) as env:``); ``{dir}`` and ``{base_url}`` in
an example's values are that folder and that server (``env.fill``), and ``env.check`` compares files and query rows
after the call. Standard library only, so that it runs inside the sandbox as it does in a package's own tests.
"""

from __future__ import annotations

import json
import sqlite3
import tempfile
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import closing, contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any


class _Routes(BaseHTTPRequestHandler):
    routes: dict[tuple[str, str], tuple[int, Any]] = {}  # noqa: RUF012 - set per server class below
    received: list[dict[str, Any]] = []  # noqa: RUF012

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        try:
            sent = json.loads(body) if body else None
        except ValueError:
            sent = body.decode("utf-8", "replace")
        self.received.append({"method": self.command, "path": self.path, "json": sent})
        status, answer = self.routes.get((self.command, self.path), (404, {"error": f"no route {self.path}"}))
        data = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _answer  # noqa: N815 - http.server's handler names

    def log_message(self, format: str, *args: Any) -> None:
        return


class ExampleEnv:
    """The folder (``dir``) and server (``base_url``) of one example."""

    def __init__(self, folder: Path, base_url: str, received: list[dict[str, Any]]) -> None:
        self.dir = folder
        self.base_url = base_url
        self.received = received

    def fill(self, value: Any) -> Any:
        """``value`` with ``{dir}`` and ``{base_url}`` replaced in every string it holds."""
        if isinstance(value, str):
            return value.replace("{dir}", str(self.dir)).replace("{base_url}", self.base_url)
        if isinstance(value, list):
            return [self.fill(item) for item in value]
        if isinstance(value, dict):
            return {key: self.fill(item) for key, item in value.items()}
        return value

    def check(
        self,
        files: Mapping[str, str] | None = None,
        sqlite: Mapping[str, Mapping[str, Sequence[Sequence[Any]]]] | None = None,
    ) -> str:
        """``'ok'`` when every file has exactly its text and every query returns its rows; else what differs."""
        problems = []
        for name, text in (files or {}).items():
            path = self.dir / name
            found = path.read_text(encoding="utf-8") if path.is_file() else None
            if found != text:
                problems.append(f"{name}: expected {text!r}, found {found!r}")
        for name, queries in (sqlite or {}).items():
            with closing(sqlite3.connect(self.dir / name)) as connection:
                for query, rows in queries.items():
                    got = [list(row) for row in connection.execute(query).fetchall()]
                    if got != [list(row) for row in rows]:
                        problems.append(f"{name}: {query}: expected {[list(r) for r in rows]!r}, found {got!r}")
        return "ok" if not problems else "; ".join(problems)


@contextmanager
def example_env(
    files: Mapping[str, str] | None = None,
    sqlite: Mapping[str, Sequence[str]] | None = None,
    http: Sequence[Mapping[str, Any]] | None = None,
) -> Iterator[ExampleEnv]:
    """A fresh folder with ``files`` (relative path -> text) and SQLite databases (relative path -> statements run
    in order), and, when ``http`` lists answers (``method``, ``path``, ``status``, ``json``), a server on
    127.0.0.1 that gives them (any other request: 404). Everything goes when the block ends."""
    with tempfile.TemporaryDirectory(prefix="example-") as name:
        folder = Path(name)
        for relative, text in (files or {}).items():
            path = folder / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        for relative, statements in (sqlite or {}).items():
            path = folder / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            with closing(sqlite3.connect(path)) as connection:
                for statement in statements:
                    connection.execute(statement)
                connection.commit()
        received: list[dict[str, Any]] = []
        if not http:
            yield ExampleEnv(folder, "", received)
            return
        routes = {
            (str(route.get("method", "GET")).upper(), str(route["path"])): (
                int(route.get("status", 200)),
                route.get("json"),
            )
            for route in http
        }
        handler = type("ExampleRoutes", (_Routes,), {"routes": routes, "received": received})
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield ExampleEnv(folder, f"http://127.0.0.1:{server.server_address[1]}", received)
        finally:
            server.shutdown()
            server.server_close()


__all__ = ["ExampleEnv", "example_env"]
