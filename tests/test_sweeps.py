"""Sweeps: every W&B sweep file expands, with W&B's own argument expansion, into train.py command lines that Hydra
composes into valid runs; the offline runner executes sweeps as Hydra multiruns; the scaling analysis reads them."""

from __future__ import annotations

import itertools
import json
import math
import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import yaml
from hydra import compose, initialize_config_dir
from hydra.utils import instantiate
from omegaconf import OmegaConf
from wandb.sdk.launch.sweeps.utils import create_sweep_command, create_sweep_command_args

from conftest import ROOT, SMOKE
from tinystories.scaling import Run, compute_frontier, fit_loss_vs_params, fit_loss_vs_params_and_data
from tinystories.sweep import multirun_command
from tinystories.wandb_files import config, history, run_info

SWEEPS = sorted((ROOT / "sweeps").glob("*.yaml"))


def agent_command(sweep: dict, point: dict) -> list[str]:
    """The command `wandb agent` runs for one point, built as wandb_agent.Agent._command_run builds it."""
    variables = create_sweep_command_args({"args": {k: {"value": v} for k, v in point.items()}})
    variables.update(interpreter=["python"], program=[sweep["program"]], env=["/usr/bin/env"])
    command = []
    for chunk in map(str, create_sweep_command(sweep["command"])):
        is_macro = chunk.startswith("${") and chunk.endswith("}")
        command += (variables.get(chunk[2:-1]) or []) if is_macro else [chunk]
    return command


def points(sweep: dict, samples: int = 6) -> list[dict]:
    """Every grid point, or a seeded sample of a random or bayes sweep's space."""
    params = sweep["parameters"]
    if sweep["method"] == "grid":
        keys = list(params)
        options = [p["values"] if "values" in p else [p["value"]] for p in params.values()]
        return [dict(zip(keys, combo, strict=True)) for combo in itertools.product(*options)]
    rng = random.Random(0)

    def draw(p: dict):
        if "value" in p:
            return p["value"]
        if "values" in p:
            return rng.choice(p["values"])
        if p["distribution"] == "log_uniform_values":
            return math.exp(rng.uniform(math.log(p["min"]), math.log(p["max"])))
        return rng.uniform(p["min"], p["max"])

    return [{k: draw(p) for k, p in params.items()} for _ in range(samples)]


@pytest.mark.parametrize("path", SWEEPS, ids=[p.stem for p in SWEEPS])
def test_sweep_file_expands_into_runs_hydra_accepts(path: Path) -> None:
    sweep = yaml.safe_load(path.read_text())
    assert sweep["program"] == "train.py" and sweep["metric"]["name"] == "val/loss"
    assert sweep["command"][:3] == ["${env}", "${interpreter}", "${program}"]
    assert sweep["command"][-1] == "${args_no_hyphens}"
    assert sweep["method"] == "grid" or sweep.get("run_cap"), "random and bayes sweeps need a run_cap to finish"
    values = [v for p in sweep["parameters"].values() for v in p.get("values", [p.get("value", 0)])]
    assert None not in values, "W&B passes None as the string 'None': leave the key at its default instead"

    runs = points(sweep)
    assert runs
    for point in runs:
        command = agent_command(sweep, point)
        assert command[:3] == ["/usr/bin/env", "python", "train.py"]
        with initialize_config_dir(str(ROOT / "conf"), version_base="1.3"):
            cfg = compose("train", overrides=command[3:], return_hydra_config=True)
        choices = cfg.hydra.runtime.choices
        for key, value in point.items():
            assert choices.get(key, OmegaConf.select(cfg, key)) == value, key  # the swept key exists and took
        assert cfg.sweep_name == sweep["name"]
        micro = cfg.data.batch_size * cfg.data.seq_len * cfg.trainer.devices
        assert cfg.global_batch_tokens % micro == 0, f"{point}: the global batch is not whole micro-batches"
        module = instantiate(cfg.module, _convert_="all")
        assert module.planned_num_params(10_000) > 0  # the model's shape is valid (built on the meta device)


def test_random_and_bayes_sweeps_become_optuna_sweeps() -> None:
    sweep = yaml.safe_load((ROOT / "sweeps" / "lr.yaml").read_text())
    command = multirun_command(sweep, ["trainer=cpu"], seed=3)
    assert command[1:3] == [str(ROOT / "train.py"), "-m"]
    for part in (
        "hydra/sweeper=optuna",
        "hydra/sweeper/sampler=tpe",
        "hydra.sweeper.n_trials=30",
        "hydra.sweeper.sampler.seed=3",
        "module.lr=tag(log, interval(0.0001, 0.01))",
        "size=choice(ts-1m,ts-8m,ts-33m)",
        "trainer=cpu",
        "sweep_name=lr",
    ):
        assert part in command, part
    assert "trainer=gpu" not in command  # an extra override replaces the sweep's fixed one


def write_sweep(path: Path, method: str, parameters: dict, **extra) -> Path:
    sweep = {
        "name": "tiny",
        "program": "train.py",
        "method": method,
        "metric": {"name": "val/loss", "goal": "minimize"},
        "parameters": parameters,
        "command": ["${env}", "${interpreter}", "${program}", *SMOKE, "logger=wandb", "${args_no_hyphens}"],
        **extra,
    }
    path.write_text(yaml.safe_dump(sweep))
    return path


