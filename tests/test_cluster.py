"""Scaling out on CPU: real DDP over gloo (Lightning's launcher and torchrun), Hydra's submitit launcher, the
SLURM launcher's config, and preemption by signal, all through `python train.py` as users run it."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from hydra import compose, initialize_config_dir

from conftest import ROOT, SMOKE
from test_train import train_losses, val_losses
from tinystories.cluster import run_name, slurm_tasks
from tinystories.errors import ConfigError
from tinystories.wandb_files import run_ids

SMALL_CORPUS = ("data.n_train=2000", "data.n_val=200")
SMALL = (*SMOKE, *SMALL_CORPUS)
# docs/cluster.md's example: the smoke job sets no shape of its own, so it runs under every model preset.
TWO_MODELS = ("experiment=smoke", "model=llama-260k,ts-1m", "trainer.max_steps=5", *SMALL_CORPUS)


def env_with_tests_on_path() -> dict[str, str]:
    env = os.environ.copy()
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "tests"), env.get("PYTHONPATH", "")])
    return env


def recorded(run_dir: Path, recorder: Path, *overrides: str, cache: Path) -> tuple[dict, dict]:
    cmd = [
        sys.executable,
        str(ROOT / "train.py"),
        f"hydra.run.dir={run_dir}",
        f"paths.cache_dir={cache}",
        *SMALL,
        "global_batch_tokens=2048",
        "trainer.max_steps=12",
        "val_every_steps=4",
        "+callbacks.record._target_=batch_recorder.BatchRecorder",
        f"+callbacks.record.path={recorder}",
        *overrides,
    ]
    proc = subprocess.run(
        cmd, cwd=run_dir.parent, capture_output=True, text=True, timeout=300, env=env_with_tests_on_path()
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    ranks = {int(p.stem.removeprefix("rank")): json.loads(p.read_text()) for p in recorder.glob("rank*.json")}
    return ranks, torch.load(run_dir / "checkpoints" / "last.ckpt", weights_only=False)["state_dict"]


def test_two_ranks_equal_one_process_with_accumulation(tmp_path: Path, smoke_cache: Path) -> None:
    """Same global batch, same schedule: two gloo ranks x accumulation 1 give the loss curve and weights of one
    process x accumulation 2, and the ranks read disjoint halves of each step's sequences."""
    ddp, ddp_weights = recorded(
        tmp_path / "ddp", tmp_path / "rec-ddp", "trainer=ddp_cpu", "trainer.limit_val_batches=4", cache=smoke_cache
    )
    one, one_weights = recorded(
        tmp_path / "one", tmp_path / "rec-one", "trainer=cpu", "trainer.limit_val_batches=4", cache=smoke_cache
    )
    assert sorted(ddp) == [0, 1] and sorted(one) == [0]
    assert sorted(ddp[0], key=int) == [str(s) for s in range(12)]
    for step, sequences in one[0].items():
        rank0, rank1 = ({tuple(s) for s in ddp[r][step]} for r in (0, 1))
        assert len(rank0) == len(rank1) == 16 and not rank0 & rank1  # disjoint shares
        assert rank0 | rank1 == {tuple(s) for s in sequences}  # together: the one process's step

    assert len(val_losses(tmp_path / "ddp")) == 3  # steps 4, 8 and 12; the last is the final one, not repeated
    # The same figures: validation on the same sequences (limit_val_batches counts over all ranks), train/loss
    # the step's mean over all ranks and micro-batches.
    torch.testing.assert_close(val_losses(tmp_path / "ddp"), val_losses(tmp_path / "one"), rtol=1e-4, atol=1e-5)
    torch.testing.assert_close(train_losses(tmp_path / "ddp"), train_losses(tmp_path / "one"), rtol=1e-4, atol=1e-5)
    # Weights to 1e-4: Adam divides by the root of a gradient's second moment, so in the embedding row of a token
    # the 12 steps hardly see, a gradient near zero summed in another order moves by up to ~3e-5 (seen once).
    for name, weight in one_weights.items():
        torch.testing.assert_close(ddp_weights[name], weight, rtol=1e-4, atol=1e-4, msg=lambda m, n=name: f"{n}: {m}")


