"""The store effect: files under the output directory only, atomic, with clear errors; metrics in the database."""

from __future__ import annotations

import os
import stat

import pytest

from nodegen.infra.store import open_store
from nodegen.nodes.codegen_store_effect.v1_0_0 import NodeCodegenStoreEffect
from nodegen.onex import EnumCoreErrorCode, ModelOnexError
from nodegen.onex.testing import create_test_container


def node(tmp_path, **config) -> NodeCodegenStoreEffect:
    settings = {"codegen_output_dir": str(tmp_path / "out"), "state_dir": str(tmp_path / ".nodegen"), **config}
    return NodeCodegenStoreEffect(create_test_container(settings))


async def store(node, *requests, **state):
    return await node.execute_effect({"input_state": {"storage_requests": list(requests), **state}})


async def test_files_are_written_with_directories_and_permissions(tmp_path):
    result = await store(
        node(tmp_path),
        {"file_path": "pkg/v1_0_0/node.py", "content": "x = 1\n"},
        {"file_path": "pkg/run.sh", "content": "#!/bin/sh\n", "file_permissions": "0755"},
    )
    assert result.success and result.artifacts_stored == 2 and result.total_bytes_written == 16
    assert (tmp_path / "out/pkg/v1_0_0/node.py").read_text() == "x = 1\n"
    assert stat.S_IMODE((tmp_path / "out/pkg/run.sh").stat().st_mode) == 0o755
    assert stat.S_IMODE((tmp_path / "out/pkg/v1_0_0/node.py").stat().st_mode) == 0o644


@pytest.mark.parametrize("path", ["../escape.py", "/etc/nodegen-test.py", "pkg/../../escape.py"])
async def test_paths_outside_the_output_directory_are_refused(tmp_path, path):
    with pytest.raises(ModelOnexError) as raised:
        await store(node(tmp_path), {"file_path": "ok.py", "content": ""}, {"file_path": path, "content": "bad"})
    assert raised.value.error_code is EnumCoreErrorCode.SECURITY_VIOLATION
    assert not (tmp_path / "out" / "ok.py").exists()  # refused before anything was written


async def test_a_symlink_out_of_the_output_directory_is_refused(tmp_path):
    (tmp_path / "out").mkdir()
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "out" / "link").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(ModelOnexError) as raised:
        await store(node(tmp_path), {"file_path": "link/node.py", "content": "x"})
    assert raised.value.error_code is EnumCoreErrorCode.SECURITY_VIOLATION
    assert not (tmp_path / "elsewhere" / "node.py").exists()


async def test_an_absolute_path_inside_the_output_directory_is_accepted(tmp_path):
    result = await store(node(tmp_path), {"file_path": str(tmp_path / "out" / "a.py"), "content": "a"})
    assert result.success and (tmp_path / "out" / "a.py").read_text() == "a"


async def test_overwrite_false_keeps_the_existing_file(tmp_path):
    target = tmp_path / "out" / "a.py"
    target.parent.mkdir()
    target.write_text("original")
    result = await store(node(tmp_path), {"file_path": "a.py", "content": "new", "overwrite": False})
    assert not result.success and result.storage_errors == [f"File exists and overwrite=False: {target}"]
    assert target.read_text() == "original"


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
async def test_a_read_only_directory_gives_a_clear_error_and_keeps_earlier_files(tmp_path):
    (tmp_path / "out" / "locked").mkdir(parents=True)
    (tmp_path / "out" / "locked").chmod(0o555)
    result = await store(node(tmp_path), {"file_path": "a.py", "content": "a"}, {"file_path": "locked/b.py", "content": "b"})
    assert result.artifacts_stored == 1 and "Permission denied" in result.storage_errors[0]


