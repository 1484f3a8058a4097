"""Reading source files and walking folders the way a user expects."""

import os
import socket

import pytest

from nodegen.infra import source_files, source_text
from nodegen.infra.source_files import EnumPathNote, discover_python_files, select_sources
from nodegen.infra.source_text import decode_source, read_source
from nodegen.onex import EnumCoreErrorCode, ModelOnexError


def write(path, text=""):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_walk_skips_git_venvs_caches_and_gitignored(tmp_path):
    (tmp_path / ".git").mkdir()
    write(tmp_path / ".gitignore", "generated/\n*_pb2.py\n")
    keep = write(tmp_path / "pkg" / "node.py")
    write(tmp_path / "pkg" / "api_pb2.py")
    write(tmp_path / "generated" / "out.py")
    write(tmp_path / ".venv" / "lib" / "site.py")
    write(tmp_path / "env" / "pyvenv.cfg")
    write(tmp_path / "env" / "lib" / "x.py")
    write(tmp_path / "pkg" / "__pycache__" / "node.py")
    write(tmp_path / ".git" / "hooks" / "hook.py")
    write(tmp_path / "README.md")
    assert discover_python_files([tmp_path]) == [tmp_path / "pkg" / "node.py"]
    assert keep.exists()


def test_nested_gitignore_applies_below_its_folder(tmp_path):
    (tmp_path / ".git").mkdir()
    write(tmp_path / "a" / ".gitignore", "skip.py\n")
    write(tmp_path / "a" / "skip.py")
    write(tmp_path / "b" / "skip.py")
    assert discover_python_files([tmp_path]) == [tmp_path / "b" / "skip.py"]


def test_gitignore_above_the_scanned_folder_applies(tmp_path):
    (tmp_path / ".git").mkdir()
    write(tmp_path / ".gitignore", "src/gen/\n")
    write(tmp_path / "src" / "gen" / "x.py")
    write(tmp_path / "src" / "y.py")
    assert discover_python_files([tmp_path / "src"]) == [tmp_path / "src" / "y.py"]


def test_a_folder_named_explicitly_is_walked_even_when_gitignored(tmp_path):
    (tmp_path / ".git").mkdir()
    write(tmp_path / ".gitignore", ".demo/\n")
    inside = write(tmp_path / ".demo" / "examples" / "node.py")
    assert discover_python_files([tmp_path / ".demo" / "examples"]) == [inside]
    assert discover_python_files([tmp_path]) == []


def test_a_file_named_explicitly_is_always_taken(tmp_path):
    (tmp_path / ".git").mkdir()
    write(tmp_path / ".gitignore", "ignored.py\n")
    target = write(tmp_path / "ignored.py")
    assert discover_python_files([target]) == [target]


def test_paths_are_deduplicated_and_sorted(tmp_path):
    b = write(tmp_path / "b.py")
    a = write(tmp_path / "a.py")
    assert discover_python_files([b, tmp_path, a]) == [a, b]


def test_missing_path_is_file_not_found(tmp_path):
    with pytest.raises(ModelOnexError) as caught:
        discover_python_files([tmp_path / "nope"])
    assert caught.value.error_code == EnumCoreErrorCode.FILE_NOT_FOUND


def test_symlinked_folders_are_not_followed(tmp_path):
    write(tmp_path / "real" / "x.py")
    (tmp_path / "link").symlink_to(tmp_path / "real")
    assert discover_python_files([tmp_path]) == [tmp_path / "real" / "x.py"]


def test_decode_keeps_the_bom():
    assert decode_source(b"\xef\xbb\xbfx = 1\n") == "\ufeffx = 1\n"


def test_decode_refuses_an_unknown_declared_encoding():
    with pytest.raises(ModelOnexError) as caught:
        decode_source(b"# -*- coding: klingon -*-\nx = 1\n")
    assert caught.value.error_code == EnumCoreErrorCode.VALIDATION_ERROR
    assert "declares an encoding Python does not know" in caught.value.message


def test_a_latin_1_byte_with_no_cookie_is_said_to_be_that():
    # The probe: a latin-1 byte on line 1 and no cookie was reported as "declares an encoding Python does not know".
    with pytest.raises(ModelOnexError) as caught:
        decode_source(b'x = "caf\xe9"\n', origin="cafe.py")
    message = caught.value.message
    assert message.startswith("cafe.py is not UTF-8 and declares no encoding: byte 0xe9 at offset 8 (line 1)")
    assert "'# -*- coding: latin-1 -*-'" in message and "does not know" not in message


def test_read_source_of_a_folder_is_invalid_input(tmp_path):
    with pytest.raises(ModelOnexError) as caught:
        read_source(tmp_path)
    assert caught.value.error_code == EnumCoreErrorCode.INVALID_INPUT


def test_read_source_without_permission(tmp_path, monkeypatch):
    # Root may read any file, so the OS's refusal is simulated: this machine and CI run as root.
    path = write(tmp_path / "secret.py", "x = 1\n")

    def refuse(name, *args):
        raise PermissionError(13, "Permission denied", str(name))

    monkeypatch.setattr(source_text.os, "open", refuse)
    with pytest.raises(ModelOnexError) as caught:
        read_source(path)
    assert caught.value.error_code == EnumCoreErrorCode.PERMISSION_DENIED
    assert "secret.py" in caught.value.message