def test_torchrun_ranks_share_one_run_dir_and_rank_zero_writes(tmp_path: Path, smoke_cache: Path) -> None:
    """Under torchrun each rank runs Hydra itself; they must still agree on one run dir, named at launch."""
    outputs = tmp_path / "outputs"
    cmd = [
        sys.executable,
        "-m",
        "torch.distributed.run",
        "--nproc_per_node=2",
        str(ROOT / "train.py"),
        "trainer=ddp_cpu",
        *SMALL,
        "logger=wandb",
        "global_batch_tokens=2048",
        "trainer.max_steps=10",
        "val_every_steps=5",
        f"paths.log_dir={outputs}",
        f"paths.cache_dir={smoke_cache}",
    ]
    proc = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    (run_dir,) = outputs.iterdir()  # one run dir for both ranks
    assert run_dir.name[:2] == "20"  # named after the launch's start time
    assert "16 x 64 tokens x 2 devices x 1 accumulation" in proc.stdout + proc.stderr
    assert proc.stdout.count("Run summary") == 1 and "tokens seen      20,480" in proc.stdout
    assert (run_dir / ".hydra" / "config.yaml").is_file() and (run_dir / "train_rank1.log").is_file()
    assert sorted(p.name for p in (run_dir / "checkpoints").iterdir()) == ["best-step10.ckpt", "last.ckpt"]
    runs = list((run_dir / "wandb").glob("offline-run-*/run-*.wandb"))
    assert len(runs) == 1 and run_ids(runs[0])  # rank 0 alone logs
    assert (run_dir / "samples.md").read_text().count("## Step 10") == 1


def test_submitit_local_launcher_runs_each_job(tmp_path: Path, smoke_cache: Path) -> None:
    """`python train.py -m hydra/launcher=local model=A,B`: submitit runs each job in its own process."""
    sweep = tmp_path / "sweep"
    cmd = [
        sys.executable,
        str(ROOT / "train.py"),
        "-m",
        "hydra/launcher=local",
        *TWO_MODELS,
        f"hydra.sweep.dir={sweep}",
        f"paths.cache_dir={smoke_cache}",
    ]
    # The local launcher starts both jobs at once: each takes one of the two cores (docs/cluster.md), else their
    # thread pools contend and training runs many times slower.
    env = dict(os.environ, OMP_NUM_THREADS="1")
    proc = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, timeout=300, env=env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Submitit 'local' sweep output dir" in proc.stdout + proc.stderr
    families = []
    for job in (0, 1):
        summary = json.loads((sweep / str(job) / "summary.json").read_text())
        assert summary["tokens_seen"] == 5 * 1024 and summary["run_dir"] == str(sweep / str(job))
        families.append("family: llama" in (sweep / str(job) / "config.yaml").read_text())
    assert families == [True, False]  # llama-260k, then ts-1m (gpt-neo)


def test_a_submitit_job_reports_a_user_error_with_its_text(tmp_path: Path, smoke_cache: Path) -> None:
    """submitit pickles what a job raises to show it to the submitting command; a SystemExit cannot be pickled,
    so the job raises a JobError that carries the error line."""
    cmd = [sys.executable, str(ROOT / "train.py"), "-m", "hydra/launcher=local", *SMOKE, "module.lr=-1"]
    cmd += [f"hydra.sweep.dir={tmp_path / 'sweep'}", f"paths.cache_dir={smoke_cache}"]
    proc = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert proc.returncode != 0
    assert "JobError: error: module.lr=-1 cannot train: set a positive" in proc.stderr, proc.stderr[-3000:]


def test_slurm_launcher_submits_one_job_per_model(tmp_path: Path, smoke_cache: Path) -> None:
    """`python train.py -m hydra/launcher=slurm model=A,B` through submitit's real SLURM executor, against stand-ins
    for sbatch, srun and sacct (tests/fake_slurm) that run the jobs on this machine."""
    sweep, state = tmp_path / "sweep", tmp_path / "slurm"
    fake_slurm_first = f"{ROOT / 'tests' / 'fake_slurm'}{os.pathsep}{os.environ['PATH']}"
    # The stand-in runs the array's tasks at once on this machine, where SLURM would give each its own CPUs.
    env = dict(os.environ, FAKE_SLURM_STATE=str(state), PATH=fake_slurm_first, OMP_NUM_THREADS="1")
    cmd = [
        sys.executable,
        str(ROOT / "train.py"),
        "-m",
        "hydra/launcher=slurm",
        "trainer=cpu",
        *TWO_MODELS,
        f"hydra.sweep.dir={sweep}",
        f"paths.cache_dir={smoke_cache}",
    ]
    proc = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, timeout=300, env=env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    (script,) = state.glob("submitted-*.sh")  # one sbatch: a job array, one task per model
    flags = [line for line in script.read_text().splitlines() if line.startswith("#SBATCH")]
    for flag in ("--array=0-1%2", "--nodes=1", "--ntasks-per-node=1", "--signal=USR2@120", "--requeue"):
        assert f"#SBATCH {flag}" in flags, flags
    assert not any("gpus" in f for f in flags)  # a CPU trainer asks for no GPU
    for job, family in ((0, "llama"), (1, "gpt-neo")):
        config = (sweep / str(job) / "config.yaml").read_text()
        assert f"family: {family}" in config and f"run_name: slurm-1000_{job}" in config
        assert json.loads((sweep / str(job) / "summary.json").read_text())["tokens_seen"] == 5 * 1024


