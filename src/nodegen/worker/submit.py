"""`nodegen submit` and `nodegen collect`: one request per file to the workers, then their results written locally.

The run, its requests and the files' texts are stored in PostgreSQL before anything is published, so a run can be
collected later by id (``--no-wait``) and a request lost with a broker is sent again: when no result has come for
``submit_republish_after_s`` while some are missing, the missing requests are published again (a worker answers a
request it has answered before from the store). Results are read from the store; the events only wake the wait up
and drive the progress view. Each file is written once: what applying its result did is stored with the request.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from uuid import UUID, uuid4

from aiokafka import AIOKafkaConsumer
from aiokafka.errors import KafkaError

from nodegen.infra.kafka_producer import KafkaProducer
from nodegen.infra.source_files import EnumPathNote, select_sources
from nodegen.infra.source_text import read_source
from nodegen.infra.store_postgres import PostgresStore
from nodegen.infra.work_queue import ensure_topic
from nodegen.infra.work_store import RequestRow, ResultRow, WorkStore
from nodegen.llm.spec import EnumProviderKind, parse_llm_spec
from nodegen.nodes.codegen_code_generator_effect.v1_0_0 import shown_path
from nodegen.nodes.codegen_code_injector_effect.v1_0_0 import NodeCodegenCodeInjectorEffect
from nodegen.nodes.codegen_metrics_reducer.v1_0_0 import NodeCodegenMetricsReducer
from nodegen.nodes.codegen_orchestrator.v1_0_0.models import ModelCodegenOrchestrationResult, ModelFileOutcome
from nodegen.onex import EnumCoreErrorCode, EnumLogLevel, ModelOnexError, emit_log_event
from nodegen.settings import NodegenSettings, build_container

from .apply import apply_result, merge_results
from .models import (
    COMPLETED_TOPIC,
    FAILED_TOPIC,
    REQUEST_SETTINGS,
    REQUEST_TOPIC,
    STARTED_TOPIC,
    ModelAppliedFile,
    ModelFillRequest,
    ModelFillResult,
    ModelFillRun,
    content_hash,
)
from .outage import patiently

Progress = Callable[[str, int, int], None]  # (what happened, files done, files in the run)


def _request_settings(settings: NodegenSettings) -> dict[str, object]:
    values = settings.model_dump(mode="json", include=set(REQUEST_SETTINGS))
    spec = parse_llm_spec(settings.llm)
    if spec.kind in (EnumProviderKind.REPLAY, EnumProviderKind.GGUF) and not Path(spec.path).is_absolute():
        values["llm"] = f"{spec.kind.value}:{Path(spec.path).expanduser().resolve()}"  # workers run elsewhere
    return values


def _context_files(path: Path, shown: str) -> dict[str, str]:
    """The node package's contract.yaml and models beside a file (what its prompt quotes), by paths like
    ``shown``'s."""
    package, shown_package = (path.parent, PurePosixPath(shown).parent)
    if path.parent.name == "models":
        package, shown_package = package.parent, shown_package.parent
    contract = package / "contract.yaml"
    if not contract.is_file():
        return {}
    files = {str(shown_package / "contract.yaml"): contract.read_text(encoding="utf-8", errors="replace")}
    models = package / "models"
    if models.is_dir():
        for model in sorted(models.glob("model_*.py")):
            if model.resolve() != path.resolve():
                files[str(shown_package / "models" / model.name)] = model.read_text(encoding="utf-8", errors="replace")
    return files


