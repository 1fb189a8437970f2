"""Nothing lost, nothing silent: real signals, checkpoints that are never half-written or stale, a metrics history
that survives a kill and a resume, and one `error:` line (exit code 2) for each mistake a user can make, driven
through `python train.py` as a subprocess."""

from __future__ import annotations

import csv
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import lightning as L
import pytest
import torch
from lightning.pytorch.callbacks import ModelCheckpoint

from conftest import SMOKE, compose_train, train_cmd
from tinystories.batch_plan import plan_batches
from tinystories.errors import ConfigError
from tinystories.resume import resolve_ckpt_path
from tinystories.training import build, run
from tinystories.wandb_files import config, history, read_records, run_ids

SMALL = (*SMOKE, "data.n_train=2000", "data.n_val=200")


def step_of(path: Path) -> int:
    return torch.load(path, map_location="cpu", weights_only=False)["global_step"]


def every_3_steps(folder: Path) -> ModelCheckpoint:
    return ModelCheckpoint(
        folder, filename="at-{step}", auto_insert_metric_name=False, every_n_train_steps=3, save_top_k=-1
    )


class ValidationSteps(L.Callback):
    def __init__(self) -> None:
        self.steps: list[int] = []

    def on_validation_end(self, trainer, pl_module) -> None:
        if trainer.state.fn == "fit":
            self.steps.append(trainer.global_step)


def test_a_resume_with_another_accumulation_validates_on_plan_and_saves_the_last_step(
    tmp_path: Path, smoke_cache: Path
) -> None:
    """As when a 2-process run (accumulation 1) resumes on 1 process (accumulation 2): validations and checkpoints
    stay on the plan's optimizer steps, and last.ckpt ends with the final step though it is no validation step."""
    common = [*SMALL, "logger=none", "global_batch_tokens=2048", "trainer.max_steps=8", "val_every_steps=3"]
    first = build(
        compose_train(tmp_path / "a", [*common, "data.batch_size=32", "ckpt_path=null"], smoke_cache),
        callbacks=[every_3_steps(tmp_path / "at")],
    )
    run(first)
    assert first.trainer.accumulate_grad_batches == 1
    assert step_of(tmp_path / "a" / "run" / "checkpoints" / "last.ckpt") == 8  # the end, not step 6

    seen = ValidationSteps()
    resumed_cfg = [*common, "data.batch_size=16", f"ckpt_path={tmp_path / 'at' / 'at-3.ckpt'}"]
    resumed = build(compose_train(tmp_path / "b", resumed_cfg, smoke_cache), callbacks=[seen])
    run(resumed)
    assert resumed.trainer.accumulate_grad_batches == 2
    assert seen.steps == [6]  # not at 4.5 micro-batch-steps
    assert step_of(tmp_path / "b" / "run" / "checkpoints" / "last.ckpt") == 8


def test_auto_resume_skips_a_damaged_checkpoint_and_names_it(tmp_path: Path, capsys) -> None:
    good = tmp_path / "best-step20.ckpt"
    torch.save({"state_dict": {}, "global_step": 20}, good)
    last = tmp_path / "last.ckpt"
    torch.save({"state_dict": {"w": torch.zeros(1000)}, "global_step": 30}, last)
    last.write_bytes(last.read_bytes()[:-300])  # a save cut short
    assert resolve_ckpt_path("auto", tmp_path) == str(good)
    with pytest.raises(ConfigError, match="last.ckpt cannot be read"):
        resolve_ckpt_path(str(last), tmp_path)
    good.write_bytes(b"not a checkpoint")
    with pytest.raises(ConfigError, match="no checkpoint in .* can be read"):
        resolve_ckpt_path("auto", tmp_path)


def test_the_micro_batch_adapts_so_two_devices_run_the_defaults() -> None:
    plan = plan_batches(global_batch_tokens=2048, micro_batch=8, seq_len=256, devices=2, max_steps=10)
    assert (plan.micro_batch, plan.accumulation) == (4, 1)
    plan = plan_batches(global_batch_tokens=6144, micro_batch=8, seq_len=256, devices=2, max_steps=10)
    assert (plan.micro_batch, plan.accumulation) == (6, 2)
    with pytest.raises(ConfigError, match="not a multiple"):
        plan_batches(global_batch_tokens=1000, micro_batch=8, seq_len=256, devices=2, max_steps=10)


SECOND_SIGNAL = """
import os, signal, sys, time
from tinystories.preemption import Preemption
p = Preemption("unused")
p.on_train_start(None, None)
os.kill(os.getpid(), signal.SIGTERM)
time.sleep(0.2)
print("first:", p.received, flush=True)
os.kill(os.getpid(), signal.SIGTERM)
time.sleep(5)
print("still alive", flush=True)
"""


def test_a_second_signal_exits_at_once() -> None:
    proc = subprocess.run([sys.executable, "-c", SECOND_SIGNAL], capture_output=True, text=True, timeout=60)
    assert proc.stdout.startswith(f"first: {int(signal.SIGTERM)}")  # the first only asked for a stop
    assert "still alive" not in proc.stdout and proc.returncode == -signal.SIGTERM
    assert "SIGTERM received: saving a checkpoint after this step" in proc.stderr