def notes_of(selection):
    return {note.path: (note.kind, note.message) for note in selection.notes}


@pytest.mark.timeout(20)
def test_a_fifo_named_on_the_command_line_is_refused_without_being_opened(tmp_path):
    fifo = tmp_path / "pipe.py"
    os.mkfifo(fifo)  # opening it for reading would block until a writer comes: the timeout would fail the test
    with pytest.raises(ModelOnexError) as caught:
        select_sources([fifo])
    assert caught.value.error_code == EnumCoreErrorCode.INVALID_INPUT
    assert "is a FIFO (named pipe), not a file" in caught.value.message
    with pytest.raises(ModelOnexError) as read:
        read_source(fifo)
    assert read.value.error_code == EnumCoreErrorCode.INVALID_INPUT


def test_a_device_named_on_the_command_line_is_refused():
    with pytest.raises(ModelOnexError) as caught:
        select_sources([source_files.Path("/dev/null")])
    assert "is a device, not a file" in caught.value.message


@pytest.mark.timeout(20)
def test_fifos_and_sockets_inside_a_walked_folder_are_skipped_with_a_note(tmp_path):
    keep = write(tmp_path / "keep.py", "x = 1\n")
    os.mkfifo(tmp_path / "pipe.py")
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(tmp_path / "sock.py"))
        selection = select_sources([tmp_path])
    finally:
        server.close()
    assert selection.files == [keep]
    notes = notes_of(selection)
    assert notes[str(tmp_path / "pipe.py")] == (EnumPathNote.SKIPPED, "a FIFO (named pipe), not a file: not opened")
    assert notes[str(tmp_path / "sock.py")] == (EnumPathNote.SKIPPED, "a socket, not a file: not opened")


def test_symlink_loops_under_a_walked_folder_are_skipped_with_a_note(tmp_path):
    keep = write(tmp_path / "deep" / "keep.py", "x = 1\n")
    (tmp_path / "deep" / "self.py").symlink_to("self.py")
    (tmp_path / "a.py").symlink_to("b.py")
    (tmp_path / "b.py").symlink_to("a.py")
    (tmp_path / "loopdir").symlink_to("loopdir")
    selection = select_sources([tmp_path])
    assert selection.files == [keep]
    notes = notes_of(selection)
    for name in ("deep/self.py", "a.py", "b.py", "loopdir"):
        assert notes[str(tmp_path / name)] == (
            EnumPathNote.SKIPPED,
            "a symlink loop (it leads back to itself): not followed",
        ), name


def test_a_symlink_loop_named_on_the_command_line_is_invalid_input(tmp_path):
    (tmp_path / "self.py").symlink_to("self.py")
    with pytest.raises(ModelOnexError) as caught:
        select_sources([tmp_path / "self.py"])
    assert caught.value.error_code == EnumCoreErrorCode.INVALID_INPUT
    assert "symlink loop" in caught.value.message


def test_a_symlink_out_of_the_walked_folder_is_refused_unless_named(tmp_path):
    outside = write(tmp_path / "elsewhere" / "secret.py", "x = 1\n")
    link = tmp_path / "src" / "linked.py"
    link.parent.mkdir()
    link.symlink_to(outside)
    selection = select_sources([tmp_path / "src"])
    assert selection.files == []
    assert [note.path for note in selection.refused] == [str(link)]
    kind, message = notes_of(selection)[str(link)]
    assert kind is EnumPathNote.REFUSED
    assert f"a symlink to {outside}, outside {tmp_path / 'src'}" in message and "name it on the command line" in message
    assert select_sources([link]).files == [link]  # named: taken


def test_a_symlink_inside_the_folder_to_a_file_inside_is_taken_once(tmp_path):
    real = write(tmp_path / "a.py", "x = 1\n")
    (tmp_path / "b.py").symlink_to("a.py")
    selection = select_sources([tmp_path])
    assert selection.files == [real]
    assert notes_of(selection)[str(tmp_path / "b.py")] == (EnumPathNote.SKIPPED, f"the same file as {real}: taken once")


def test_broken_symlinks_and_folder_symlinks_are_noted(tmp_path):
    (tmp_path / "gone.py").symlink_to("nowhere.py")
    write(tmp_path / "real" / "x.py")
    (tmp_path / "link").symlink_to(tmp_path / "real")
    notes = notes_of(select_sources([tmp_path]))
    assert notes[str(tmp_path / "gone.py")][0] is EnumPathNote.SKIPPED
    assert "broken symlink" in notes[str(tmp_path / "gone.py")][1]
    assert "a symlink to a folder: not followed" in notes[str(tmp_path / "link")][1]


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path):
    huge = tmp_path / "huge.py"
    with huge.open("wb") as handle:
        handle.truncate(20 * 2**30)  # 20 GB, sparse: reading it would take minutes and all the memory
    with pytest.raises(ModelOnexError) as caught:
        read_source(huge, max_bytes=5_000_000)
    assert caught.value.error_code == EnumCoreErrorCode.INVALID_INPUT
    assert caught.value.message == (
        f"{huge} is 21,474,836,480 bytes, over the limit of 5,000,000 bytes (the max_file_bytes setting): "
        "it was not read; raise max_file_bytes (NODEGEN_MAX_FILE_BYTES) to take it"
    )
    assert read_source(write(tmp_path / "small.py", "x = 1\n"), max_bytes=6) == "x = 1\n"
