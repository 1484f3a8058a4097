"""Keys out of provider messages (the configured key wherever it appears, and anything key-shaped: ``sk-...``,
``sk-ant-...``, ``Bearer <token>``, ``x-api-key: ...``, a long token after a key-ish word), and secrets out of the
file text and sandbox output that go into prompts (:func:`redact_code`).

Providers and proxies sometimes repeat the request's Authorization header in an error body; nodegen shows, logs,
stores and sends back such messages, so every message from a provider passes through :func:`redact` before it
becomes an ``LLMError`` (and the CLI and the store apply it once more as a last line of defence).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from urllib.parse import quote

MASK = "***"
_MIN_SECRET_LENGTH = 8  # shorter "keys" (ollama's placeholder "ollama") are no secret, and would mask ordinary words
_TOKEN = r"[A-Za-z0-9._~+/=\-]"  # noqa: S105 - the characters of a token, not one
_END = r"[A-Za-z0-9_=]"  # a token does not end with the full stop of the sentence around it
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # Authorization: Bearer <token>, whatever surrounds it
    (re.compile(rf"\b(Bearer)(\s+){_TOKEN}{{5,}}{_END}", re.IGNORECASE), rf"\1\2{MASK}"),
    # OpenAI (sk-..., sk-proj-...) and Anthropic (sk-ant-...) keys
    (re.compile(rf"\bsk-(?:ant-)?{_TOKEN}{{7,}}{_END}"), MASK),
    # a credential header or field: x-api-key: ..., "api_key": "...", token=..., password: ...
    (
        re.compile(
            r"""\b((?:x-)?api[-_]?key|authorization|access[-_]?token|auth[-_]?token|secret[-_]?key|client[-_]?secret|"""
            rf"""password|passwd|token|secret)(["']?\s*[:=]\s*["']?)(?!Bearer\b|\*\*\*){_TOKEN}{{5,}}{_END}""",
            re.IGNORECASE,
        ),
        rf"\1\2{MASK}",
    ),
    # a long hex or base64 run after a key-ish word without a separator ("api key 3f9a...", "key AKIA...")
    (
        re.compile(
            rf"\b(key|token|secret|credential)(s?\s+)(?=[A-Za-z0-9+/=_\-]*\d){_TOKEN}{{23,}}{_END}", re.IGNORECASE
        ),
        rf"\1\2{MASK}",
    ),
)


_CODE_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    *_PATTERNS[:2],  # Bearer tokens and sk- keys, wherever they stand
    # a string literal given to a secret-named name: API_KEY = "...", "db_password": '...', token="..."
    (
        re.compile(
            r"""(\b\w*(?:api_?key|secret|token|passw(?:or)?d|passwd|pwd|credential)\w*['"]?\s*[:=]\s*[rbuRBU]?"""
            r"""(['"]))[^'"\n]{4,}(\2)""",
            re.IGNORECASE,
        ),
        rf"\1{MASK}\3",
    ),
    (re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"), MASK),  # AWS access key ids
    (re.compile(r"(\b[a-z][a-z0-9+.-]*://[^\s:/@'\"]+:)[^\s@/'\"]{3,}(@)"), rf"\1{MASK}\2"),  # scheme://user:pass@
)


def redact_code(text: str) -> str:
    """Source text (and what its run printed) with the secrets it holds replaced by ``***``: key-shaped strings,
    string literals given to secret-named names, AWS key ids and passwords in URLs. Narrower than :func:`redact`,
    which masks any word after "token", so that code stays code: this is what file text and sandbox output pass
    before they go into a prompt."""
    for pattern, replacement in _CODE_PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def _forms(secret: str) -> set[str]:
    """The secret as it may appear in a message: as is, JSON-escaped, URL-quoted."""
    return {secret, json.dumps(secret)[1:-1], quote(secret, safe="")}


def redact(text: str, secrets: Iterable[str | None] = ()) -> str:
    """``text`` with each of ``secrets`` (the configured keys) and anything key-shaped replaced by ``***``."""
    known = sorted(
        {form for secret in secrets if secret and len(secret) >= _MIN_SECRET_LENGTH for form in _forms(secret)},
        key=len,
        reverse=True,
    )
    for secret in known:
        text = text.replace(secret, MASK)
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


__all__ = ["MASK", "redact", "redact_code"]
