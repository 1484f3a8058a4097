"""`nodegen new` runs a package's tests in the sandbox: a scaffolded package whose tests try to escape (write /tmp
and the home folder, read the API key, leave a process running, change the package itself) changes nothing."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import pytest
from tests.support.scaffold_answers import SPECS

from nodegen.infra.sandbox import sandbox_isolates
from nodegen.nodes.codegen_orchestrator.v1_0_0.scaffolding import run_package_tests
from nodegen.nodes.codegen_scaffold_compute.v1_0_0 import NodeCodegenScaffoldCompute, load_spec
from nodegen.nodes.codegen_scaffold_compute.v1_0_0.models import ModelScaffoldRequest
from nodegen.settings import build_container

pytestmark = pytest.mark.skipif(not sandbox_isolates(), reason="bubblewrap cannot create namespaces here")

HOSTILE = """import os
import pathlib
import subprocess


def test_escape():
    pathlib.Path("{tmp}").write_text("pwned")
    try:
        pathlib.Path("{home}").write_text("pwned")
    except OSError:
        pass
    subprocess.Popen(["sh", "-c", "sleep 1000 # {marker}"])
    pathlib.Path(__file__).with_name("conftest.py").write_text("# changed")
    print("KEY=" + os.environ.get("OPENAI_API_KEY", "none"))
    assert os.environ.get("OPENAI_API_KEY") is None
"""


async def test_hostile_package_tests_change_nothing_outside_their_copy(tmp_path, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-package-must-not-see")
    spec = load_spec((SPECS / "data_processor.yaml").read_text())
    scaffold = await NodeCodegenScaffoldCompute(build_container()).run(ModelScaffoldRequest(spec=spec))
    for item in scaffold.files:
        path = tmp_path / item.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(item.content, encoding="utf-8")
    package_dir = tmp_path / scaffold.package_dir
    conftest = (package_dir / "tests" / "conftest.py").read_text()
    marker = f"nodegen-package-orphan-{uuid.uuid4().hex}"
    pwned_tmp = Path(f"/tmp/nodegen-pwned-{uuid.uuid4().hex}")
    pwned_home = Path.home() / f"nodegen-pwned-{uuid.uuid4().hex}"
    hostile = HOSTILE.format(tmp=pwned_tmp, home=pwned_home, marker=marker)
    (package_dir / "tests" / "test_escape.py").write_text(hostile)

    report = await run_package_tests(tmp_path, package_dir)

    assert report.sandboxed and report.network_isolated
    failed = [line for line in report.output_tail.splitlines() if line.startswith("FAILED")]
    assert failed and not any("test_escape" in line for line in failed), report.output_tail  # the stub's tests fail
    assert "sk-test-package" not in report.output_tail
    assert not pwned_tmp.exists() and not pwned_home.exists()
    assert (package_dir / "tests" / "conftest.py").read_text() == conftest
    time.sleep(0.2)
    leftovers = [p for p in Path("/proc").iterdir() if p.name.isdigit() and marker.encode() in _cmdline(p)]
    assert leftovers == []


def _cmdline(process: Path) -> bytes:
    try:
        return (process / "cmdline").read_bytes()
    except OSError:
        return b""