async def test_a_full_disk_gives_a_clear_error_and_keeps_earlier_files(tmp_path):
    import subprocess

    out = tmp_path / "out"
    out.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(out)], check=False, capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        result = await store(
            node(tmp_path),
            {"file_path": "small.py", "content": "x = 1\n"},
            {"file_path": "huge.py", "content": "#" * 200_000},
        )
        assert result.artifacts_stored == 1 and result.stored_files == [str(out / "small.py")]
        assert result.storage_errors == [f"cannot write {out / 'huge.py'}: No space left on device"]
        assert sorted(p.name for p in out.iterdir()) == ["small.py"]  # no half-written file, no temporary file
        assert (out / "small.py").read_text() == "x = 1\n"
    finally:
        subprocess.run(["umount", str(out)], check=False)


async def test_a_failed_write_leaves_earlier_files_and_no_temporary_file(tmp_path):
    (tmp_path / "out" / "dir.py").mkdir(parents=True)
    result = await store(
        node(tmp_path), {"file_path": "a.py", "content": "a"}, {"file_path": "dir.py", "content": "b"},
        {"file_path": "sub/c.py", "content": "c", "create_directories": False},
    )
    assert result.artifacts_stored == 1 and len(result.storage_errors) == 2
    assert "is a directory" in result.storage_errors[0] and "create_directories=False" in result.storage_errors[1]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a.py", "dir.py"]


async def test_missing_requests_and_bad_permissions_are_validation_errors(tmp_path):
    with pytest.raises(ModelOnexError, match="storage_requests"):
        await store(node(tmp_path))
    with pytest.raises(ModelOnexError, match="octal"):
        await store(node(tmp_path), {"file_path": "a.py", "content": "", "file_permissions": "rw-r--r--"})


async def test_metrics_and_attempts_are_persisted(tmp_path):
    store_node = node(tmp_path)
    event = {
        "event_id": "00000000-0000-4000-8000-000000000001",
        "timestamp": "2026-11-26T10:00:00+00:00",
        "qualified_name": "A.b",
        "attempt": 1,
        "provider": "openai",
        "model": "gpt-4o-mini",
        "outcome": "valid",
        "prompt_hash": "a" * 64,
    }
    result = await store_node.execute_effect(
        {"input_state": {"metrics": {"stubs_total": 1, "stubs_filled": 1}, "attempts": [event], "snapshot_id": "s1"}}
    )
    await store_node.aclose()
    assert result.metrics_stored and result.database_record_id == "s1" and result.attempts_stored == 1
    db = open_store(None, tmp_path / ".nodegen")
    assert [row["qualified_name"] for row in await db.attempts()] == ["A.b"]
    assert (await db.metrics_snapshots())[0]["metrics"]["stubs_filled"] == 1
    await db.close()


async def test_artifacts_are_recorded_in_the_database_when_enabled(tmp_path):
    store_node = node(tmp_path, enable_artifact_db_storage=True)
    await store(store_node, {"file_path": "a.py", "content": "abc"})
    db = await store_node.store()
    (artifact,) = await db.artifacts()
    assert artifact["size_bytes"] == 3 and artifact["file_path"].endswith("out/a.py")
    await store_node.aclose()
    metrics = store_node.get_metrics()
    assert metrics["successful_storage_operations"] == 1 and metrics["avg_bytes_per_file"] == 3


async def test_a_python_file_is_written_in_the_encoding_its_coding_cookie_declares(tmp_path):
    content = "# -*- coding: latin-1 -*-\nNAME = 'café'\n"
    result = await store(node(tmp_path), {"file_path": "latin.py", "content": content})
    assert result.success
    assert (tmp_path / "out/latin.py").read_bytes() == content.encode("latin-1")  # 'é' is one byte, 0xe9
    assert result.total_bytes_written == len(content.encode("latin-1"))


async def test_text_its_encoding_cannot_represent_is_a_storage_error_and_writes_nothing(tmp_path):
    content = "# coding: ascii\nNAME = 'café'\n"
    result = await store(node(tmp_path), {"file_path": "ascii.py", "content": content})
    assert not result.success and "as ascii" in result.storage_errors[0]
    assert not (tmp_path / "out/ascii.py").exists()