def metric_rows(run_dir: Path) -> list[dict]:
    """metrics.csv without the wall-clock rate, which differs between any two runs."""
    with open(run_dir / "csv" / "metrics.csv", newline="") as f:
        return [{k: v for k, v in row.items() if k != "perf/tokens_per_s"} for row in csv.DictReader(f)]


def wandb_rows(wandb_file: Path) -> list[dict]:
    """A W&B run's history without W&B's own counters and clocks and the wall-clock rate."""
    return [
        {k: v for k, v in r.items() if not k.startswith("_") and k != "perf/tokens_per_s"} for r in history(wandb_file)
    ]


def test_a_killed_and_resumed_run_leaves_the_history_of_an_uninterrupted_one(tmp_path: Path, smoke_cache: Path) -> None:
    settings = [*SMALL, "logger=[csv,wandb]", "trainer.max_steps=80", "val_every_steps=20"]
    settings += ["trainer.log_every_n_steps=5"]
    settings += ["~callbacks.samples", "~callbacks.probes"]
    one_thread = dict(os.environ, OMP_NUM_THREADS="1")  # the same for every run: equal losses to the last digit
    straight_log = open(tmp_path / "straight.log", "w")  # noqa: SIM115 (closed once the run ends)
    straight = subprocess.Popen(  # beside the run that is killed, to save time
        train_cmd(tmp_path / "a", smoke_cache, *settings),
        stderr=straight_log,
        stdout=subprocess.DEVNULL,
        env=one_thread,
    )
    run_dir = tmp_path / "b"
    proc = subprocess.Popen(train_cmd(run_dir, smoke_cache, *settings), stdout=subprocess.DEVNULL, env=one_thread)
    last = run_dir / "checkpoints" / "last.ckpt"
    while not (last.exists() and step_of(last) >= 20) and proc.poll() is None:
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    killed_at = step_of(last)
    assert 20 <= killed_at < 80, "the run ended before it could be killed"
    resumed = subprocess.run(
        train_cmd(run_dir, smoke_cache, *settings), capture_output=True, text=True, timeout=300, env=one_thread
    )
    straight.wait(timeout=300)
    straight_log.close()
    assert straight.returncode == 0, (tmp_path / "straight.log").read_text()[-3000:]
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert f"Restored all states from the checkpoint at {last}" in resumed.stdout + resumed.stderr

    on_disk, expected = metric_rows(run_dir), metric_rows(tmp_path / "a")
    assert [r["step"] for r in on_disk] == [r["step"] for r in expected]  # no gap, no duplicate
    assert on_disk == expected  # the same losses, to the last digit
    assert not list((run_dir / "checkpoints").glob(".*"))  # no temporary left by the killed save

    # W&B offline: two segments of one run id. W&B's service drops what it had not written when the training
    # process is killed; the join takes those rows from the CSV history and gives the uninterrupted run's history.
    assert "python -m tinystories.wandb_join" in resumed.stdout + resumed.stderr
    segments = sorted((run_dir / "wandb").glob("offline-run-*/run-*.wandb"))
    assert len(segments) == 2 and segments[0].name == segments[1].name
    joined = subprocess.run(
        [sys.executable, "-m", "tinystories.wandb_join", str(run_dir)], capture_output=True, text=True, timeout=120
    )
    assert joined.returncode == 0, joined.stderr[-3000:]
    assert f"warning: {segments[0].parent.name} was killed" in joined.stdout
    assert "rows W&B did not write were taken from" in joined.stdout, joined.stdout
    (joined_file,) = (run_dir / "wandb-joined" / "wandb").glob("offline-run-*/run-*.wandb")
    assert f"wandb sync {joined_file.parent}" in joined.stdout and run_ids(joined_file) == run_ids(segments[1])
    (straight_file,) = (tmp_path / "a" / "wandb").glob("offline-run-*/run-*.wandb")
    rows, expected_rows = wandb_rows(joined_file), wandb_rows(straight_file)
    assert [r["trainer/global_step"] for r in rows] == [r["trainer/global_step"] for r in expected_rows]
    assert rows == expected_rows
    assert [r["_step"] for r in history(joined_file)] == list(range(len(rows)))  # W&B's own counter: no restart
    assert config(joined_file)["trainer"]["max_steps"] == 80
    # the checkpoints and the tokenizer the segments logged as artifacts come along, with their aliases
    logged = [r.artifact for r in read_records(joined_file) if r.WhichOneof("record_type") == "artifact"]
    aliases = {(a.type, alias) for a in logged for alias in a.aliases}
    assert {("model", "best"), ("model", "latest"), ("tokenizer", "latest")} <= aliases, aliases
    assert "artifact version(s) (checkpoints, tokenizer) logged again into the joined run" in joined.stdout


