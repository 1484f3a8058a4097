"""Writing in place: atomic, mode kept, backup, lock, hash check, and failures that leave the file as it was."""

import errno
import os
import shutil
import subprocess
import sys

import pytest

from nodegen.onex.testing import create_test_container, create_test_contract_effect

from ..node import NodeCodegenCodeInjectorEffect
from ..writing import LOCK_SUFFIX, WriteRefusedError, _take_over, write_source

SOURCE = "def f(x):\n    # IMPLEMENTATION REQUIRED\n    pass\n"
FILLED = "def f(x):\n    return x + 1\n"


@pytest.fixture
def node():
    return NodeCodegenCodeInjectorEffect(create_test_container())


@pytest.fixture
def stub_file(tmp_path):
    path = tmp_path / "node.py"
    path.write_text(SOURCE)
    path.chmod(0o640)
    return path


async def inject_into(node, path, source=SOURCE, **extra):
    return await node.execute_effect(
        create_test_contract_effect(
            input_state={
                "source_code": source,
                "file_path": str(path),
                "injection_requests": [{"qualified_name": "f", "generated_code": "return x + 1"}],
                **extra,
            }
        )
    )


async def test_the_file_is_written_and_keeps_its_mode(node, stub_file):
    result = await inject_into(node, stub_file)
    assert result.success and result.written
    assert stub_file.read_text() == FILLED
    assert stub_file.stat().st_mode & 0o777 == 0o640
    assert not list(stub_file.parent.glob(".node.py.*.tmp"))
    assert not (stub_file.parent / ("node.py" + LOCK_SUFFIX)).exists()


async def test_dry_run_writes_nothing_but_returns_the_diff(node, stub_file):
    result = await inject_into(node, stub_file, dry_run=True)
    assert result.success and not result.written
    assert stub_file.read_text() == SOURCE
    assert "+    return x + 1" in result.diff
    assert result.diff.startswith(f"--- a/{stub_file}\n+++ b/{stub_file}\n")


async def test_backup_keeps_the_original(node, stub_file):
    result = await inject_into(node, stub_file, backup=True)
    assert result.backup_path == str(stub_file) + ".orig"
    assert (stub_file.parent / "node.py.orig").read_text() == SOURCE
    assert stub_file.read_text() == FILLED


async def test_backup_by_configuration(stub_file):
    node = NodeCodegenCodeInjectorEffect(create_test_container({"injector_backup": True}))
    await inject_into(node, stub_file)
    assert (stub_file.parent / "node.py.orig").exists()


async def test_a_file_changed_on_disk_is_not_written(node, stub_file):
    stub_file.write_text(SOURCE + "\n# edited meanwhile\n")
    result = await inject_into(node, stub_file)
    assert not result.success and not result.written
    assert result.file_refusal is not None and result.file_refusal.code == "file_changed"
    assert stub_file.read_text() == SOURCE + "\n# edited meanwhile\n"


async def test_a_locked_file_is_not_written(node, stub_file):
    holder = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        (stub_file.parent / ("node.py" + LOCK_SUFFIX)).write_text(str(holder.pid))
        result = await inject_into(node, stub_file)
    finally:
        holder.kill()
        holder.wait()
    assert result.file_refusal is not None and result.file_refusal.code == "file_locked"
    assert f"process {holder.pid}" in result.file_refusal.message
    assert stub_file.read_text() == SOURCE


async def test_a_lock_left_by_a_dead_process_is_taken_over(node, stub_file):
    finished = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True
    )
    (stub_file.parent / ("node.py" + LOCK_SUFFIX)).write_text(finished.stdout.strip())
    result = await inject_into(node, stub_file)
    assert result.written
    assert not (stub_file.parent / ("node.py" + LOCK_SUFFIX)).exists()


