"""Shared fixtures. Tests run offline: W&B writes offline run files, and the Hugging Face hub is unreachable."""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import sys
import tempfile
from http.server import BaseHTTPRequestHandler
from pathlib import Path

os.environ["WANDB_MODE"] = "offline"
os.environ["WANDB_SILENT"] = "true"
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["HF_DATASETS_OFFLINE"] = "1"
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
# wandb stages an offline run's artifacts (logged checkpoints) here for `wandb sync`: not in the user's home
os.environ["WANDB_DATA_DIR"] = tempfile.mkdtemp(prefix="wandb-data-")
atexit.register(shutil.rmtree, os.environ["WANDB_DATA_DIR"], ignore_errors=True)

import pytest  # noqa: E402
from omegaconf import DictConfig  # noqa: E402

from tinystories.resolvers import register_resolvers  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SHARED_SAMPLE = ROOT.parent / "shared" / "data" / "tinystories-valid-sample.txt"
SMOKE = ("experiment=smoke", "model=llama-40k")  # the whole path in seconds: a short job on the smallest preset

register_resolvers()


@pytest.fixture
def shared_sample() -> Path:
    """The real TinyStories validation sample in ../shared/data, or a skip where that folder is absent."""
    if not SHARED_SAMPLE.exists():
        pytest.skip(f"{SHARED_SAMPLE} is not here")
    return SHARED_SAMPLE


def compose_train(tmp_path: Path, overrides: list[str] = (), cache_dir: Path | None = None) -> DictConfig:
    """conf/train.yaml composed through Hydra's compose API, with the run dir (and, unless `cache_dir` names a
    shared one, the cache) under `tmp_path`."""
    from tinystories.training import compose

    return compose(overrides, tmp_path / "run", cache_dir or tmp_path / "cache")


def train_cmd(run_dir: Path, cache_dir: Path, *overrides: str) -> list[str]:
    return [
        sys.executable,
        str(ROOT / "train.py"),
        f"hydra.run.dir={run_dir}",
        f"paths.cache_dir={cache_dir}",
        *overrides,
    ]


def run_train(run_dir: Path, cache_dir: Path, *overrides: str, timeout: int = 300) -> subprocess.CompletedProcess:
    """`python train.py` as a user runs it, in a subprocess."""
    return subprocess.run(
        train_cmd(run_dir, cache_dir, *overrides),
        cwd=run_dir.parent,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=os.environ.copy(),
    )


def run_trains_side_by_side(
    runs: dict[str, tuple[Path, Path, list[str]]], timeout: int = 300
) -> dict[str, subprocess.CompletedProcess]:
    """Several `python train.py` subprocesses at once, one thread each: a test of many short runs (each mostly
    start-up) takes about as long as its slowest one instead of their sum."""
    env = dict(os.environ, OMP_NUM_THREADS="1")
    procs = {}
    for name, (run_dir, cache_dir, overrides) in runs.items():
        cmd = train_cmd(run_dir, cache_dir, *overrides)
        procs[name] = (
            cmd,
            subprocess.Popen(
                cmd, cwd=run_dir.parent, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
            ),
        )
    done = {}
    for name, (cmd, proc) in procs.items():
        out, err = proc.communicate(timeout=timeout)
        done[name] = subprocess.CompletedProcess(cmd, proc.returncode, out, err)
    return done


@pytest.fixture(scope="session")
def smoke_cache(tmp_path_factory) -> Path:
    """One token cache shared by the subprocess runs of the smoke experiment."""
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(scope="session")
def trained_run(tmp_path_factory, smoke_cache) -> Path:
    """One short real run (`python train.py`, W&B offline with its default log_model) whose run dir several tests
    read: checkpoints, W&B records and artifacts, exports. Trained from the folder returned, as a user would."""
    root = tmp_path_factory.mktemp("trained")
    proc = run_train(root / "run", smoke_cache, *SMOKE, "logger=wandb", "trainer.max_steps=30", "val_every_steps=20")
    assert proc.returncode == 0, proc.stderr[-3000:]
    return root / "run"


def generate_stories(n: int, seed: int, stream: str = "train") -> list[str]:
    """The text of `n` built-in stories; the same arguments always give the same stories."""
    from tinystories.synth import StoryGenerator

    return [s.text for s in StoryGenerator().stories(n, seed, stream)]


def make_checkpoint(run_dir: Path, shape: dict) -> Path:
    """A run dir as training leaves it (checkpoints/last.ckpt and tokenizer/), for a small random model."""
    import lightning as L
    import torch

    from tinystories.data.tokenizer import TrainBPE
    from tinystories.module import LanguageModel

    stories = generate_stories(200, seed=0)
    tok = TrainBPE(vocab_size=300).build(lambda: iter(stories))
    tok.save(run_dir / "tokenizer")
    torch.manual_seed(0)
    module = LanguageModel(shape, vocab_size=tok.vocab_size)
    with torch.no_grad():
        for p in module.parameters():
            p.add_(torch.randn_like(p) * 0.05)
    path = run_dir / "checkpoints" / "last.ckpt"
    path.parent.mkdir(parents=True)
    state = {"state_dict": module.state_dict(), "hyper_parameters": dict(module.hparams)}
    torch.save({**state, "pytorch-lightning_version": L.__version__}, path)
    return path


class JSONHandler(BaseHTTPRequestHandler):
    """The part of a stand-in chat-completions server that every test server shares: quiet, JSON replies."""

    def log_message(self, *args) -> None:
        pass

    def reply(self, status: int, payload: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        try:
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting
