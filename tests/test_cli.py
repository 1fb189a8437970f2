"""One command-line convention: train.py is Hydra's; every `python -m tinystories.X` takes key=value settings,
answers --help with its usage, and refuses a mistake with one line and exit code 2."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, SMOKE

COMMANDS = ["evaluate", "export", "generate", "scaling", "sweep", "synth", "wandb_join"]


def command(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, cwd=cwd, timeout=120)


def test_train_help_lists_the_config_groups_and_no_example_folder(tmp_path: Path) -> None:
    proc = command(str(ROOT / "train.py"), "--help", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "model: llama-110m, llama-15m, llama-1m, llama-260k, llama-40k, llama-42m, llama-4m" in proc.stdout
    assert "size: " in proc.stdout
    assert "local.example" not in proc.stdout


@pytest.mark.parametrize("name", COMMANDS)
def test_every_module_cli_prints_usage_and_refuses_in_one_line(name: str) -> None:
    calls = {"help": ["--help"], "unknown setting 'colour'": ["colour=blue"], "unrecognized arguments": ["--colour"]}
    if name == "sweep":
        del calls["unknown setting 'colour'"]  # the sweep runner passes unknown keys on to train.py
    started = {  # side by side: each is mostly start-up
        what: subprocess.Popen(
            [sys.executable, "-m", f"tinystories.{name}", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for what, args in calls.items()
    }
    done = {what: (*proc.communicate(timeout=120), proc.returncode) for what, proc in started.items()}
    out, err, code = done.pop("help")
    assert code == 0, err
    assert out.startswith(f"usage: python -m tinystories.{name}") and "settings (key=value):" in out
    for message, (_, err, code) in done.items():
        assert code == 2, (message, err)
        assert err.startswith("error: ") and message in err and err.count("\n") == 1


def test_joining_a_run_without_readable_offline_wandb_runs_is_one_line(tmp_path: Path) -> None:
    proc = command("-m", "tinystories.wandb_join", str(tmp_path))
    assert proc.returncode == 2
    assert proc.stderr == f"error: no offline W&B runs under {tmp_path / 'wandb'}: name the run dir a run logged to\n"
    garbage = tmp_path / "wandb" / "offline-run-20260101_000000-abc" / "run-abc.wandb"
    garbage.parent.mkdir(parents=True)
    garbage.write_bytes(b"not a run")
    proc = command("-m", "tinystories.wandb_join", str(tmp_path))
    assert proc.returncode == 2 and proc.stderr == f"error: {garbage} is not a W&B run file: remove it from " + (
        f"{tmp_path / 'wandb'}, or name another run dir\n"
    )


def test_a_value_of_the_wrong_type_names_its_key() -> None:
    proc = command("-m", "tinystories.synth", "n=many")
    assert proc.returncode == 2 and proc.stderr.startswith("error: n=many: ") and proc.stderr.count("\n") == 1


def test_a_size_beside_another_model_is_one_line(tmp_path: Path) -> None:
    proc = command(str(ROOT / "train.py"), "size=ts-8m", "model=ts-1m", f"hydra.run.dir={tmp_path}/run", cwd=tmp_path)
    assert proc.returncode != 0
    assert proc.stderr.strip() == (
        "error: size=ts-8m selects model=ts-8m (with the devices and batch sized for it), but the model is ts-1m: "
        "drop model=ts-1m (or the experiment that sets it), or drop size=ts-8m to train ts-1m as configured"
    )


HEAVY = ("lightning", "wandb", "datasets", "transformers", "hydra_plugins", "submitit")


def imported(args: list[str]) -> set[str]:
    """The heavy packages a Python process imports, from its -X importtime report."""
    proc = subprocess.run([sys.executable, "-X", "importtime", *args], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-2000:]
    names = {line.rsplit("|", 1)[-1].strip() for line in proc.stderr.splitlines() if line.startswith("import time")}
    return {h for h in HEAVY if h in names}


def test_the_commands_and_the_data_code_start_without_lightning_or_wandb() -> None:
    modules = ["data.cache", "data.sources", "data.tokenizer", "sampling", *COMMANDS]
    code = "; ".join(f"import tinystories.{m}" for m in modules)
    assert imported(["-c", code]) == set()


def test_a_run_imports_what_its_config_uses(tmp_path: Path, smoke_cache: Path) -> None:
    args = [str(ROOT / "train.py"), *SMOKE, "trainer.max_steps=1", f"hydra.run.dir={tmp_path / 'run'}"]
    loaded = imported([*args, f"paths.cache_dir={smoke_cache}", "logger=csv"])
    assert "lightning" in loaded and not loaded & {"wandb", "datasets", "hydra_plugins", "submitit"}
