"""The chat-completions client and LLM story generation, against a small HTTP server started here that speaks
the protocol: well-formed replies, errors, timeouts and malformed bodies."""

import json
import re
import subprocess
import sys
import threading
import time
from collections import Counter
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest

from conftest import JSONHandler
from tinystories.llm import ChatClient, LLMError
from tinystories.synth.llm_stories import generate_with_llm, paper_prompt
from tinystories.synth.story_checks import features_without_sign, missing_words
from tinystories.synth.words import FEATURES, Verb, Vocabulary

# signs of every feature (quoted speech, "cried", "learned", "Suddenly", "warned", "angry"), none of the drawn words
NO_WORDS = 'Suddenly, Ann got angry and cried. "I learned a lesson," she said. Mom had warned her.'


class FakeEndpoint(JSONHandler):
    script: list[str] = []  # what to do with the next requests; then "ok"
    requests: list[dict] = []
    same_story = False
    refuse_formats: tuple[str, ...] = ()  # response_format types refused as llama-cpp-python's server does
    first_without_words = False  # the first answer to each prompt is NO_WORDS
    prompts_seen: set[str] = set()

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeEndpoint.requests.append({"path": self.path, "auth": self.headers.get("Authorization"), **body})
        fmt = body.get("response_format", {}).get("type")
        if fmt in FakeEndpoint.refuse_formats:
            message = f"1 validation error: loc ('body', 'response_format', 'type'), input '{fmt}'"
            return self.reply(500, json.dumps({"error": {"message": message}}).encode())
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
        prompt = body["messages"][0]["content"]
        if FakeEndpoint.first_without_words and prompt not in FakeEndpoint.prompts_seen:
            story = f"{NO_WORDS} ({len(FakeEndpoint.requests)})"  # numbered: no two are the same story
        FakeEndpoint.prompts_seen.add(prompt)
        self.reply(200, json.dumps({"choices": [{"message": {"role": "assistant", "content": story}}]}).encode())


@pytest.fixture
def endpoint():
    FakeEndpoint.script, FakeEndpoint.requests, FakeEndpoint.same_story = [], [], False
    FakeEndpoint.refuse_formats, FakeEndpoint.first_without_words, FakeEndpoint.prompts_seen = (), False, set()
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


def test_structured_output_is_asked_for_in_the_form_the_server_takes(endpoint: str) -> None:
    """OpenAI's json_schema form first; a server that refuses it (llama-cpp-python's answers 422) is asked in the
    json_object form, and a server that takes neither gets plain text; the working form is remembered. A refusal
    is not retried as a server error would be."""
    schema = {"type": "object", "properties": {"x": {"type": "integer"}}}
    c = client(endpoint)
    c.complete("hi")
    assert "response_format" not in FakeEndpoint.requests[-1]  # no schema: plain text
    c.complete("hi", schema=schema, schema_name="x")
    assert FakeEndpoint.requests[-1]["response_format"] == {
        "type": "json_schema",
        "json_schema": {"name": "x", "schema": schema, "strict": True},
    }
    FakeEndpoint.refuse_formats = ("json_schema",)
    before = len(FakeEndpoint.requests)
    c.complete("hi", schema=schema)
    sent = [r["response_format"] for r in FakeEndpoint.requests[before:]]
    assert [f["type"] for f in sent] == ["json_schema", "json_object"] and sent[1]["schema"] == schema
    c.complete("hi", schema=schema)
    assert FakeEndpoint.requests[-1]["response_format"]["type"] == "json_object" and c.form == "json_object"
    FakeEndpoint.refuse_formats = ("json_schema", "json_object")
    c.complete("hi", schema=schema)
    assert "response_format" not in FakeEndpoint.requests[-1] and c.form == "off"

    strict = client(endpoint, structured="json_schema")
    with pytest.raises(LLMError, match="refused response_format json_schema"):
        strict.complete("hi", schema=schema)
    with pytest.raises(LLMError, match="structured=xml: use auto, json_schema, json_object, off"):
        client(endpoint, structured="xml")


