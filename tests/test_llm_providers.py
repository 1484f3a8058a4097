"""Provider strings, the factory, replay and record, the cache, retries and the budget."""

from __future__ import annotations

import ast
import json
import time
from pathlib import Path

import pytest

from nodegen.llm import (
    CachedClient,
    CompletionCache,
    EnumChatRole,
    EnumLLMFailure,
    EnumProviderKind,
    LLMError,
    ModelChatMessage,
    ModelCompletion,
    ModelCompletionRequest,
    ModelLLMOptions,
    ModelReplayRecord,
    ProviderCapabilities,
    ProviderIdentity,
    RecordingClient,
    ReplayClient,
    RetryPolicy,
    RunBudget,
    capabilities_for,
    client_from_settings,
    complete_with_retries,
    create_llm_client,
    openai_client,
    parse_llm_spec,
    write_replay_file,
)
from nodegen.onex import EnumCoreErrorCode, ModelOnexError
from nodegen.settings import load_settings
from tests.support.llm_server import DecodesTogether, Reply, ScriptedLLMServer

KEY = "sk-test-0123456789abcdef0123"


def _request(text: str = "Implement `add`.") -> ModelCompletionRequest:
    return ModelCompletionRequest(
        system="system", messages=[ModelChatMessage(role=EnumChatRole.USER, content=text)], max_tokens=64
    )


@pytest.mark.parametrize(
    ("text", "kind", "model", "path"),
    [
        ("openai:gpt-4o-mini", EnumProviderKind.OPENAI, "gpt-4o-mini", ""),
        ("ollama:qwen2.5-coder:7b", EnumProviderKind.OLLAMA, "qwen2.5-coder:7b", ""),
        ("anthropic:claude-haiku-4-5", EnumProviderKind.ANTHROPIC, "claude-haiku-4-5", ""),
        ("local", EnumProviderKind.LOCAL, "", ""),
        ("local:0.5b", EnumProviderKind.LOCAL, "", ""),
        ("local:1.5B", EnumProviderKind.LOCAL, "1.5b", ""),
        ("gguf:/models/m.gguf", EnumProviderKind.GGUF, "", "/models/m.gguf"),
        ("replay:answers.jsonl", EnumProviderKind.REPLAY, "", "answers.jsonl"),
        (" OpenAI:gpt-4o ", EnumProviderKind.OPENAI, "gpt-4o", ""),
    ],
)
def test_provider_strings(text, kind, model, path):
    spec = parse_llm_spec(text)
    assert (spec.kind, spec.model, spec.path) == (kind, model, path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("gpt-4o", "unknown LLM provider 'gpt-4o'"),
        ("openai", "needs a model name: write openai:MODEL"),
        ("replay:", "needs a file path: write replay:PATH"),
        ("local:smol", "no embedded local model 'smol'"),
    ],
)
def test_bad_provider_strings_say_what_is_accepted(text, message):
    with pytest.raises(ModelOnexError) as raised:
        parse_llm_spec(text)
    assert raised.value.error_code is EnumCoreErrorCode.INVALID_CONFIGURATION
    assert message in raised.value.message


def test_the_request_key_depends_on_provider_model_parameters_and_prompt():
    identity = ProviderIdentity(provider="openai", model="gpt-4o-mini", endpoint="http://x/v1")
    key = _request().key(identity)
    assert key == _request().key(identity)
    assert key != _request("Implement `sub`.").key(identity)
    assert key != _request().key(identity.model_copy(update={"model": "gpt-4o"}))
    assert key != _request().model_copy(update={"temperature": 0.5}).key(identity)
    started = _request().model_copy(update={"answer_start": "```python\ndef add(a, b):\n", "stop": ["\n```"]})
    assert started.key(identity) != key  # an answer begun for the model is another request
    assert _request().model_copy(update={"stop": []}).key(identity) == key  # the keys of earlier recordings hold