@pytest.fixture(scope="module")
def trained_run(tmp_path_factory, smoke_cache: Path) -> Path:
    """A run dir with a checkpoint, trained on the smoke job."""
    run_dir = tmp_path_factory.mktemp("trained")
    cfg = compose_train(run_dir, [*SMALL, "logger=none", "trainer.max_steps=2", "ckpt_path=null"], smoke_cache)
    run(build(cfg))
    return run_dir / "run"


def _fill_the_disk(limit: int):
    def limit_file_size() -> None:  # as a full disk does: a write past the limit fails (EFBIG, not a signal)
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return limit_file_size


def test_each_user_error_is_one_line_and_exit_code_2(tmp_path: Path, smoke_cache: Path, trained_run: Path) -> None:
    truncated = tmp_path / "truncated.ckpt"
    truncated.write_bytes((trained_run / "checkpoints" / "last.ckpt").read_bytes()[:5000])
    resumable, other_vocab = tmp_path / "resumable", tmp_path / "other-vocab"
    shutil.copytree(trained_run, resumable)
    shutil.copytree(trained_run, other_vocab)
    cases = {  # name: (overrides, what the line says, run dir, a limit on file sizes)
        "negative lr": (["module.lr=-1"], "module.lr=-1 cannot train", None, None),
        "wrong type": (["trainer.max_steps=abc"], "trainer.max_steps='abc' is not a valid value", None, None),
        "empty value": (["model.n_layer="], "model.n_layer='' is not a valid value: the model takes int", None, None),
        "bad shape": (["model.n_head=5"], "d_model", None, None),
        "other shape on resume": (["model.n_layer=3"], "model.n_layer=3 (checkpoint: 2)", resumable, None),
        "other vocabulary on resume": (
            ["tokenizer.vocab_size=600"],
            "the checkpoint's model has a 512-token vocabulary, but the configured tokenizer has 600",
            other_vocab,
            None,
        ),
        "unreadable checkpoint": ([f"ckpt_path={truncated}"], f"checkpoint {truncated} cannot be read", None, None),
        "diverging": (["module.lr=1e4", "module.warmup_steps=0"], "the gradients are nan at step", None, None),
        "disk full": ([], "the disk is full or over quota", None, 64_000),
    }
    procs, one_thread = {}, dict(os.environ, OMP_NUM_THREADS="1")  # nine processes side by side on few cores
    for name, (overrides, _, run_dir, limit) in cases.items():
        run_dir = run_dir or tmp_path / name.replace(" ", "-")
        cache = tmp_path / "empty-cache" if limit else smoke_cache
        cmd = train_cmd(run_dir, cache, *SMALL, "logger=csv", "trainer.max_steps=40", "val_every_steps=20", *overrides)
        preexec = _fill_the_disk(limit) if limit else None
        procs[name] = subprocess.Popen(
            cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=preexec, env=one_thread
        )
    wrong = []
    for name, proc in procs.items():
        _, err = proc.communicate(timeout=300)
        last = err.strip().splitlines()[-1] if err.strip() else ""
        if proc.returncode != 2 or not last.startswith("error: ") or cases[name][1] not in last or "Traceback" in err:
            wrong.append(f"--- {name}: exit {proc.returncode}\n{err[-2000:]}")
    assert not wrong, "\n".join(wrong)
    assert step_of(resumable / "checkpoints" / "last.ckpt") == 2  # a refused resume leaves the checkpoint alone


def test_the_module_refuses_a_checkpoint_of_another_shape_when_it_loads() -> None:
    """The check behind train.py's early one (which sees only the config): the weights themselves."""
    from tinystories.module import LanguageModel

    shape = {"family": "llama", "d_model": 32, "n_layer": 2, "n_head": 4}
    saved = LanguageModel(shape, vocab_size=300)
    checkpoint = {"state_dict": saved.state_dict(), "hyper_parameters": dict(saved.hparams)}
    with pytest.raises(
        ConfigError, match=r"9 tensors differ, e\.g\. model\.blocks\.2\..*model\.n_layer=3 \(checkpoint: 2\)"
    ):
        LanguageModel({**shape, "n_layer": 3}, vocab_size=300).on_load_checkpoint(checkpoint)
    with pytest.raises(ConfigError, match="a 300-token vocabulary, but the configured tokenizer has 400"):
        LanguageModel(shape, vocab_size=400).on_load_checkpoint(checkpoint)


def test_the_early_shape_check_compares_shapes_not_spellings() -> None:
    from tinystories.resume import check_checkpoint_fits

    shape = {"family": "llama", "d_model": 32, "n_layer": 2, "n_head": 4, "n_kv_head": 2, "multiple_of": 4}
    checkpoint = {"hyper_parameters": {"model": shape, "vocab_size": 512}}
    check_checkpoint_fits(checkpoint, {**shape, "dropout": 0.1}, 512)  # not a shape
    check_checkpoint_fits(checkpoint, {**shape, "d_ff": 88, "multiple_of": 8}, 512)  # the same d_ff, spelt out
    with pytest.raises(ConfigError, match=r"\(model\.d_ff=64 \(checkpoint: 88\)\)"):
        check_checkpoint_fits(checkpoint, {**shape, "d_ff": 64}, 512)
