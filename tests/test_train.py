"""`python train.py` as a user runs it: a subprocess on the real conf/, offline."""

import csv
import json
import math
import subprocess
import sys
from pathlib import Path

import lightning as L
import pytest

from conftest import ROOT, SMOKE, compose_train, run_train, run_trains_side_by_side
from tinystories.training import build, run
from tinystories.wandb_files import config, history, run_ids


def val_losses(run_dir: Path) -> list[float]:
    with open(run_dir / "csv" / "metrics.csv") as f:
        return [float(r["val/loss"]) for r in csv.DictReader(f) if r["val/loss"]]


def train_losses(run_dir: Path) -> list[float]:
    with open(run_dir / "csv" / "metrics.csv") as f:
        return [float(r["train/loss"]) for r in csv.DictReader(f) if r.get("train/loss")]


def test_train_end_to_end(tmp_path: Path, smoke_cache: Path) -> None:
    run_dir = tmp_path / "run"
    proc = run_train(run_dir, smoke_cache, *SMOKE)
    assert proc.returncode == 0, proc.stderr[-3000:]

    config_text = (run_dir / "config.yaml").read_text()
    assert "${" not in config_text and "family: llama" in config_text  # resolved
    assert (run_dir / "tokenizer" / "tokenizer.json").is_file()
    assert (run_dir / "checkpoints" / "last.ckpt").is_file()
    assert list((run_dir / "checkpoints").glob("best-step*.ckpt"))
    samples = (run_dir / "samples.md").read_text()
    assert "## Step 200" in samples and "Once upon a time" in samples

    summary = json.loads((run_dir / "summary.json").read_text())
    assert summary["tokens_seen"] == 204_800 and summary["train_seconds"] > 0
    losses = val_losses(run_dir)
    assert losses[-1] < 0.7 * math.log(512), losses  # from about ln(vocab) at initialization
    for line in ("Run summary", "parameters", "tokens seen      204,800", "val loss", "tokens/s", str(run_dir)):
        assert line in proc.stdout
    assert "Sample stories at step 200" in proc.stdout
    # A quiet console: no adverts, no hints that do not apply; the log, summary included, in train.log.
    assert "Tip:" not in proc.stderr and "srun" not in proc.stderr and "LeafSpec" not in proc.stderr
    log = (run_dir / "train.log").read_text()
    for line in ("Batch: 1,024 tokens per step", "Model: llama", "Sample stories at step 200", "Run summary"):
        assert line in log, line