def test_a_write_failure_leaves_the_file_intact(tmp_path, monkeypatch):
    # Root ignores a read-only folder, so the refusal of the rename is simulated where the OS would give it.
    path = tmp_path / "node.py"
    path.write_text(SOURCE)

    def refuse(self, target):
        raise OSError(30, "Read-only file system")

    monkeypatch.setattr(type(path), "replace", refuse)
    with pytest.raises(WriteRefusedError) as caught:
        write_source(path, SOURCE, FILLED, backup=False)
    assert caught.value.code == "write_failed"
    assert "Read-only file system" in caught.value.message
    assert path.read_text() == SOURCE
    assert sorted(item.name for item in tmp_path.iterdir()) == ["node.py"]


@pytest.fixture
def tiny_disk(tmp_path):
    """A real 64 KiB file system, so that a write runs out of space for real."""
    mount_point = tmp_path / "tiny"
    mount_point.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount_point)], capture_output=True, check=False
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", str(mount_point)], check=False)


def test_a_full_disk_leaves_the_file_intact(tiny_disk):
    path = tiny_disk / "node.py"
    path.write_text(SOURCE)
    with pytest.raises(WriteRefusedError) as caught:
        write_source(path, SOURCE, FILLED + "# padding\n" * 20_000, backup=False)
    assert caught.value.code == "write_failed"
    assert "No space left on device" in caught.value.message
    assert path.read_text() == SOURCE
    assert sorted(item.name for item in tiny_disk.iterdir()) == ["node.py"]


async def test_the_encoding_of_the_file_is_kept(node, tmp_path):
    path = tmp_path / "latin.py"
    source = "# -*- coding: latin-1 -*-\ndef f(x):\n    pass  # Stub\n"
    path.write_bytes(source.encode("latin-1"))
    result = await node.execute_effect(
        create_test_contract_effect(
            input_state={
                "source_code": source,
                "file_path": str(path),
                "injection_requests": [{"qualified_name": "f", "generated_code": "return 'café'"}],
            }
        )
    )
    assert result.written
    assert path.read_bytes() == "# -*- coding: latin-1 -*-\ndef f(x):\n    return 'café'\n".encode("latin-1")


async def test_a_symlink_is_written_through(node, tmp_path):
    real = tmp_path / "real.py"
    real.write_text(SOURCE)
    link = tmp_path / "link.py"
    link.symlink_to(real)
    result = await inject_into(node, link)
    assert result.written
    assert link.is_symlink()
    assert real.read_text() == FILLED


async def test_nothing_is_written_when_no_request_applied(node, stub_file):
    before = stub_file.stat().st_mtime_ns
    result = await node.execute_effect(
        create_test_contract_effect(
            input_state={
                "source_code": SOURCE,
                "file_path": str(stub_file),
                "injection_requests": [{"qualified_name": "missing", "generated_code": "return 1"}],
            }
        )
    )
    assert not result.written
    assert stub_file.stat().st_mtime_ns == before


# ---------------------------------------------------------------------------------------- locks and temporary files


def _lock_of(path):
    return path.with_name(path.name + LOCK_SUFFIX)


@pytest.mark.parametrize("content", ["", "garbled\n", "-3"])
async def test_an_empty_or_garbled_lock_is_stale_and_taken_over(node, stub_file, content):
    _lock_of(stub_file).write_text(content)
    result = await inject_into(node, stub_file)
    assert result.written and stub_file.read_text() == FILLED
    assert not _lock_of(stub_file).exists()


def _fill_up(disk):
    """Fill the file system until it refuses another byte."""
    descriptor = os.open(disk / "ballast", os.O_CREAT | os.O_WRONLY)
    try:
        while os.write(descriptor, b"x" * 512):
            pass
    except OSError as error:
        assert error.errno == errno.ENOSPC
    finally:
        os.close(descriptor)


def test_a_full_disk_at_the_lock_is_write_failed_and_leaves_no_lock(tiny_disk):
    path = tiny_disk / "node.py"
    path.write_text(SOURCE)
    _fill_up(tiny_disk)
    with pytest.raises(WriteRefusedError) as caught:
        write_source(path, SOURCE, FILLED, backup=False)
    assert caught.value.code == "write_failed"
    assert "lock file" in caught.value.message and "No space left on device" in caught.value.message
    assert sorted(item.name for item in tiny_disk.iterdir()) == ["ballast", "node.py"]
    (tiny_disk / "ballast").unlink()  # space again: the next run is not blocked by anything the failed one left
    write_source(path, SOURCE, FILLED, backup=False)
    assert path.read_text() == FILLED


