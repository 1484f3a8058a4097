"""Reading source files and walking folders the way a user expects."""

import pytest

from nodegen.infra.source_files import decode_source, discover_python_files, read_source
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


def test_read_source_of_a_folder_is_invalid_input(tmp_path):
    with pytest.raises(ModelOnexError) as caught:
        read_source(tmp_path)
    assert caught.value.error_code == EnumCoreErrorCode.INVALID_INPUT


def test_read_source_without_permission(tmp_path, monkeypatch):
    # Root may read any file, so the OS's refusal is simulated: this machine and CI run as root.
    path = write(tmp_path / "secret.py", "x = 1\n")

    def refuse(self):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(type(path), "read_bytes", refuse)
    with pytest.raises(ModelOnexError) as caught:
        read_source(path)
    assert caught.value.error_code == EnumCoreErrorCode.PERMISSION_DENIED
    assert "secret.py" in caught.value.message
