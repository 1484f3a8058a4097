"""One request, filled the way a local ``nodegen fill --dry-run`` fills the file: its text (and its node package's
contract and models) is put at the same relative path under the worker's folder, the orchestrator runs on it with
the request's settings, the run's shared budget and the worker's shared client, and the file is removed again."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, NamedTuple

from nodegen.infra.bus import ModelEventEnvelope
from nodegen.infra.source_text import declared_encoding
from nodegen.infra.store_postgres import PostgresStore
from nodegen.infra.work_store import WorkStore
from nodegen.llm import (
    CachedClient,
    LLMClient,
    ModelCompletion,
    ModelCompletionRequest,
    ProviderCapabilities,
    ProviderIdentity,
    client_from_settings,
)
from nodegen.llm.budget import SharedRunBudget
from nodegen.llm.cache import SharedCompletionCache
from nodegen.llm.spec import EnumProviderKind, parse_llm_spec
from nodegen.nodes.codegen_orchestrator.v1_0_0 import NodeCodegenOrchestrator
from nodegen.nodes.codegen_orchestrator.v1_0_0.models import ModelCodegenOrchestrationRequest
from nodegen.onex import EnumCoreErrorCode, ModelOnexError
from nodegen.services import NodegenServices
from nodegen.settings import NodegenSettings, build_container, load_settings

from .models import REQUEST_SETTINGS, EnumFillStatus, ModelFillRequest, ModelFillResult, content_hash


class _LimitedClient:
    """The worker's calls in flight, across every request it works on, bounded by ``--concurrency``; ``for_run``
    gives a request's view, which reads the run's totals (every worker's) and checks its budget once a slot is free.
    The generator checks before the request waits for its slot: without this, every request queued behind the
    slots made its call after the run's budget was spent."""

    def __init__(
        self, inner: LLMClient, limit: asyncio.Semaphore, max_concurrency: int, budget: SharedRunBudget | None = None
    ) -> None:
        self.inner = inner
        self._limit = limit
        self.max_concurrency = max_concurrency
        self._budget = budget

    @property
    def identity(self) -> ProviderIdentity:
        """The provider's identity."""
        return self.inner.identity

    @property
    def capabilities(self) -> ProviderCapabilities:
        """The provider's, serving at most ``--concurrency`` calls at once (and so decoding at most that many
        together: calls beyond the slots wait for one)."""
        inner = self.inner.capabilities
        together = min(inner.samples_together, self.max_concurrency)
        return inner.model_copy(update={"max_concurrency": self.max_concurrency, "samples_together": together})

    def for_run(self, budget: SharedRunBudget) -> _LimitedClient:
        """The same provider and slots, checking ``budget`` before each call."""
        return _LimitedClient(self.inner, self._limit, self.max_concurrency, budget)

    async def complete(self, request: ModelCompletionRequest) -> ModelCompletion:
        """One call, when a slot is free and the run's budget is not spent."""
        async with self._limit:
            if self._budget is not None:  # its ledger (the run's totals) is there only when the run has a limit
                await self._budget.refresh()
                self._budget.check()
            return await self.inner.complete(request)

    async def aclose(self) -> None:
        """Close the provider."""
        await self.inner.aclose()


class _RequestEvents:
    """The bus the orchestrator gets for one request: its lifecycle events are kept, and stored in the outbox with
    the request's result, in one transaction (not a transaction each while the request runs)."""

    def __init__(self) -> None:
        self.events: list[ModelEventEnvelope] = []

    async def publish(self, envelope: ModelEventEnvelope) -> None:
        """Keep ``envelope``."""
        self.events.append(envelope)

    async def close(self) -> None:
        """Nothing to close: the worker's relay delivers what is stored."""


class FilledRequest(NamedTuple):
    """A request's result and the lifecycle events its run published (stored with it)."""

    result: ModelFillResult
    events: list[ModelEventEnvelope]


_SETTINGS_KEPT = 32  # distinct request settings a worker keeps loaded


class RequestFiller:
    """Fills requests in one worker: one client per provider string, one budget per run, one folder."""

    def __init__(
        self,
        *,
        root: Path,
        project_dir: Path,
        overrides: dict[str, Any],
        store: PostgresStore,
        work: WorkStore,
        concurrency: int,
        worker: str,
    ) -> None:
        self.root = root
        self.project_dir = project_dir
        self.overrides = overrides
        self.store = store
        self.work = work
        self.worker = worker
        self.concurrency = concurrency
        self._calls = asyncio.Semaphore(concurrency)
        self._clients: dict[str, _LimitedClient] = {}
        self._budgets: dict[str, SharedRunBudget] = {}
        self._paths: dict[Path, asyncio.Lock] = {}
        self._settings: dict[str, NodegenSettings] = {}

    def settings_for(self, request: ModelFillRequest) -> NodegenSettings:
        """The worker's settings with the request's (``INVALID_CONFIGURATION`` for a value that does not validate
        or a key that is not sent with requests). Loaded once for each distinct set of request settings: every
        request of a run carries the same."""
        unknown = sorted(set(request.settings) - set(REQUEST_SETTINGS))
        if unknown:
            raise ModelOnexError(
                error_code=EnumCoreErrorCode.INVALID_CONFIGURATION,
                message=f"the request carries settings a worker does not take: {', '.join(unknown)}",
            )
        key = json.dumps(request.settings, sort_keys=True, default=str)
        settings = self._settings.get(key)
        if settings is None:
            settings = load_settings(self.project_dir, **{**self.overrides, **request.settings})
            if len(self._settings) >= _SETTINGS_KEPT:
                self._settings.pop(next(iter(self._settings)))
            self._settings[key] = settings
        return settings

    def _client(self, settings: NodegenSettings) -> _LimitedClient:
        client = self._clients.get(settings.llm)
        if client is None:
            built = client_from_settings(settings, local_files=False)  # the answers go to the shared cache
            if settings.llm_cache and parse_llm_spec(settings.llm).kind is not EnumProviderKind.REPLAY:
                built = CachedClient(built, SharedCompletionCache(self.work))
            client = _LimitedClient(built, self._calls, self.concurrency)
            self._clients[settings.llm] = client
        return client

    def _budget(self, request: ModelFillRequest, settings: NodegenSettings) -> SharedRunBudget:
        run = str(request.correlation_id)
        budget = self._budgets.get(run)
        if budget is None:
            if len(self._budgets) > 100:  # runs long over: their totals are in the database anyway
                self._budgets.pop(next(iter(self._budgets)))
            limited = settings.max_tokens is not None or settings.max_cost_usd is not None
            budget = SharedRunBudget(  # without a limit there is nothing to hold across workers: no ledger to keep
                max_tokens=settings.max_tokens,
                max_cost_usd=settings.max_cost_usd,
                run_id=run,
                ledger=self.work if limited else None,
            )
            self._budgets[run] = budget
        return budget

    async def text_of(self, request: ModelFillRequest) -> str:
        """The file's text (from the request or the store), checked against its hash."""
        text = request.text if request.text is not None else await self.work.text(request.content_sha256)
        if text is None:
            raise ModelOnexError(
                error_code=EnumCoreErrorCode.RESOURCE_NOT_FOUND,
                message=f"the text of {request.path} (sha256 {request.content_sha256}) is not in the database",
            )
        if content_hash(text) != request.content_sha256:
            raise ModelOnexError(
                error_code=EnumCoreErrorCode.VALIDATION_ERROR,
                message=f"the text of {request.path} does not match its sha256 {request.content_sha256}",
            )
        return text

    @contextlib.asynccontextmanager
    async def _materialized(self, files: dict[str, str]) -> AsyncIterator[None]:
        """The files at their relative paths under the worker's folder while the block runs (one request at a time
        per path), removed afterwards."""
        paths = sorted(self.root / relative for relative in files)
        locks = [self._paths.setdefault(path, asyncio.Lock()) for path in paths]
        async with contextlib.AsyncExitStack() as stack:
            for lock in locks:
                await stack.enter_async_context(lock)
            try:
                for relative, text in files.items():
                    path = self.root / relative
                    path.parent.mkdir(parents=True, exist_ok=True)
                    path.write_bytes(text.encode(declared_encoding(text)))
                yield
            finally:
                for path in paths:
                    path.unlink(missing_ok=True)

    async def fill(self, request: ModelFillRequest, *, failures: int = 0) -> FilledRequest:
        """Run the workflow on the request's file as a dry run; the result to store and its run's events."""
        started = time.perf_counter()
        settings = self.settings_for(request)
        text = await self.text_of(request)
        budget = self._budget(request, settings)
        client = self._client(settings).for_run(budget)
        await budget.refresh()
        events = _RequestEvents()
        services = NodegenServices(llm_client=client, llm_budget=budget, codegen_store=self.store, event_bus=events)
        orchestrator = NodeCodegenOrchestrator(build_container(settings, services=services))
        async with self._materialized({**request.context_files, request.path: text}):
            result = await orchestrator.run(
                ModelCodegenOrchestrationRequest(
                    files=[request.path], dry_run=True, llm=settings.llm, max_attempts=settings.max_attempts
                ),
                correlation_id=request.correlation_id,
            )
        await budget.flush()
        filled = ModelFillResult(
            request_id=request.request_id,
            correlation_id=request.correlation_id,
            path=request.path,
            content_sha256=request.content_sha256,
            status=EnumFillStatus.COMPLETED,
            result=result,
            failures=failures,
            worker=self.worker,
            duration_s=time.perf_counter() - started,
        )
        return FilledRequest(filled, events.events)

    async def aclose(self) -> None:
        """Close the providers."""
        for client in self._clients.values():
            await client.aclose()
        self._clients.clear()


__all__ = ["FilledRequest", "RequestFiller"]
