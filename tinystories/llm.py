"""A small client for OpenAI-compatible chat-completions endpoints: story generation with an LLM (as the paper
made its data) and grading of generated stories both go through it.

Standard library only (urllib), so it adds no dependency. Transient failures (timeouts, connection errors, 408,
409, 429 and 5xx replies, malformed bodies) are retried with exponential backoff; other errors fail at once.

A reply can be held to a JSON schema where the server offers it. Servers spell the request differently: OpenAI and
vLLM take `{"type": "json_schema", "json_schema": {...}}`, llama-cpp-python's server takes `{"type": "json_object",
"schema": {...}}`, and llama.cpp's own server takes both. With `structured="auto"` the client asks in OpenAI's form
first and, when a server refuses the form (an error reply about the response format), in the next one, down to
plain text; the form that worked is kept for the client's later requests.
"""

from __future__ import annotations

import json
import os
import random
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field

from tinystories.errors import TinyStoriesError

DEFAULT_BASE_URL = "https://api.openai.com/v1"
RETRYABLE_STATUS = {408, 409, 429}
STRUCTURED_FORMS = ("json_schema", "json_object", "off")


def response_format(form: str, schema: dict, name: str) -> dict | None:
    """The request's `response_format` for a JSON schema, in one server family's spelling (None: plain text)."""
    if form == "json_schema":
        return {"type": "json_schema", "json_schema": {"name": name, "schema": schema, "strict": True}}
    if form == "json_object":
        return {"type": "json_object", "schema": schema}
    return None


def check_structured(value: str) -> None:
    """`structured` must name one of the ways to ask (auto tries them in turn)."""
    if value not in ("auto", *STRUCTURED_FORMS):
        raise LLMError(f"structured={value}: use auto, {', '.join(STRUCTURED_FORMS)}")


def refuses_format(status: int, detail: str) -> bool:
    """Whether an error reply says that the server does not take this spelling of `response_format`.
    llama-cpp-python's server answers a validation error about `response_format` with a 500, others with 400/422."""
    detail = detail.lower()
    return status in (400, 422, 500) and ("response_format" in detail or (status != 500 and "schema" in detail))


class LLMError(TinyStoriesError):
    """The endpoint is not configured, or a request failed for good."""


@dataclass
class ChatClient:
    base_url: str
    model: str
    api_key: str | None = None
    timeout: float = 60.0
    max_retries: int = 5
    backoff: float = 1.0  # seconds before the first retry; doubled each time, with jitter
    structured: str = "auto"  # auto | json_schema | json_object | off: how to ask for a reply that fits a schema
    form: str = field(init=False)  # the spelling asked for next; auto moves it on when a server refuses one

    def __post_init__(self) -> None:
        check_structured(self.structured)
        self.form = STRUCTURED_FORMS[0] if self.structured == "auto" else self.structured

    @classmethod
    def from_env(cls, model: str, **kwargs) -> ChatClient:
        """Endpoint from OPENAI_BASE_URL (default: OpenAI's own) and key from OPENAI_API_KEY."""
        base_url, key = os.environ.get("OPENAI_BASE_URL"), os.environ.get("OPENAI_API_KEY")
        if not base_url and not key:
            raise LLMError(
                "no LLM endpoint is configured. Set OPENAI_BASE_URL to an OpenAI-compatible API "
                "(e.g. http://localhost:8000/v1 for a local vLLM or llama.cpp server) and, if it needs one, "
                "OPENAI_API_KEY; for OpenAI itself, OPENAI_API_KEY alone is enough"
            )
        return cls(base_url=(base_url or DEFAULT_BASE_URL).rstrip("/"), model=model, api_key=key, **kwargs)

    def complete(
        self,
        prompt: str,
        temperature: float = 1.0,
        max_tokens: int = 800,
        schema: dict | None = None,
        schema_name: str = "reply",
    ) -> str:
        """The assistant's reply to one user message; with `schema`, asked to fit it where the server offers
        structured output (the reply is still text: the caller parses and checks it)."""
        while True:
            form = self.form
            fmt = None if schema is None else response_format(form, schema, schema_name)
            try:
                return self._post(prompt, temperature, max_tokens, fmt)
            except _FormRefused as e:
                if self.structured != "auto":
                    raise LLMError(f"{e} (structured=auto tries the other forms)") from None
                self.form = STRUCTURED_FORMS[STRUCTURED_FORMS.index(form) + 1]

    def _post(self, prompt: str, temperature: float, max_tokens: int, fmt: dict | None) -> str:
        request_body = {
            "model": self.model,
            "messages": [{"role": "user", "content": prompt}],
            "temperature": temperature,
            "max_tokens": max_tokens,
        }
        if fmt is not None:
            request_body["response_format"] = fmt
        body = json.dumps(request_body).encode()
        headers = {"Content-Type": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        last_error = ""
        for attempt in range(self.max_retries + 1):
            if attempt:
                time.sleep(self.backoff * 2 ** (attempt - 1) * (1 + random.random()))
            request = urllib.request.Request(f"{self.base_url}/chat/completions", body, headers, method="POST")
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as reply:
                    data = json.loads(reply.read())
                content = data["choices"][0]["message"]["content"]
                if not isinstance(content, str):
                    raise TypeError("content is not text")
                return content
            except urllib.error.HTTPError as e:
                detail = e.read().decode(errors="replace")[:300]
                if fmt is not None and refuses_format(e.code, detail):
                    raise _FormRefused(f"{self.base_url} refused response_format {fmt['type']}: {detail}") from None
                if e.code not in RETRYABLE_STATUS and e.code < 500:
                    raise LLMError(f"{self.base_url} answered {e.code}: {detail}") from None
                last_error = f"HTTP {e.code}: {detail}"
            except (urllib.error.URLError, TimeoutError, ConnectionError) as e:
                last_error = f"{type(e).__name__}: {getattr(e, 'reason', e)}"
            except (ValueError, KeyError, IndexError, TypeError) as e:
                last_error = f"malformed reply ({type(e).__name__}: {e})"
        raise LLMError(f"{self.base_url}: gave up after {self.max_retries + 1} attempts; last error: {last_error}")


class _FormRefused(Exception):
    """The server does not take this spelling of `response_format`."""