def test_generation_is_resumable_and_drops_duplicates(endpoint: str, tmp_path: Path) -> None:
    out = tmp_path / "llm.jsonl"
    report = generate_with_llm(client(endpoint), 5, out, seed=0, concurrency=3, retries=0)
    assert (report.written, report.failed) == (5, 0)
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert sorted(r["index"] for r in records) == list(range(5))
    r = records[0]
    assert set(r) == {"index", "words", "features", "prompt", "story", "missing", "attempts", "model"}
    assert r["model"] == "tiny-llm" and r["attempts"] == 1
    assert r["prompt"] == paper_prompt(*r["words"], tuple(r["features"]))
    assert all(f'"{w}"' in r["prompt"] for w in r["words"]) and "3 year old" in r["prompt"]

    report = generate_with_llm(client(endpoint), 8, out, seed=0, retries=0)  # resume: only the 3 missing are asked
    assert (report.kept, report.written) == (5, 3) and len(FakeEndpoint.requests) == 8

    FakeEndpoint.same_story = True
    report = generate_with_llm(client(endpoint), 3, tmp_path / "dup.jsonl", seed=0, retries=0)
    assert (report.written, report.duplicates) == (1, 2)


def test_stories_are_checked_for_their_words_and_features_and_asked_for_again(endpoint: str, tmp_path: Path) -> None:
    """The stand-in first answers each prompt with a story that has signs of every feature but none of the three
    words, then with one that has the words but no feature signs: the attempt with fewer misses is kept."""
    FakeEndpoint.first_without_words = True
    out = tmp_path / "llm.jsonl"
    report = generate_with_llm(client(endpoint), 6, out, seed=0, retries=1)
    records = sorted((json.loads(line) for line in out.read_text().splitlines()), key=lambda r: r["index"])
    verbs = {v.base: v for v in Vocabulary.with_fraction(1.0).verbs}
    assert not any(set(missing_words(NO_WORDS, verbs[r["words"][0]], *r["words"][1:])) ^ {*r["words"]} for r in records)
    assert not features_without_sign(NO_WORDS, FEATURES) and set(features_without_sign("A story.", FEATURES)) == {
        *FEATURES
    }
    for r in records:
        assert r["attempts"] == 2  # every first attempt missed all three words
        if len(r["features"]) < 3:
            assert r["missing"] == {"words": [], "features": r["features"]} and not r["story"].startswith(NO_WORDS)
        else:
            assert r["missing"] == {"words": r["words"], "features": []} and r["story"].startswith(NO_WORDS)
    assert report.asked_again == 6 and len(FakeEndpoint.requests) == 12
    kept_first = sum(r["story"].startswith(NO_WORDS) for r in records)
    assert report.missing_words == {"verb": kept_first, "noun": kept_first, "adjective": kept_first}
    assert report.no_feature_sign == Counter(f for r in records for f in r["missing"]["features"])
    assert "stories missing an asked-for word" in report.misses()

    FakeEndpoint.requests = []
    report = generate_with_llm(client(endpoint), 2, tmp_path / "once.jsonl", seed=0, retries=0)
    assert len(FakeEndpoint.requests) == 2 and report.missing_words == {"verb": 0, "noun": 0, "adjective": 0}

    FakeEndpoint.requests, FakeEndpoint.prompts_seen, FakeEndpoint.script = [], set(), ["ok", "400"]
    out = tmp_path / "failed-retry.jsonl"
    report = generate_with_llm(client(endpoint), 1, out, seed=0, retries=1)  # the retry is refused
    (r,) = [json.loads(line) for line in out.read_text().splitlines()]
    assert report.failed == 0 and r["attempts"] == 1 and r["story"].startswith(NO_WORDS)


def test_words_are_found_in_any_of_their_forms() -> None:
    run = Verb("run", "ran", "act", double=True)
    assert missing_words("Tom ran to the big trees.", run, "tree", "big") == []
    assert missing_words("Tom is running. He runs.", run, "tree", "big") == ["tree", "big"]
    assert missing_words("The bigger dog saw a street.", run, "tree", "big") == ["run", "tree", "big"]
    cry = Verb("cry", "cried", "act")
    assert missing_words("She cries.", cry, "box", "red") == ["box", "red"]
    assert missing_words("Two boxes, one red.", Verb("wash", "washed", "obj"), "box", "red") == ["wash"]
    assert missing_words("He washes it.", Verb("wash", "washed", "obj"), "box", "red") == ["box", "red"]
    assert features_without_sign('Mia said, "Hello!"', ("Dialogue",)) == []
    assert features_without_sign("Mia said hello.", ("Dialogue", "Twist")) == ["Dialogue", "Twist"]


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
