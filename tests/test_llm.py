"""The chat-completions client and LLM story generation, against a small HTTP server started here that speaks
the protocol: well-formed replies, errors, timeouts and malformed bodies."""

import json
import re
import subprocess
import sys
import threading
import time
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest

from conftest import JSONHandler
from tinystories.llm import ChatClient, LLMError
from tinystories.synth.llm_stories import generate_with_llm, paper_prompt


class FakeEndpoint(JSONHandler):
    script: list[str] = []  # what to do with the next requests; then "ok"
    requests: list[dict] = []
    same_story = False

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeEndpoint.requests.append({"path": self.path, "auth": self.headers.get("Authorization"), **body})
        mode = FakeEndpoint.script.pop(0) if FakeEndpoint.script else "ok"
        if mode.isdigit():
            return self.reply(int(mode), b'{"error": {"message": "scripted failure"}}')
        if mode == "slow":
            time.sleep(1.0)
        if mode == "garbage":
            return self.reply(200, b"<html>not json</html>")
        words = re.findall(r'"(\w[\w ]*)"', body["messages"][0]["content"])
        story = f"Once upon a time there was a story {len(FakeEndpoint.requests)} with the words {', '.join(words)}."
        if FakeEndpoint.same_story:
            story = "Once upon a time there was the same story every time."
        self.reply(200, json.dumps({"choices": [{"message": {"role": "assistant", "content": story}}]}).encode())


@pytest.fixture
def endpoint():
    FakeEndpoint.script, FakeEndpoint.requests, FakeEndpoint.same_story = [], [], False
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeEndpoint)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()
    server.server_close()


def client(url: str, **kw) -> ChatClient:
    return ChatClient(url, "tiny-llm", api_key="sk-test", timeout=0.5, backoff=0.01, **kw)


def test_well_formed_reply(endpoint: str) -> None:
    assert client(endpoint).complete('use "run"').startswith("Once upon a time")
    sent = FakeEndpoint.requests[0]
    assert sent["path"] == "/v1/chat/completions" and sent["auth"] == "Bearer sk-test"
    assert sent["model"] == "tiny-llm" and sent["messages"] == [{"role": "user", "content": 'use "run"'}]


def test_transient_failures_are_retried(endpoint: str) -> None:
    FakeEndpoint.script = ["500", "429", "slow", "garbage"]
    assert "story" in client(endpoint).complete("hi")
    assert len(FakeEndpoint.requests) == 5


def test_client_errors_fail_at_once_and_retries_end(endpoint: str) -> None:
    FakeEndpoint.script = ["400"]
    with pytest.raises(LLMError, match="answered 400: .*scripted failure"):
        client(endpoint).complete("hi")
    assert len(FakeEndpoint.requests) == 1
    FakeEndpoint.script = ["503"] * 10
    with pytest.raises(LLMError, match="gave up after 3 attempts; last error: HTTP 503"):
        client(endpoint, max_retries=2).complete("hi")


def test_generation_is_resumable_and_drops_duplicates(endpoint: str, tmp_path: Path) -> None:
    out = tmp_path / "llm.jsonl"
    report = generate_with_llm(client(endpoint), 5, out, seed=0, concurrency=3)
    assert (report.written, report.failed) == (5, 0)
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert sorted(r["index"] for r in records) == list(range(5))
    r = records[0]
    assert set(r) == {"index", "words", "features", "prompt", "story", "model"} and r["model"] == "tiny-llm"
    assert r["prompt"] == paper_prompt(*r["words"], tuple(r["features"]))
    assert all(f'"{w}"' in r["prompt"] for w in r["words"]) and "3 year old" in r["prompt"]

    report = generate_with_llm(client(endpoint), 8, out, seed=0)  # resume: only the 3 missing are asked for
    assert (report.kept, report.written) == (5, 3) and len(FakeEndpoint.requests) == 8

    FakeEndpoint.same_story = True
    report = generate_with_llm(client(endpoint), 3, tmp_path / "dup.jsonl", seed=0)
    assert (report.written, report.duplicates) == (1, 2)


def synth_with_llm(out: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    """`python -m tinystories.synth backend=openai` with only the given endpoint settings in its environment."""
    cmd = [sys.executable, "-m", "tinystories.synth", "backend=openai", "model=m", f"out={out}", *args]
    return subprocess.run(cmd, capture_output=True, text=True, env={"PATH": "/usr/bin:/bin", **env})


def test_cli_without_an_endpoint_says_how_to_configure_one(tmp_path: Path) -> None:
    proc = synth_with_llm(tmp_path / "o")
    assert proc.returncode == 2 and "Set OPENAI_BASE_URL" in proc.stderr


def test_cli_with_an_endpoint(endpoint: str, tmp_path: Path) -> None:
    out = tmp_path / "llm.jsonl"
    proc = synth_with_llm(out, "n=4", OPENAI_BASE_URL=endpoint)
    assert proc.returncode == 0, proc.stderr
    assert "4 new stories" in proc.stderr and len(out.read_text().splitlines()) == 4
