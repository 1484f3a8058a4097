"""A throwaway PostgreSQL server for tests: a fresh cluster in a temporary directory (initdb + pg_ctl, as the
``postgres`` user when run as root), on a free loopback port, with fsync off; stopped and removed afterwards."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def _bin_dir() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class PostgresServer:
    """One throwaway cluster that can be stopped and started again on the same port (to test outages)."""

    def __init__(self) -> None:
        bin_dir = _bin_dir()
        if bin_dir is None:
            raise RuntimeError("PostgreSQL is not installed: apt-get install -y postgresql")
        self.bin_dir = bin_dir
        self.root = Path(tempfile.mkdtemp(prefix="nodegen-pg-"))
        self.as_postgres: list[str] = []
        if os.geteuid() == 0:  # initdb refuses to run as root
            shutil.chown(self.root, user="postgres", group="postgres")
            self.as_postgres = ["runuser", "-u", "postgres", "--"]
        self.port = _free_port()
        self.data = self.root / "data"
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")

    def _run(self, tool: str, *args: str, check: bool = True) -> None:
        subprocess.run([*self.as_postgres, str(self.bin_dir / tool), *args], check=check, capture_output=True)

    def start(self) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.root / "log"), "-w", "start")

    def stop(self, mode: str = "immediate") -> None:
        """Stop the server (``immediate``: connections cut at once, as when it dies)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "stop", check=False)

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


@contextmanager
def postgres_server() -> Iterator[str]:
    """Start a server; yields its URL (database ``postgres``, user ``postgres``, trust authentication)."""
    server = PostgresServer()
    try:
        server.start()
        yield server.url
    finally:
        server.remove()


def create_database(url: str, name: str) -> str:
    """Create database ``name`` on the server of ``url``; returns its URL."""
    bin_dir = _bin_dir()
    assert bin_dir is not None
    host_port = url.split("@", 1)[1].split("/", 1)[0]
    host, port = host_port.split(":")
    subprocess.run(
        [str(bin_dir / "createdb"), "-h", host, "-p", port, "-U", "postgres", name], check=True, capture_output=True
    )
    return url.rsplit("/", 1)[0] + "/" + name