def test_a_multirun_job_that_would_spawn_its_own_ranks_is_refused(tmp_path: Path, smoke_cache: Path) -> None:
    cmd = [
        sys.executable,
        str(ROOT / "train.py"),
        "-m",
        *SMALL,
        "trainer=ddp_cpu",
        "global_batch_tokens=2048",
        "seed=1,2",
        f"hydra.sweep.dir={tmp_path / 'sweep'}",
        f"paths.cache_dir={smoke_cache}",
    ]
    proc = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert proc.returncode != 0
    assert "error: a multirun job cannot start its own 2 processes" in proc.stderr, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr


def start_training(run_dir: Path, cache: Path, env: dict[str, str]) -> subprocess.Popen:
    cmd = [
        sys.executable,
        str(ROOT / "train.py"),
        f"hydra.run.dir={run_dir}",
        f"paths.cache_dir={cache}",
        *SMALL,
        "trainer.max_steps=100000",
        "val_every_steps=20",
        "callbacks.samples.sampling.max_new_tokens=8",
    ]
    return subprocess.Popen(
        cmd, cwd=run_dir.parent, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env
    )


def wait_for(proc: subprocess.Popen, marker: str, timeout_lines: int = 100_000) -> list[str]:
    """Reads the process's output until a line holds `marker`."""
    seen = []
    for line in proc.stdout:
        seen.append(line)
        if marker in line:
            return seen
        if len(seen) > timeout_lines:
            break
    proc.kill()
    raise AssertionError(f"{marker!r} never came:\n{''.join(seen[-40:])}")


def checkpoint_step(path: Path) -> int:
    return torch.load(path, weights_only=False, map_location="cpu")["global_step"]


def test_preemption_signal_checkpoints_requeues_and_the_restart_resumes(tmp_path: Path, smoke_cache: Path) -> None:
    run_dir = tmp_path / "run"
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    for var in [v for v in env if v.startswith("SLURM_")]:
        del env[var]

    # Outside SLURM: a checkpoint, a message that says there is nothing to requeue, a clean exit.
    proc = start_training(run_dir, smoke_cache, env)
    wait_for(proc, "Sample stories at step 20")
    proc.send_signal(signal.SIGUSR1)
    rest = "".join(proc.stdout)
    assert proc.wait(timeout=120) == 0, rest[-3000:]
    assert "Not under SLURM, so nothing to requeue" in rest
    first = checkpoint_step(run_dir / "checkpoints" / "last.ckpt")
    assert first >= 20

    # The restart resumes from that step by itself. Now under SLURM (as far as the process can tell, with an
    # `scontrol` that records what it is asked): submitit's USR2 makes a checkpoint and a requeue of this job.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    scontrol = bin_dir / "scontrol"
    scontrol.write_text(f'#!/bin/sh\necho "$@" >> {tmp_path / "scontrol.log"}\n')
    scontrol.chmod(0o755)
    env.update(SLURM_JOB_ID="4242", PATH=f"{bin_dir}{os.pathsep}{env['PATH']}")
    proc = start_training(run_dir, smoke_cache, env)
    wait_for(proc, "Restored all states from the checkpoint")
    wait_for(proc, "Sample stories at step")
    proc.send_signal(signal.SIGUSR2)
    rest = "".join(proc.stdout)
    assert proc.wait(timeout=120) == 0, rest[-3000:]
    assert (tmp_path / "scontrol.log").read_text() == "requeue 4242\n"
    assert "SLURM job 4242 requeued" in rest
    second = checkpoint_step(run_dir / "checkpoints" / "last.ckpt")
    assert second > first

    # scancel's SIGTERM: a checkpoint at the next step, no validation on the way out, no requeue, exit 143.
    proc = start_training(run_dir, smoke_cache, env)
    wait_for(proc, "Restored all states from the checkpoint")
    wait_for(proc, "Sample stories at step")
    proc.send_signal(signal.SIGTERM)
    rest = "".join(proc.stdout)
    assert proc.wait(timeout=120) == 128 + signal.SIGTERM, rest[-3000:]
    assert "SIGTERM received: saving a checkpoint" in rest and "Sample stories" not in rest
    stopped = checkpoint_step(run_dir / "checkpoints" / "last.ckpt")
    assert stopped > second and f"Stopped at step {stopped}: checkpoint saved to" in rest
    assert (tmp_path / "scontrol.log").read_text() == "requeue 4242\n"  # asked once, by the USR2 before
    names = [p.name for p in (run_dir / "checkpoints").iterdir()]
    assert "last.ckpt" in names and not [n for n in names if n.startswith(".") or "-v" in n]  # no temporaries