def run_sweep(sweep_file: Path, sweep_dir: Path, cache: Path, *extra: str) -> None:
    """`python -m tinystories.sweep FILE` on a small built-in corpus, into `sweep_dir`."""
    cmd = [sys.executable, "-m", "tinystories.sweep", str(sweep_file), "data.n_train=2000", "data.n_val=200", *extra]
    cmd += [f"hydra.sweep.dir={sweep_dir}", f"paths.cache_dir={cache}"]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]


def test_offline_sweep_then_scaling_analysis(tmp_path: Path, smoke_cache: Path) -> None:
    sweep_file = write_sweep(
        tmp_path / "tiny.yaml",
        "grid",
        {"model.d_model": {"values": [16, 32]}, "tokens_per_param": {"value": 0.5}},
    )
    sweep_dir = tmp_path / "multirun"
    run_sweep(sweep_file, sweep_dir, smoke_cache, "trainer.log_every_n_steps=2")

    for job, width in ((0, 16), (1, 32)):
        summary = json.loads((sweep_dir / str(job) / "summary.json").read_text())
        assert summary["flops"] > 0 and summary["tokens_seen"] >= 0.5 * summary["params"]  # 0.5 tokens/param
        (wandb_run,) = (sweep_dir / str(job) / "wandb").glob("offline-run-*/run-*.wandb")
        info = run_info(wandb_run)
        assert info["group"] == "tiny" and f"model.d_model={width}" in info["name"]  # grouped, named by parameters
        assert "paths.cache_dir" not in info["name"]
        logged = set().union(*history(wandb_run))
        assert {"perf/flops", "data/tokens_seen", "val/loss"} <= logged
        assert config(wandb_run)["params/total"] == summary["params"]

    out = tmp_path / "scaling"
    proc = subprocess.run(
        [sys.executable, "-m", "tinystories.scaling", str(sweep_dir), f"out={out}"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "0 d_model=16" in proc.stdout and "1 d_model=32" in proc.stdout  # labelled by what differs, briefly
    assert "L(N) not fitted: 2 model size(s): L(N) needs at least 3 sizes" in proc.stdout  # refused, not drawn
    result = json.loads((out / "scaling.json").read_text())
    assert len(result["runs"]) == 2 and result["fit_L_N"]["fitted"] is False
    assert set(result["runs"][0]["probes"]) >= {"grammar", "context", "all"}  # scored at the last validation
    for png in ("loss_vs_params.png", "loss_vs_compute.png", "probes_vs_params.png"):
        assert (out / png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_offline_random_sweep_runs_its_trial_count(tmp_path: Path, smoke_cache: Path) -> None:
    sweep_file = write_sweep(
        tmp_path / "random.yaml",
        "random",
        {"module.lr": {"distribution": "log_uniform_values", "min": 0.001, "max": 0.01}},
        run_cap=2,
    )
    sweep_dir = tmp_path / "multirun"
    run_sweep(sweep_file, sweep_dir, smoke_cache, "sampler_seed=1", "logger=csv", "trainer.max_steps=3")
    lrs = [yaml.safe_load((sweep_dir / str(j) / "config.yaml").read_text())["module"]["lr"] for j in (0, 1)]
    assert all(0.001 <= lr <= 0.01 for lr in lrs) and lrs[0] != lrs[1]
    assert "best_value" in yaml.safe_load((sweep_dir / "optimization_results.yaml").read_text())


def test_the_fit_recovers_a_known_scaling_law() -> None:
    n = np.geomspace(1e5, 1e8, 7)
    loss = 1.5 + 40.0 * n**-0.3
    fit = fit_loss_vs_params(n, loss, tokens=np.full_like(n, 1e9))
    assert fit["fitted"] and fit["alpha"] == pytest.approx(0.3, abs=0.01) and fit["E"] == pytest.approx(1.5, abs=0.02)
    assert fit["r2"] > 0.999
    # What it refuses to fit, saying why: too few sizes, budgets that differ, a loss that rises with size.
    assert "needs at least 3 sizes" in fit_loss_vs_params(n[:2], loss[:2])["reason"]
    assert "budgets differ 20.0x" in fit_loss_vs_params(n, loss, tokens=np.geomspace(1e8, 2e9, 7))["reason"]
    assert "falling" in fit_loss_vs_params(n, loss[::-1])["reason"]

    grid_n, grid_d = (a.ravel() for a in np.meshgrid(np.geomspace(1e5, 1e8, 4), np.geomspace(1e7, 1e10, 4)))
    both = fit_loss_vs_params_and_data(grid_n, grid_d, 1.7 + 30.0 * grid_n**-0.34 + 400.0 * grid_d**-0.28)
    assert both["alpha"] == pytest.approx(0.34, abs=0.03) and both["beta"] == pytest.approx(0.28, abs=0.03)
    assert both["r2"] > 0.999
    assert fit_loss_vs_params_and_data(n, np.full_like(n, 1e9), loss) is None  # data never varied


def test_the_compute_frontier_keeps_runs_no_cheaper_run_beats() -> None:
    runs = [Run(str(i), 1, 1, 1, flops, loss) for i, (flops, loss) in enumerate([(1, 5), (2, 6), (3, 4), (4, 4.5)])]
    assert [r.name for r in compute_frontier(runs)] == ["0", "2"]


def test_scaling_without_runs_says_so(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "tinystories.scaling", str(tmp_path)], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 2 and "no finished runs in" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.parametrize("script", ["agent.sbatch", "agents.sh"])
def test_agent_launchers_are_valid_shell(script: str) -> None:
    path = ROOT / "sweeps" / script
    assert subprocess.run(["bash", "-n", str(path)], capture_output=True).returncode == 0
    assert "wandb agent" in path.read_text()