def test_resume_continues_steps_and_the_wandb_run(tmp_path: Path, smoke_cache: Path) -> None:
    run_dir = tmp_path / "run"
    first = run_train(run_dir, smoke_cache, *SMOKE, "logger=wandb", "trainer.max_steps=20")
    assert first.returncode == 0, first.stderr[-3000:]
    assert "anonymous setting" not in first.stdout + first.stderr  # a W&B warning about what Lightning passes
    assert "Epoch 0: 100%" in first.stdout and "v_num" not in first.stdout  # the bar, without W&B's run id
    peak = "callbacks.throughput.peak_flops=1e9"  # a CPU has no published peak: MFU against a given one
    second = run_train(run_dir, smoke_cache, *SMOKE, "logger=wandb", "trainer.max_steps=40", "ckpt_path=auto", peak)
    assert second.returncode == 0, second.stderr[-3000:]
    assert "tokens seen      40,960" in second.stdout  # 40 steps of 1,024 tokens, half of them before the resume

    runs = sorted((run_dir / "wandb").glob("offline-run-*/run-*.wandb"))
    assert len(runs) == 2 and run_ids(runs[0]) == run_ids(runs[1])  # the same W&B run continues
    steps_before = [r["trainer/global_step"] for r in history(runs[0]) if "trainer/global_step" in r]
    steps_after = [r["trainer/global_step"] for r in history(runs[1]) if "trainer/global_step" in r]
    # The step axis continues (Lightning counts the first step after resuming from a last.ckpt written at a
    # validation as the checkpoint's own last step, so that one step may repeat).
    assert min(steps_after) >= max(steps_before) - 1 and max(steps_after) >= 38

    rated = [r for r in history(runs[1]) if "perf/mfu" in r]
    assert rated and not any("perf/mfu" in r for r in history(runs[0]))
    for r in rated:  # MFU = tokens/s x FLOPs per token / peak
        flops_per_token = r["perf/flops"] / r["data/tokens_seen"]
        assert r["perf/mfu"] == pytest.approx(r["perf/tokens_per_s"] * flops_per_token / 1e9, rel=1e-4)
    rows = history(runs[0]) + history(runs[1])
    logged = set().union(*rows)
    for key in (
        "train/loss",
        "val/loss",
        "val/ppl",
        "val/bpb",
        "train/lr",
        "train/grad_norm",
        "data/tokens_seen",
        "perf/tokens_per_s",
        "perf/flops",
        "probe/grammar",
        "probe/all",
        "samples",
    ):
        assert key in logged, key
    table = next(r["samples"] for r in rows if "samples" in r)
    assert table["_type"] == "table-file"
    table_json = json.loads((runs[0].parent / "files" / table["path"]).read_text())
    assert table_json["columns"] == ["step", "prompt", "story"] and table_json["data"][0][1] == "Once upon a time"
    hparams = config(runs[0])
    assert hparams["model"]["family"] == "llama" and hparams["params/total"] > 0 and hparams["params/non_embedding"] > 0


def test_max_tokens_sets_the_length(tmp_path: Path, smoke_cache: Path) -> None:
    proc = run_train(tmp_path / "run", smoke_cache, *SMOKE, "max_tokens=5000", "trainer.max_steps=1000")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "5 steps = 5,120 tokens" in proc.stdout + proc.stderr and "tokens seen      5,120" in proc.stdout


def write_txt(path: Path, stories: list[str]) -> Path:
    path.write_text("".join(f"{s}\n<|endoftext|>\n" for s in stories), encoding="utf-8")
    return path


BAD_INPUTS = {
    "unknown preset": (["model=ts-9m"], "Could not find 'model/ts-9m'"),
    "unknown key": (["trainer.max_stepz=3"], "Could not override 'trainer.max_stepz'"),
    "missing data path": (
        ["data=local", "data.source.train_path=/no/such/file.txt"],
        "data path /no/such/file.txt does not exist",
    ),
    "empty corpus": (["data=local", "data.source.train_path={empty}"], "is empty: no stories found"),
    "not utf-8": (["data=local", "data.source.train_path={latin1}"], "is not UTF-8 text (line 1: byte 0xeb)"),
    "hub offline": (["data=tinystories"], "could not load 'roneneldan/TinyStories' from the Hugging Face hub"),
    "seq_len past positions": (["model.max_seq_len=32"], "data.seq_len=64 is larger than the model's positions"),
    "batch not a multiple": (["global_batch_tokens=1000"], "global_batch_tokens=1000 is not a multiple of"),
    "missing checkpoint": (["ckpt_path=/no/such.ckpt"], "ckpt_path=/no/such.ckpt does not exist"),
}


def test_bad_input_gets_one_clear_error(tmp_path: Path, smoke_cache: Path) -> None:
    files = {
        "empty": write_txt(tmp_path / "empty.txt", []),
        "latin1": tmp_path / "latin1.txt",
    }
    files["latin1"].write_bytes("Zoë went to the café.\n<|endoftext|>\n".encode("latin-1"))
    runs = {}
    for case, (overrides, _) in BAD_INPUTS.items():
        run_dir = tmp_path / case.replace(" ", "-") / "run"
        run_dir.parent.mkdir()
        runs[case] = (run_dir, smoke_cache, [*SMOKE, *(o.format(**files) for o in overrides)])
    wrong = []
    for case, proc in run_trains_side_by_side(runs).items():
        message, run_dir = BAD_INPUTS[case][1], runs[case][0]
        if (
            proc.returncode == 0
            or message not in proc.stderr
            or "Traceback" in proc.stderr
            or "Error in call to target" in proc.stderr
            or list(run_dir.glob("checkpoints/*.ckpt"))
        ):
            wrong.append(f"--- {case}: exit {proc.returncode}\n{proc.stderr[-2000:]}")
    assert not wrong, "\n".join(wrong)
    assert not list(smoke_cache.rglob(".*"))  # nothing half-written in the cache