def test_openai_without_key_or_server_is_refused_clearly(monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    with pytest.raises(LLMError) as raised:
        create_llm_client(ModelLLMOptions(llm="openai:gpt-4o-mini"))
    assert raised.value.kind is EnumLLMFailure.AUTHENTICATION and "OPENAI_API_KEY" in raised.value.message


async def test_the_client_of_the_settings_is_cached_under_the_state_dir_and_recorded(tmp_path, monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    state = tmp_path / ".nodegen"
    async with ScriptedLLMServer() as server:
        server.script(Reply(text="return 1", input_tokens=7, output_tokens=2))
        settings = load_settings(
            tmp_path,
            llm="openai:gpt-4o-mini",
            llm_base_url=server.openai_url,
            llm_api_key=KEY,
            llm_record=str(tmp_path / "answers.jsonl"),
            state_dir=str(state),
        )
        client = client_from_settings(settings)
        first = await client.complete(_request())
        again = await client.complete(_request())
        await client.aclose()
        assert len(server.requests) == 1
    assert client.identity == ProviderIdentity(provider="openai", model="gpt-4o-mini", endpoint=server.openai_url)
    assert not first.cached and again.cached and again.text == "return 1"
    assert (state / "cache.db").is_file() and (tmp_path / "answers.jsonl").is_file()
    uncached = client_from_settings(settings.model_copy(update={"llm_cache": False, "llm_record": None}))
    assert not isinstance(uncached, CachedClient | RecordingClient)
    await uncached.aclose()
    worker = client_from_settings(settings, local_files=False)  # a worker: the shared cache, no file of its own
    assert not isinstance(worker, CachedClient | RecordingClient)
    await worker.aclose()


@pytest.mark.parametrize(
    ("llm", "code"),
    [("openai:gpt-4o-mini", EnumCoreErrorCode.AUTHENTICATION_ERROR), ("gguf:none.gguf", None)],
)
def test_a_client_the_settings_cannot_build_is_an_onex_error_with_its_reason(tmp_path, monkeypatch, llm, code):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    with pytest.raises(ModelOnexError) as raised:
        client_from_settings(load_settings(tmp_path, llm=llm, state_dir=str(tmp_path / ".nodegen")))
    if code is not None:
        assert raised.value.error_code is code
    else:  # no model file; or llama-cpp-python not installed here: either way the run cannot start
        assert raised.value.error_code in (
            EnumCoreErrorCode.NO_SUITABLE_PROVIDER,
            EnumCoreErrorCode.DEPENDENCY_UNAVAILABLE,
        )
    assert not (tmp_path / ".nodegen" / "cache.db").exists()  # nothing opened for a client never built


def test_ollama_defaults_to_the_local_ollama_address(monkeypatch):
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    client = create_llm_client(ModelLLMOptions(llm="ollama:llama3.2"))
    assert client.identity == ProviderIdentity(provider="ollama", model="llama3.2", endpoint="http://127.0.0.1:11434/v1")


def test_the_endpoint_never_carries_credentials():
    client = openai_client("m", base_url="https://user:secret@llm.example.com:8443/v1/?token=abc", api_key=KEY)
    assert client.identity.endpoint == "https://llm.example.com:8443/v1"


def test_a_missing_gguf_file_is_a_clear_error(tmp_path):
    with pytest.raises(LLMError, match="GGUF model file not found"):
        create_llm_client(ModelLLMOptions(llm=f"gguf:{tmp_path / 'none.gguf'}"))


async def test_record_then_replay_gives_the_same_answers_without_a_server(tmp_path):
    record = tmp_path / "answers.jsonl"
    async with ScriptedLLMServer() as server:
        server.script(Reply(text="return a + b", input_tokens=11, output_tokens=3), Reply(text="return a - b"))
        client = RecordingClient(openai_client("gpt-4o-mini", base_url=server.openai_url, api_key=KEY), record)
        first = await client.complete(_request("Implement `add`."))
        second = await client.complete(_request("Implement `sub`."))
    assert (first.text, second.text) == ("return a + b", "return a - b")
    content = record.read_text()
    assert KEY not in content and "Implement" not in content  # neither the key nor the prompt is stored
    assert [json.loads(line)["text"] for line in content.splitlines()] == ["return a + b", "return a - b"]
    replay = ReplayClient(record)
    again = await replay.complete(_request("Implement `sub`."))
    assert again.text == "return a - b" and again.cached and again.cost_usd == 0.0
    assert again.identity.provider == "replay" and again.identity.model == "openai:gpt-4o-mini"
    with pytest.raises(LLMError) as raised:
        await replay.complete(_request("Implement `mul`."))
    assert raised.value.kind is EnumLLMFailure.NOT_RECORDED and "answers.jsonl holds no answer" in raised.value.message


def test_scripted_answers_can_be_written_as_a_replay_file(tmp_path):
    identity = ProviderIdentity(provider="oracle", model="canonical")
    path = tmp_path / "oracle.jsonl"
    write_replay_file(path, [ModelReplayRecord.answer(_request(), identity, "return 42")])
    assert ReplayClient(path)._records[_request().key(identity)].text == "return 42"


def test_a_broken_replay_file_names_its_line(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"key": "k", "provider": "p", "model": "m", "text": "x"}\nnot json\n')
    with pytest.raises(ModelOnexError, match=r"bad.jsonl:2: not a replay record"):
        ReplayClient(path)
    with pytest.raises(ModelOnexError, match="replay file not found"):
        ReplayClient(tmp_path / "missing.jsonl")


async def test_the_cache_answers_an_unchanged_prompt_without_a_call_across_processes(tmp_path):
    cache_path = tmp_path / ".nodegen" / "cache.db"
    async with ScriptedLLMServer() as server:
        server.script(Reply(text="return 1", input_tokens=7, output_tokens=2))
        client = CachedClient(openai_client("gpt-4o-mini", base_url=server.openai_url, api_key=KEY), CompletionCache(cache_path))
        fresh = await client.complete(_request())
        await client.aclose()
        reopened = CachedClient(
            openai_client("gpt-4o-mini", base_url=server.openai_url, api_key=KEY), CompletionCache(cache_path)
        )
        hit = await reopened.complete(_request())
        assert len(server.requests) == 1
    assert not fresh.cached and hit.cached and hit.text == "return 1" and hit.cost_usd == 0.0
    assert reopened.hits == 1 and len(reopened.cache) == 1


class _Flaky:
    def __init__(self, failures: list[LLMError]) -> None:
        self.failures = failures
        self.calls = 0

    @property
    def identity(self) -> ProviderIdentity:
        return ProviderIdentity(provider="test", model="flaky")

    @property
    def capabilities(self) -> ProviderCapabilities:
        return ProviderCapabilities()

    async def complete(self, request: ModelCompletionRequest) -> ModelCompletion:
        self.calls += 1
        if self.failures:
            raise self.failures.pop(0)
        return ModelCompletion(text="ok", identity=self.identity, input_tokens=5, output_tokens=5, cost_usd=0.001)

    async def aclose(self) -> None:
        pass


async def test_retries_honour_retry_after_and_stop_on_errors_that_will_not_pass():
    flaky = _Flaky([LLMError(EnumLLMFailure.RATE_LIMITED, "429", retry_after_s=0.15)])
    started = time.perf_counter()
    completion = await complete_with_retries(flaky, _request(), RetryPolicy(max_retries=3))
    assert completion.retries == 1 and time.perf_counter() - started >= 0.15
    refused = _Flaky([LLMError(EnumLLMFailure.BAD_REQUEST, "400")])
    with pytest.raises(LLMError) as raised:
        await complete_with_retries(refused, _request(), RetryPolicy(max_retries=3))
    assert refused.calls == 1 and raised.value.retries == 0


def test_a_batch_decoded_together_stretches_a_call_s_time_limit_by_half_a_limit_an_answer():
    together = ProviderCapabilities(samples_together=4)
    assert [together.batch_time(n) for n in (1, 2, 4, 9)] == [1.0, 1.5, 2.5, 2.5]
    assert together.batch_time() == 2.5 and ProviderCapabilities().batch_time() == 1.0


async def test_a_call_to_a_provider_that_decodes_together_may_take_what_a_batch_takes():
    # the 1.5B model's four InvoiceFetcher retries, decoded together, were cut at one call's limit, mid-line
    async with ScriptedLLMServer(lambda received: Reply(text="ok", delay_s=0.5)) as server:
        alone = openai_client("gpt-4o-mini", base_url=server.openai_url, api_key=KEY)
        policy = RetryPolicy(timeout_s=0.3, max_retries=0)
        with pytest.raises(LLMError) as raised:
            await complete_with_retries(alone, _request(), policy)
        assert raised.value.kind is EnumLLMFailure.TIMEOUT and "within 0.3 s" in raised.value.message
        assert (await complete_with_retries(DecodesTogether(alone), _request(), policy)).text == "ok"


async def test_backoff_grows_and_is_capped():
    policy = RetryPolicy(base_delay_s=1.0, max_delay_s=5.0)
    error = LLMError(EnumLLMFailure.SERVER_ERROR, "503")
    assert 0.5 <= policy.delay(1, error) <= 1.0
    assert 2.0 <= policy.delay(3, error) <= 4.0
    assert policy.delay(10, error) <= 5.0


async def test_the_budget_counts_calls_and_refuses_new_ones_once_spent():
    budget = RunBudget(max_tokens=15)
    flaky = _Flaky([])
    await complete_with_retries(flaky, _request(), RetryPolicy(), budget)
    await complete_with_retries(flaky, _request(), RetryPolicy(), budget)
    with pytest.raises(LLMError) as raised:
        await complete_with_retries(flaky, _request(), RetryPolicy(), budget)
    assert raised.value.kind is EnumLLMFailure.BUDGET_EXHAUSTED and flaky.calls == 2
    assert budget.tokens_spent == 20 and budget.cost_usd == pytest.approx(0.002) and budget.refused_calls == 1


def test_unpriced_calls_are_counted_not_priced():
    budget = RunBudget(max_cost_usd=1.0)
    budget.charge(ModelCompletion(text="x", identity=ProviderIdentity(provider="p", model="m"), input_tokens=3))
    assert budget.unpriced_calls == 1 and budget.cost_usd == 0.0 and budget.exhausted_reason() is None


def test_record_files_go_where_asked(tmp_path: Path):
    options = ModelLLMOptions(llm=f"replay:{tmp_path / 'x.jsonl'}", record_to=tmp_path / "out" / "rec.jsonl")
    (tmp_path / "x.jsonl").write_text("")
    client = create_llm_client(options)
    assert isinstance(client, RecordingClient) and (tmp_path / "out").is_dir()


def test_behaviour_by_provider_is_declared_once_by_kind_and_never_read_from_a_name():
    """Capabilities come from the one table (``spec.CAPABILITIES``); no module compares a provider's name."""
    from nodegen.llm.spec import CAPABILITIES

    assert set(CAPABILITIES) == set(EnumProviderKind)
    local, hosted = capabilities_for("local"), capabilities_for("anthropic")
    assert (local.max_concurrency, local.follows_findings, local.continues_answer, local.structured_output) == (
        1,
        False,
        True,
        False,
    )
    assert (hosted.max_concurrency, hosted.follows_findings, hosted.structured_output) == (None, True, True)
    assert capabilities_for("someone-else") == ProviderCapabilities()
    src = Path(__file__).resolve().parents[1] / "src" / "nodegen"
    compared = []
    for path in src.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Compare):
                sides = [node.left, *node.comparators]
                if any(isinstance(side, ast.Attribute | ast.Name) and "provider" in ast.unparse(side) for side in sides):
                    compared.append(f"{path.relative_to(src)}:{node.lineno}")
    assert compared == []


async def test_a_client_and_its_wrappers_answer_with_their_providers_capabilities(tmp_path):
    options = ModelLLMOptions(llm="ollama:llama3.2", cache_path=tmp_path / "c.db", record_to=tmp_path / "r.jsonl")
    client = create_llm_client(options)
    try:
        assert isinstance(client, RecordingClient) and isinstance(client.inner, CachedClient)
        assert client.capabilities == capabilities_for("ollama") and client.capabilities.structured_output
    finally:
        await client.aclose()
@pytest.mark.parametrize(
    "module",
    ["src/nodegen/nodes/codegen_orchestrator/v1_0_0/scaffolding.py", "benchmarks/humaneval_model.py"],
)
def test_the_spec_stage_and_the_benchmarks_build_their_client_without_a_generator(module):
    tree = ast.parse((Path(__file__).resolve().parent.parent / module).read_text(encoding="utf-8"))
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    assert not any(name.startswith("nodegen.nodes.codegen_code_generator_effect") for name in imported)
    called = {node.func.id for node in ast.walk(tree) if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)}
    assert "client_from_settings" in called