class Submitter:
    """Submits runs and collects their results (PostgreSQL and the broker of the settings)."""

    def __init__(self, settings: NodegenSettings, *, republish_after_s: float | None = None) -> None:
        if not settings.kafka_bootstrap or not (settings.database_url or "").startswith(("postgresql:", "postgres:")):
            raise ModelOnexError(
                error_code=EnumCoreErrorCode.INVALID_CONFIGURATION,
                message="nodegen submit needs the workers' broker and database: set kafka_bootstrap "
                "(NODEGEN_KAFKA_BOOTSTRAP) and database_url (NODEGEN_DATABASE_URL=postgresql://...)",
            )
        self.settings = settings
        self.bootstrap = settings.kafka_bootstrap
        self.store = PostgresStore(str(settings.database_url))
        self.work = WorkStore(self.store)
        self.producer = KafkaProducer(self.bootstrap)
        self.republish_after_s = republish_after_s or settings.submit_republish_after_s

    async def aclose(self) -> None:
        """Release the producer and the database."""
        await self.producer.close()
        await self.store.close()

    async def submit(self, paths: list[Path], *, dry_run: bool = False) -> ModelFillRun:
        """Store the run and publish one request per file; the run (its id is ``run_id``)."""
        settings = self.settings
        selection = select_sources(paths)
        run = ModelFillRun(
            run_id=uuid4(),
            dry_run=dry_run,
            skipped_paths=selection.notes,
            refused=any(note.kind is EnumPathNote.REFUSED for note in selection.notes),
            llm=settings.llm,
        )
        values = _request_settings(settings)
        rows: list[RequestRow] = []
        texts: dict[str, str] = {}
        for path in selection.files:
            local = str(path)
            run.files.append(local)
            try:
                text = read_source(path, max_bytes=settings.max_file_bytes)
            except ModelOnexError as error:
                run.local_outcomes.append(ModelFileOutcome(file_path=local, error=error.message, bad_input=True))
                continue
            if not text.strip():  # an empty module has nothing to fill, as in a local fill
                run.local_outcomes.append(ModelFileOutcome(file_path=local))
                continue
            shown = shown_path(local)
            digest = content_hash(text)
            request = ModelFillRequest(
                request_id=uuid4(),
                correlation_id=run.run_id,
                path=shown,
                content_sha256=digest,
                context_files=_context_files(path, shown),
                settings=values,
            )
            texts[digest] = text
            run.requests.append(request)
            run.local_paths[str(request.request_id)] = local
            rows.append(RequestRow(str(request.request_id), len(rows), shown, local, digest, None))
        await self.store.migrate()
        await self.work.save_run(str(run.run_id), run.model_dump_json(), rows, texts)
        await patiently(
            lambda: ensure_topic(self.bootstrap, REQUEST_TOPIC, settings.worker_partitions), "creating the topic"
        )
        await self._publish(run.requests, texts)
        return run

    async def _publish(self, requests: list[ModelFillRequest], texts: dict[str, str]) -> None:
        """Every request, spread evenly over the partitions (a request sent twice is answered once)."""
        limit = self.settings.submit_inline_text_bytes
        messages = []
        for request in requests:
            text = texts.get(request.content_sha256)
            inline = text is not None and len(text.encode("utf-8")) <= limit
            message = request.model_copy(update={"text": text if inline else None}).model_dump_json().encode()
            messages.append((str(request.request_id), message))
        await patiently(lambda: self.producer.send_spread(REQUEST_TOPIC, messages), "publishing the requests")

    async def collect(
        self, run_id: UUID | str, *, progress: Progress | None = None, timeout_s: float | None = None
    ) -> ModelCodegenOrchestrationResult:
        """Wait for the run's results, write each file once, and return the run's result (files not finished
        within ``timeout_s`` are reported as not finished)."""
        started = time.perf_counter()
        await patiently(self.store.migrate, "opening the database")
        stored = await patiently(lambda: self.work.run(str(run_id)), "reading the run")
        if stored is None:
            raise ModelOnexError(
                error_code=EnumCoreErrorCode.RESOURCE_NOT_FOUND,
                message=f"no run {run_id} in {self.store.location}: give the id `nodegen submit --no-wait` printed",
            )
        run = ModelFillRun.model_validate_json(stored)
        rows = {row.request_id: row for row in await patiently(lambda: self.work.requests(str(run_id)), "reading")}
        applied = {
            request_id: ModelAppliedFile.model_validate_json(row.applied_json)
            for request_id, row in rows.items()
            if row.applied_json is not None
        }
        results: dict[str, ModelFillResult] = {}
        total = len(rows)
        injector = NodeCodegenCodeInjectorEffect(build_container(self.settings))
        events = await self._events()
        loop = asyncio.get_running_loop()
        deadline = None if timeout_s is None else loop.time() + timeout_s
        last_progress = loop.time()
        try:
            while True:
                for row in await self._new_results(str(run_id), list(results)):
                    result = ModelFillResult.model_validate_json(row.result_json)
                    results[row.request_id] = result
                    if row.request_id in applied or row.request_id not in rows:
                        continue
                    applied[row.request_id] = await self._apply(run, rows[row.request_id], result, injector)
                    last_progress = loop.time()
                    if progress is not None:
                        progress(f"{rows[row.request_id].local_path}: {result.status.value}", len(applied), total)
                if len(applied) >= total or (deadline is not None and loop.time() >= deadline):
                    break
                if loop.time() - last_progress >= self.republish_after_s:
                    missing = [r for r in run.requests if str(r.request_id) not in results]
                    emit_log_event(
                        EnumLogLevel.WARNING, "no result for a while: requests sent again", {"n": len(missing)}
                    )
                    texts = {}
                    for request in missing:  # a text not found travels by hash: the worker reports it missing
                        found = await self.work.text(request.content_sha256)
                        if found is not None:
                            texts[request.content_sha256] = found
                    await patiently(
                        lambda: ensure_topic(self.bootstrap, REQUEST_TOPIC, self.settings.worker_partitions), "topic"
                    )
                    await self._publish(missing, texts)
                    last_progress = loop.time()
                await self._wait(events, str(run_id), progress, len(applied), total)
        finally:
            if events is not None:
                await events.stop()
        reducer = NodeCodegenMetricsReducer(build_container(self.settings))
        attempts = await patiently(lambda: self.work.run_attempts(str(run_id)), "reading attempts")
        return await merge_results(
            run, applied, results, reducer=reducer, attempts=attempts, duration_s=time.perf_counter() - started
        )

    async def _new_results(self, run_id: str, known: list[str]) -> list[ResultRow]:
        return await patiently(lambda: self.work.results(run_id, known=known), "reading results")

    async def _apply(
        self, run: ModelFillRun, row: RequestRow, result: ModelFillResult, injector: NodeCodegenCodeInjectorEffect
    ) -> ModelAppliedFile:
        text = await patiently(lambda: self.work.text(row.content_hash), "reading the text") or ""
        done = await apply_result(result, local_path=row.local_path, text=text, dry_run=run.dry_run, injector=injector)
        if not await patiently(lambda: self.work.mark_applied(row.request_id, done.model_dump_json()), "recording"):
            # another collector of the same run wrote it first: take what it recorded
            again = {r.request_id: r for r in await self.work.requests(str(run.run_id))}[row.request_id]
            return ModelAppliedFile.model_validate_json(again.applied_json or done.model_dump_json())
        return done

    async def _events(self) -> AIOKafkaConsumer | None:
        consumer = AIOKafkaConsumer(
            STARTED_TOPIC,
            COMPLETED_TOPIC,
            FAILED_TOPIC,
            bootstrap_servers=self.bootstrap,
            group_id=None,
            auto_offset_reset="latest",
            metadata_max_age_ms=2000,
            fetch_max_wait_ms=100,
        )
        try:
            await consumer.start()
        except (KafkaError, OSError) as error:
            emit_log_event(
                EnumLogLevel.WARNING, "no live events; reading results from the store", {"error": str(error)}
            )
            await consumer.stop()
            return None
        return consumer

    async def _wait(
        self, events: AIOKafkaConsumer | None, run_id: str, progress: Progress | None, done: int, total: int
    ) -> None:
        """Until an event of the run arrives (or a second passes); started events go to the progress view."""
        if events is None:
            await asyncio.sleep(1.0)
            return
        try:
            batches = await events.getmany(timeout_ms=1000)
        except KafkaError:
            await asyncio.sleep(1.0)
            return
        for message in (m for batch in batches.values() for m in batch):
            if message.key != run_id.encode() or message.topic != STARTED_TOPIC or progress is None:
                continue
            try:
                payload = json.loads(message.value or b"{}").get("payload", {})
            except ValueError:
                continue
            progress(f"{payload.get('path')}: taken by {payload.get('worker')}", done, total)


__all__ = ["Progress", "Submitter"]