def test_ddp_cpu_on_two_processes(tmp_path: Path, smoke_cache: Path) -> None:
    """trainer=ddp_cpu: Lightning relaunches train.py for rank 1, which must write into rank 0's run dir, and only
    rank 0 writes checkpoints, samples and logs."""
    run_dir = tmp_path / "run"
    proc = run_train(run_dir, smoke_cache, *SMOKE, "trainer=ddp_cpu", "global_batch_tokens=2048", "logger=wandb")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "16 x 64 tokens x 2 devices x 1 accumulation" in proc.stdout + proc.stderr
    assert "tokens seen      409,600" in proc.stdout  # both ranks' tokens: 200 steps of 2,048
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]  # rank 1 made no run dir of its own
    assert sorted(p.name for p in (run_dir / "checkpoints").iterdir()) == ["best-step200.ckpt", "last.ckpt"]
    assert (run_dir / "samples.md").read_text().count("## Step 200") == 1
    (wandb_run,) = (run_dir / "wandb").glob("offline-run-*/run-*.wandb")  # one W&B run: rank 0's
    losses = [r["val/loss"] for r in history(wandb_run) if "val/loss" in r]
    assert losses[-1] < 0.7 * math.log(512), losses


def test_breadth_experiment_as_a_multirun(tmp_path: Path, smoke_cache: Path) -> None:
    """`python train.py -m data.vocab_fraction=...`: one job per breadth, each on its own corpus."""
    cmd = [
        sys.executable,
        str(ROOT / "train.py"),
        "-m",
        *SMOKE,
        "data.vocab_fraction=0.25,1.0",
        "trainer.max_steps=4",
        "data.n_train=500",
        "data.n_val=50",
        f"hydra.sweep.dir={tmp_path / 'sweep'}",
        f"paths.cache_dir={smoke_cache}",
    ]
    proc = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    configs = [(tmp_path / "sweep" / str(job) / "config.yaml").read_text() for job in (0, 1)]
    assert "vocab_fraction: 0.25" in configs[0] and "vocab_fraction: 1.0" in configs[1]
    assert proc.stdout.count("Run summary") == 2


class ValidationSteps(L.Callback):
    def __init__(self) -> None:
        self.steps: list[int] = []

    def on_validation_end(self, trainer: L.Trainer, pl_module: L.LightningModule) -> None:
        self.steps.append(trainer.global_step)


@pytest.mark.parametrize("max_steps,expected", [(6, [3, 6]), (7, [3, 6, 7])])
def test_the_final_weights_are_validated_once(tmp_path: Path, smoke_cache: Path, max_steps: int, expected) -> None:
    """The fit's validation at its last step is the final one; only a run whose length is not a multiple of the
    validation interval gets one more."""
    overrides = [*SMOKE, "logger=none", f"trainer.max_steps={max_steps}", "val_every_steps=3", "~callbacks.probes"]
    seen = ValidationSteps()
    training = build(compose_train(tmp_path, overrides, smoke_cache), callbacks=[seen])
    val_loss = run(training)
    assert seen.steps == expected
    summary = json.loads((training.run_dir / "summary.json").read_text())
    assert math.isfinite(val_loss) and summary["val_loss"] == val_loss
    assert summary["val_seconds"] > 0 and summary["train_seconds"] > 0
