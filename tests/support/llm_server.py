"""A real HTTP server on loopback that speaks OpenAI chat completions and Anthropic messages (JSON and server-sent
events) and plays scripted answers: what nodegen's providers are tested and benchmarked against.

    async with ScriptedLLMServer() as server:
        server.script(Reply(text="return 1"), Reply(status=429), ...)
        ... base_url = server.openai_url / server.anthropic_url ...
        server.requests  # every request body received, in order

When the script runs out, ``responder`` (if set) answers; otherwise the server answers 500 with a message saying so.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web


@dataclass
class Reply:
    """One scripted answer: text (or an HTTP error status), after a delay."""

    text: str = ""
    status: int = 200
    delay_s: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)
    input_tokens: int = 100
    output_tokens: int = 50
    echo_credentials: bool = False  # an error body that repeats the request's credential headers, as some proxies do


@dataclass
class Received:
    """A request the server got."""

    protocol: str  # "openai" | "anthropic"
    body: dict[str, Any]
    headers: dict[str, str]

    @property
    def last_user_text(self) -> str:
        """The text of the conversation's last user message."""
        for message in reversed(self.body.get("messages", [])):
            if message.get("role") == "user":
                content = message["content"]
                if isinstance(content, str):
                    return content
                return "".join(part.get("text", "") for part in content if isinstance(part, dict))
        return ""

    @property
    def system_text(self) -> str:
        """The system prompt, in either protocol."""
        if self.protocol == "anthropic":
            system = self.body.get("system", "")
            if isinstance(system, list):
                return "".join(part.get("text", "") for part in system)
            return str(system)
        return "".join(
            str(m["content"]) for m in self.body.get("messages", []) if m.get("role") in ("system", "developer")
        )


class ScriptedLLMServer:
    """The server; use as an async context manager."""

    def __init__(self, responder: Callable[[Received], Reply] | None = None) -> None:
        self.responder = responder
        self.requests: list[Received] = []
        self._script: list[Reply] = []
        self._runner: web.AppRunner | None = None
        self.port = 0

    def script(self, *replies: Reply) -> None:
        """Answer the next requests with these replies, in order."""
        self._script.extend(replies)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def openai_url(self) -> str:
        return f"{self.base_url}/v1"

    @property
    def anthropic_url(self) -> str:
        return self.base_url

    async def __aenter__(self) -> ScriptedLLMServer:
        app = web.Application()
        app.router.add_post("/v1/chat/completions", self._openai)
        app.router.add_post("/v1/messages", self._anthropic)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    @staticmethod
    def _error_text(reply: Reply, received: Received) -> str:
        text = reply.text or f"status {reply.status}"
        if reply.echo_credentials:
            echoed = {k: v for k, v in received.headers.items() if k.lower() in ("authorization", "x-api-key")}
            text += f" (request headers: {json.dumps(echoed)})"
        return text

    async def _next(self, received: Received) -> Reply:
        self.requests.append(received)
        if self._script:
            reply = self._script.pop(0)
        elif self.responder is not None:
            reply = self.responder(received)
        else:
            reply = Reply(status=500, text="the scripted server has no more answers")
        if reply.delay_s:
            await asyncio.sleep(reply.delay_s)
        return reply

    async def _openai(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        received = Received("openai", body, dict(request.headers))
        reply = await self._next(received)
        model = body.get("model", "unknown")
        if reply.status != 200:
            kind = "rate_limit_error" if reply.status == 429 else "server_error"
            error = {"error": {"message": self._error_text(reply, received), "type": kind, "code": None}}
            return web.json_response(error, status=reply.status, headers=reply.headers)
        usage = {
            "prompt_tokens": reply.input_tokens,
            "completion_tokens": reply.output_tokens,
            "total_tokens": reply.input_tokens + reply.output_tokens,
        }
        if body.get("stream"):
            response = web.StreamResponse(headers={"Content-Type": "text/event-stream", **reply.headers})
            await response.prepare(request)
            base = {"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 0, "model": model}
            for piece in (reply.text[i : i + 40] for i in range(0, len(reply.text), 40)):
                chunk = {**base, "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}]}
                await response.write(f"data: {json.dumps(chunk)}\n\n".encode())
            last = {**base, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}], "usage": usage}
            await response.write(f"data: {json.dumps(last)}\n\ndata: [DONE]\n\n".encode())
            await response.write_eof()
            return response
        return web.json_response(
            {
                "id": "chatcmpl-1",
                "object": "chat.completion",
                "created": 0,
                "model": model,
                "choices": [
                    {"index": 0, "message": {"role": "assistant", "content": reply.text}, "finish_reason": "stop"}
                ],
                "usage": usage,
            },
            headers=reply.headers,
        )

    async def _anthropic(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        received = Received("anthropic", body, dict(request.headers))
        reply = await self._next(received)
        model = body.get("model", "unknown")
        if reply.status != 200:
            kind = "rate_limit_error" if reply.status == 429 else "api_error"
            error = {"type": "error", "error": {"type": kind, "message": self._error_text(reply, received)}}
            return web.json_response(error, status=reply.status, headers=reply.headers)
        message = {
            "id": "msg_1",
            "type": "message",
            "role": "assistant",
            "model": model,
            "content": [],
            "stop_reason": None,
            "stop_sequence": None,
            "usage": {"input_tokens": reply.input_tokens, "output_tokens": 1},
        }
        if not body.get("stream"):
            message.update(
                content=[{"type": "text", "text": reply.text}],
                stop_reason="end_turn",
                usage={"input_tokens": reply.input_tokens, "output_tokens": reply.output_tokens},
            )
            return web.json_response(message, headers=reply.headers)
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream", **reply.headers})
        await response.prepare(request)

        async def send(event: str, data: dict[str, Any]) -> None:
            await response.write(f"event: {event}\ndata: {json.dumps(data)}\n\n".encode())

        await send("message_start", {"type": "message_start", "message": message})
        await send(
            "content_block_start",
            {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
        )
        for piece in (reply.text[i : i + 40] for i in range(0, len(reply.text), 40)):
            await send(
                "content_block_delta",
                {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": piece}},
            )
        await send("content_block_stop", {"type": "content_block_stop", "index": 0})
        await send(
            "message_delta",
            {
                "type": "message_delta",
                "delta": {"stop_reason": "end_turn", "stop_sequence": None},
                "usage": {"output_tokens": reply.output_tokens},
            },
        )
        await send("message_stop", {"type": "message_stop"})
        await response.write_eof()
        return response


class ThreadedLLMServer:
    """The scripted server on its own event loop in a thread, for synchronous tests (a CLI run owns its loop)."""

    def __init__(self, responder: Callable[[Received], Reply] | None = None) -> None:
        import threading

        self.server = ScriptedLLMServer(responder)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)

    def __enter__(self) -> ScriptedLLMServer:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self.server.__aenter__(), self._loop).result(10)
        return self.server

    def __exit__(self, *exc: object) -> None:
        asyncio.run_coroutine_threadsafe(self.server.__aexit__(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()


class DecodesTogether:
    """A client of the loopback server declared as a provider that decodes answers to one prompt together and
    resamples (as the in-process models are): only what it declares differs, every call still goes to the server."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    @property
    def identity(self) -> Any:
        return self.inner.identity

    @property
    def capabilities(self) -> Any:
        return self.inner.capabilities.model_copy(update={"samples_together": 4, "follows_findings": False})

    async def complete(self, request: Any) -> Any:
        return await self.inner.complete(request)

    async def aclose(self) -> None:
        await self.inner.aclose()