_STOP_AT_FSYNC = """
import os, sys, time
from pathlib import Path
from nodegen.infra import atomic

def stop(descriptor):
    print("at fsync", flush=True)
    time.sleep(60)

os.fsync = stop
atomic.replace_atomically(Path(sys.argv[1]), b"half", 0o644)
"""


def test_a_writer_killed_at_fsync_leaves_a_temporary_file_that_the_next_write_removes(tmp_path):
    path = tmp_path / "node.py"
    path.write_text(SOURCE)
    writer = subprocess.Popen([sys.executable, "-c", _STOP_AT_FSYNC, str(path)], stdout=subprocess.PIPE, text=True)
    try:
        assert writer.stdout is not None and writer.stdout.readline() == "at fsync\n"
    finally:
        writer.kill()
        writer.wait()
    (left,) = [item for item in tmp_path.iterdir() if item.name != "node.py"]
    assert left.name.startswith(f".node.py.nodegen-{writer.pid}-") and left.name.endswith(".tmp")
    assert path.read_text() == SOURCE  # the kill changed nothing
    write_source(path, SOURCE, FILLED, backup=False)
    assert path.read_text() == FILLED
    assert sorted(item.name for item in tmp_path.iterdir()) == ["node.py"]


def test_a_live_writers_temporary_file_is_left_alone(tmp_path):
    path = tmp_path / "node.py"
    path.write_text(SOURCE)
    holder = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        busy = tmp_path / f".node.py.nodegen-{holder.pid}-0000.tmp"
        busy.write_text("being written")
        write_source(path, SOURCE, FILLED, backup=False)
        assert busy.exists()
    finally:
        holder.kill()
        holder.wait()


# ------------------------------------------------------------------------------- read-only, owner and hard links


async def test_a_read_only_file_is_refused_and_left_as_it_was(node, stub_file):
    stub_file.chmod(0o444)
    result = await inject_into(node, stub_file)
    assert not result.written and not result.success
    error = result.file_refusal
    assert not result.injection_errors and error is not None
    assert (
        error.code == "file_read_only" and "read-only" in error.message and "chmod u+w" in (error.suggested_fix or "")
    )
    assert stub_file.read_text() == SOURCE and stub_file.stat().st_mode & 0o777 == 0o444


async def test_a_hard_linked_file_is_refused_and_every_link_stays_as_it_was(node, stub_file):
    other = stub_file.parent / "other_name.py"
    other.hardlink_to(stub_file)
    result = await inject_into(node, stub_file)
    assert not result.written and not result.success
    error = result.file_refusal
    assert not result.injection_errors and error is not None
    assert error.code == "hard_linked" and "2 hard links" in error.message and "nothing was written" in error.message
    assert "NODEGEN_INJECTOR_REWRITE_HARD_LINKS=true" in (error.suggested_fix or "")
    assert stub_file.read_text() == other.read_text() == SOURCE
    assert sorted(item.name for item in stub_file.parent.iterdir()) == ["node.py", "other_name.py"]


async def test_allowed_a_hard_linked_file_is_rewritten_in_its_one_inode(stub_file):
    node = NodeCodegenCodeInjectorEffect(create_test_container({"injector_rewrite_hard_links": True}))
    other = stub_file.parent / "other_name.py"
    other.hardlink_to(stub_file)
    inode = stub_file.stat().st_ino
    result = await inject_into(node, stub_file)
    assert result.written
    assert stub_file.stat().st_ino == inode and other.stat().st_ino == inode and stub_file.stat().st_nlink == 2
    assert other.read_text() == FILLED and stub_file.stat().st_mode & 0o777 == 0o640
    assert sorted(item.name for item in stub_file.parent.iterdir()) == ["node.py", "other_name.py"]  # no journal


