"""A small client for OpenAI-compatible chat-completions endpoints: story generation with an LLM (as the paper
made its data) and grading of generated stories both go through it.

Standard library only (urllib), so it adds no dependency. Transient failures (timeouts, connection errors, 408,
409, 429 and 5xx replies, malformed bodies) are retried with exponential backoff; other errors fail at once.
"""

from __future__ import annotations

import json
import os
import random
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

from tinystories.errors import TinyStoriesError

DEFAULT_BASE_URL = "https://api.openai.com/v1"
RETRYABLE_STATUS = {408, 409, 429}


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

    def complete(self, prompt: str, temperature: float = 1.0, max_tokens: int = 800) -> str:
        """The assistant's reply to one user message."""
        body = json.dumps(
            {
                "model": self.model,
                "messages": [{"role": "user", "content": prompt}],
                "temperature": temperature,
                "max_tokens": max_tokens,
            }
        ).encode()
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
                if e.code not in RETRYABLE_STATUS and e.code < 500:
                    raise LLMError(f"{self.base_url} answered {e.code}: {detail}") from None
                last_error = f"HTTP {e.code}: {detail}"
            except (urllib.error.URLError, TimeoutError, ConnectionError) as e:
                last_error = f"{type(e).__name__}: {getattr(e, 'reason', e)}"
            except (ValueError, KeyError, IndexError, TypeError) as e:
                last_error = f"malformed reply ({type(e).__name__}: {e})"
        raise LLMError(f"{self.base_url}: gave up after {self.max_retries + 1} attempts; last error: {last_error}")
