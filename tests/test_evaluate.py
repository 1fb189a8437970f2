"""`python -m tinystories.evaluate` on a checkpoint, and LLM grading against a small HTTP server started here that
speaks the chat-completions protocol: good grades, unreadable grades, timeouts and HTTP errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest

from conftest import JSONHandler, make_checkpoint
from tinystories.eval.grading import GRADE_SCHEMA, grade_completions, parse_grade
from tinystories.llm import ChatClient
from tinystories.wandb_files import history, summary

GOOD = 'Fine work.\n{"grammar": 8, "creativity": 6, "consistency": 7, "plot": 5, "age_group": "B: 4-5"}'


class Grader(JSONHandler):
    replies: dict[str, str] = {}  # a word in the story beginning -> what to answer: good, prose, range, slow, 400
    requests: list[dict] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        Grader.requests.append(body)
        prompt = body["messages"][0]["content"]
        mode = next((m for word, m in Grader.replies.items() if word in prompt), "good")
        if mode == "400":
            return self.reply(400, b'{"error": {"message": "bad request"}}')
        if mode == "slow":
            time.sleep(1.0)
        content = {
            "good": GOOD,
            "prose": "A lovely story, I would give it an eight.",
            "range": '{"grammar": 12, "creativity": 6, "consistency": 7, "plot": 5, "age_group": "B"}',
        }.get(mode, GOOD)
        self.reply(200, json.dumps({"choices": [{"message": {"role": "assistant", "content": content}}]}).encode())


@pytest.fixture
def grader():
    Grader.replies, Grader.requests = {}, []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Grader)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()
    server.server_close()


def test_grades_and_failures_are_reported_per_prompt(grader: str) -> None:
    Grader.replies = {"prose": "prose", "range": "range", "slow": "slow", "refused": "400"}
    client = ChatClient(grader, "grader", timeout=0.3, max_retries=1, backoff=0.01)
    completions = {f"A story about {w}.": " The end." for w in ("cats", "prose", "range", "slow", "refused")}
    grades = grade_completions(client, completions)
    assert grades.scores["A story about cats."] == {
        "grammar": 8.0,
        "creativity": 6.0,
        "consistency": 7.0,
        "plot": 5.0,
        "age_group": "B",
    }
    assert set(grades.failures) == {f"A story about {w}." for w in ("prose", "range", "slow", "refused")}
    assert "no JSON object" in grades.failures["A story about prose."]
    assert "grammar is 12" in grades.failures["A story about range."]
    assert "gave up after 2 attempts" in grades.failures["A story about slow."]
    assert "answered 400" in grades.failures["A story about refused."]
    assert grades.means() == {"grammar": 8.0, "creativity": 6.0, "consistency": 7.0, "plot": 5.0}


def test_parse_grade_takes_the_last_json_object() -> None:
    reply = 'Example: {"grammar": 1}\nMy grade:\n' + GOOD.split("\n")[1]
    assert parse_grade(reply)["grammar"] == 8.0


@pytest.mark.parametrize(
    "reply, expected",
    [
        ("Grammar: 8/10, Creativity: 7/10, Consistency: 9/10, Plot: 8/10. Age group: C (6-7)", (8, 7, 9, 8, "C")),
        (
            "The grammar is good.\n**Grammar**: 8\n**Creativity**: 6 out of 10\nConsistency with the beginning: "
            "7/10\nPlot - 5\nI guess the age group is B.",
            (8, 6, 7, 5, "B"),
        ),
        ("grammar 9/10, creativity 8 / 10, consistency 7/10, plot 6/10; age group: 4-5", (9, 8, 7, 6, "B")),
    ],
)
def test_parse_grade_reads_the_papers_free_text_format(reply: str, expected: tuple) -> None:
    grade = parse_grade(reply)
    assert tuple(grade[c] for c in ("grammar", "creativity", "consistency", "plot", "age_group")) == expected


@pytest.mark.parametrize(
    "reply, why",
    [
        ("Grammar: 8/10, Creativity: 7/10, Plot: 8/10. Age group: C", "no consistency score"),
        ("Grammar: 8/10, Creativity: 7/10, Consistency: 9/10, Plot: 8/10.", "no age group"),
        ("Grammar: 18/10, Creativity: 7/10, Consistency: 9/10, Plot: 8/10. Age group: C", "grammar is 18.0"),
    ],
)
def test_unreadable_free_text_grades_say_what_is_missing(reply: str, why: str) -> None:
    with pytest.raises(ValueError, match=why):
        parse_grade(reply)


def test_grades_are_asked_for_as_json_that_fits_the_schema(grader: str) -> None:
    grade_completions(ChatClient(grader, "grader", max_retries=0), {"A story about cats.": " The end."})
    fmt = Grader.requests[-1]["response_format"]
    assert fmt["type"] == "json_schema" and fmt["json_schema"]["schema"] == GRADE_SCHEMA
    assert GRADE_SCHEMA["required"] == ["assessment", "grammar", "creativity", "consistency", "plot", "age_group"]


def evaluate(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith("OPENAI_")}
    return subprocess.run(
        [sys.executable, "-m", "tinystories.evaluate", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**base, **(env or {})},
    )


def test_evaluate_a_checkpoint_without_and_with_a_grader(tmp_path: Path, grader: str) -> None:
    shape = dict(family="llama", d_model=32, n_layer=2, n_head=4, n_kv_head=2, max_seq_len=64)
    ckpt = make_checkpoint(tmp_path / "run", shape)
    common = [f"ckpt={ckpt}", "max_stories=20", "max_new_tokens=16", "greedy_tokens=4"]

    proc = evaluate(*common, "probes=false")  # the probes are scored once, in the second run
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "LLM grading skipped: no LLM endpoint is configured" in proc.stdout
    results = json.loads((tmp_path / "run" / "eval" / "last.json").read_text())
    lm = results["language_modeling"]
    assert lm["perplexity"] == pytest.approx(2.718281828 ** lm["loss"], rel=1e-6) and lm["bpb"] > 0
    assert "probes" not in results and "probe all" not in proc.stdout
    assert len(results["samples"]) == 12 and 0 <= results["quality"]["ended"] <= 1
    for line in ("bits/byte", "distinct-2"):
        assert line in proc.stdout

    out = tmp_path / "graded.json"
    Grader.replies = {"lost her favorite doll": "prose"}
    proc = evaluate(*common, f"out={out}", "wandb=true", env={"OPENAI_BASE_URL": grader, "WANDB_DIR": str(tmp_path)})
    assert proc.returncode == 0, proc.stderr[-3000:]
    results = json.loads(out.read_text())
    assert results["probes"]["all"]["n"] >= 1000 and set(results["probes"]) >= {"grammar", "consistency", "all"}
    assert "probe grammar" in proc.stdout and "probe all" in proc.stdout
    grades = results["grades"]
    assert len(grades["scores"]) == 11 and len(grades["failures"]) == 1
    assert grades["means"]["grammar"] == 8.0 and "LLM grades: grammar 8.0" in proc.stdout
    assert "LLM grading failed for 1 prompt(s)" in proc.stdout
    (wandb_run,) = (tmp_path / "wandb").glob("offline-run-*/run-*.wandb")
    table = next(r["eval/samples"] for r in history(wandb_run) if "eval/samples" in r)
    table_json = json.loads((wandb_run.parent / "files" / table["path"]).read_text())
    assert table_json["columns"][:3] == ["prompt", "completion", "grammar"] and len(table_json["data"]) == 12
    assert summary(wandb_run)["probe/all"] == results["probes"]["all"]["accuracy"]


@pytest.mark.parametrize(
    "args, message",
    [
        ([], "name one model: ckpt=PATH"),
        (["ckpt=/no/such.ckpt"], "/no/such.ckpt is neither a checkpoint file nor a Hugging Face model directory"),
        (["ckpt={ckpt}", "prompts=paper"], "could not load the paper's prompts"),
        (["ckpt={ckpt}", "colour=blue"], "unknown setting 'colour'"),
        (["ckpt={ckpt}", "structured=xml"], "structured=xml: use auto, json_schema, json_object, off"),
    ],
)
def test_bad_arguments_get_one_clear_error(tmp_path: Path, args: list[str], message: str) -> None:
    ckpt = make_checkpoint(tmp_path / "run", dict(family="llama", d_model=16, n_layer=1, n_head=2, max_seq_len=32))
    proc = evaluate(*(a.format(ckpt=ckpt) for a in args), env={"HF_HUB_OFFLINE": "1"})
    assert proc.returncode == 2 and message in proc.stderr and "Traceback" not in proc.stderr