def test_a_full_disk_leaves_every_link_of_a_hard_linked_file_whole(tiny_disk):
    # The probe: both links held only the first 4,096 bytes of the new text, and nodegen said the file was intact.
    path, other = tiny_disk / "hl.py", tiny_disk / "hl_link.py"
    path.write_text(SOURCE)
    other.hardlink_to(path)
    with pytest.raises(WriteRefusedError) as caught:
        write_source(path, SOURCE, FILLED + "# padding\n" * 20_000, backup=False, rewrite_hard_links=True)
    assert caught.value.code == "write_failed" and "No space left on device" in caught.value.message
    assert path.read_text() == other.read_text() == SOURCE and path.stat().st_size == len(SOURCE)
    assert sorted(item.name for item in tiny_disk.iterdir()) == ["hl.py", "hl_link.py"]


_REWRITE = """
import sys
from pathlib import Path
from nodegen.nodes.codegen_code_injector_effect.v1_0_0.writing import write_source

write_source(Path(sys.argv[1]), sys.argv[2], sys.argv[3], backup=False, rewrite_hard_links=True)
"""


def test_a_writer_killed_at_the_cut_leaves_a_journal_the_next_read_and_write_take_the_old_text_from(tmp_path):
    # The probe: killed between the write and the ftruncate, the file was the new text and then the old tail, and
    # no longer parsed. Killed there now, the journal beside it holds the old text: a read takes that, the next
    # write puts it back before writing.
    from nodegen.infra.source_text import read_source

    strace = shutil.which("strace")
    if strace is None:
        pytest.skip("strace is not installed (make sysdeps installs it)")
    old = SOURCE + "# a long tail the new text is shorter than\n" * 5
    path, other = tmp_path / "hl.py", tmp_path / "hl_link.py"
    path.write_text(old)
    other.hardlink_to(path)
    killed = subprocess.run(
        [strace, "-f", "-qq", "-o", "/dev/null", "-e", "trace=ftruncate", "-e", "inject=ftruncate:signal=SIGKILL:when=1",
         sys.executable, "-c", _REWRITE, str(path), old, FILLED],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert killed.returncode != 0, killed.stderr
    on_disk = other.read_text()
    assert on_disk.startswith(FILLED) and on_disk != FILLED and on_disk.endswith(old[len(FILLED) :])  # cut short
    assert any(".nodegen-journal-" in item.name for item in tmp_path.iterdir())
    assert read_source(path) == old  # the file's last whole text
    write_source(path, old, FILLED, backup=False, rewrite_hard_links=True)  # the dead writer's lock taken over
    assert path.read_text() == other.read_text() == FILLED
    assert sorted(item.name for item in tmp_path.iterdir()) == ["hl.py", "hl_link.py"]


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file to another user")
async def test_the_owner_of_the_file_is_kept(node, stub_file):
    os.chown(stub_file, 4321, 4322)
    result = await inject_into(node, stub_file, backup=True)
    assert result.written and stub_file.read_text() == FILLED
    assert (stub_file.stat().st_uid, stub_file.stat().st_gid) == (4321, 4322)
    backup = stub_file.parent / "node.py.orig"
    assert (backup.stat().st_uid, backup.stat().st_gid) == (4321, 4322)


def test_taking_over_a_stale_lock_never_removes_a_fresh_one_that_replaced_it(stub_file):
    # Another run took the stale lock over first and holds its own now: what was read as stale is not what is there.
    lock = _lock_of(stub_file)
    lock.write_text(str(os.getpid()))
    _take_over(lock, b"999999999", stub_file)
    assert lock.read_text() == str(os.getpid())
    assert sorted(item.name for item in stub_file.parent.iterdir()) == ["node.py", "node.py" + LOCK_SUFFIX]
    _take_over(lock, str(os.getpid()).encode(), stub_file)  # the one read is the one there: removed
    assert not lock.exists()