def test_run_names_agree_across_the_processes_of_a_launch(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in [v for v in os.environ if v.startswith(("SLURM_", "TORCHELASTIC_"))] + ["WORLD_SIZE"]:
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("SLURM_JOB_ID", "123")
    assert run_name() == "slurm-123"  # and again after a requeue: it keeps its job id
    monkeypatch.setenv("SLURM_STEP_ID", "2")
    assert run_name() == "slurm-123.2"  # a second srun in the same job
    monkeypatch.setenv("SLURM_ARRAY_JOB_ID", "77")
    monkeypatch.setenv("SLURM_ARRAY_TASK_ID", "3")
    monkeypatch.setenv("SLURM_STEP_ID", "0")
    assert run_name() == "slurm-77_3"
    for var in ("SLURM_JOB_ID", "SLURM_STEP_ID", "SLURM_ARRAY_JOB_ID", "SLURM_ARRAY_TASK_ID"):
        monkeypatch.delenv(var)
    monkeypatch.setenv("TORCHELASTIC_RUN_ID", "job-9")
    monkeypatch.setenv("LOCAL_WORLD_SIZE", "8")
    monkeypatch.setenv("WORLD_SIZE", "16")
    assert run_name() == "torchrun-job-9"  # several nodes: the rendezvous id
    monkeypatch.setenv("WORLD_SIZE", "8")
    assert run_name() == run_name() != "torchrun-job-9"  # one node: the agent's (here: pytest's parent's) start
    assert run_name()[:2] == "20"


def compose_with(conf: Path, overrides: list[str]):
    with initialize_config_dir(str(conf), version_base="1.3"):
        return compose("train", overrides=overrides, return_hydra_config=True)


def test_slurm_launcher_asks_for_the_trainers_devices_and_reads_local_settings(tmp_path: Path) -> None:
    conf = tmp_path / "conf"
    shutil.copytree(ROOT / "conf", conf, ignore=shutil.ignore_patterns("local"))
    overrides = ["hydra/launcher=slurm", "trainer=ddp", "trainer.devices=4", "trainer.num_nodes=2"]
    launcher = compose_with(conf, overrides).hydra.launcher
    assert (launcher.gpus_per_node, launcher.tasks_per_node, launcher.nodes) == (4, 4, 2)
    assert launcher.partition is None and launcher.signal_delay_s == 120 and launcher.additional_parameters.requeue

    (conf / "local").mkdir()
    shutil.copy(ROOT / "scripts" / "slurm" / "local-slurm.example.yaml", conf / "local" / "slurm.yaml")
    launcher = compose_with(conf, overrides).hydra.launcher
    assert launcher.partition == "gpu" and launcher.account == "my-project" and launcher.timeout_min == 1440

    cpu = compose_with(conf, ["hydra/launcher=slurm", "trainer=ddp_cpu"]).hydra.launcher
    assert (cpu.gpus_per_node, cpu.tasks_per_node) == (None, 2)
    with pytest.raises(ConfigError, match="trainer.devices=auto cannot be a SLURM request"):
        slurm_tasks("auto")


def test_sbatch_template_is_valid_shell() -> None:
    script = ROOT / "scripts" / "slurm" / "train.sbatch"
    assert subprocess.run(["bash", "-n", str(script)], capture_output=True).returncode == 0
    text = script.read_text()
    assert "#SBATCH --signal=USR1@" in text and "srun" in text and "trainer.num_nodes" in text


SBATCH_JOBS = [("4", "trainer=ddp trainer.devices=4"), (None, "trainer=ddp_cpu trainer.devices=2")]


@pytest.mark.parametrize(("gpus", "expected"), SBATCH_JOBS)
def test_sbatch_template_runs_on_gpus_or_cpus(tmp_path: Path, gpus: str | None, expected: str) -> None:
    """What the batch script asks srun to run, with an srun that only says it (as a GPU and a CPU job)."""
    (tmp_path / "srun").write_text('#!/bin/sh\necho srun "$@"\n')
    (tmp_path / "srun").chmod(0o755)
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLURM_")}
    env.update(PATH=f"{tmp_path}{os.pathsep}{env['PATH']}", SLURM_JOB_ID="7", SLURM_JOB_NUM_NODES="1")
    env.update(SLURM_NTASKS_PER_NODE="2", SLURM_SUBMIT_DIR=str(tmp_path))
    if gpus:
        env["SLURM_GPUS_ON_NODE"] = gpus
    script = ROOT / "scripts" / "slurm" / "train.sbatch"
    out = subprocess.run(["bash", str(script), "model=ts-1m"], capture_output=True, text=True, env=env).stdout
    assert expected in out.replace("\n", " ") and "model=ts-1m" in out
    assert ("x 4 GPUs" if gpus else "x 2 CPU processes") in out
