"""Run a W&B sweep definition without a W&B server, as a Hydra multirun of `train.py`.

    python -m tinystories.sweep sweeps/scaling.yaml [count=N] [sampler_seed=S] [dry_run=true] [OVERRIDE ...]

The sweep file stays the one source: its fixed arguments (the `command` entries between `${program}` and
`${args_no_hyphens}`) and its parameters become Hydra overrides. `method: grid` runs every point with Hydra's basic
sweeper; `random` and `bayes` run `run_cap` (or `count`) trials through Hydra's Optuna sweeper, with a random or
a TPE sampler, seeded. The runner's own settings are `count`, `sampler_seed` and `dry_run`; every other
`key=value` is an override for every run, replacing a fixed argument of the same key, so `hydra/launcher=slurm`
sends the runs to a cluster and `trainer=cpu` runs them here. The runs' W&B group is the
sweep's name (`sweep_name`), and each run is named by its parameters.
"""

from __future__ import annotations

import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

from tinystories import cli
from tinystories.errors import ConfigError

PROG = "python -m tinystories.sweep"
ROOT = Path(__file__).resolve().parents[1]
OPTUNA_SAMPLERS = {"random": "random", "bayes": "tpe"}


def hydra_value(value: object) -> str:
    """A sweep value as Hydra's override grammar reads it back."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (int, float)):
        return repr(value)
    text = str(value)
    return text if text.replace("-", "").replace("_", "").replace(".", "").replace("/", "").isalnum() else repr(text)


def parameter_override(key: str, spec: dict, method: str) -> str:
    """One W&B parameter as one Hydra override: a fixed value, a list to sweep, or an Optuna distribution."""
    if "value" in spec:
        return f"{key}={hydra_value(spec['value'])}"
    if "values" in spec:
        values = ",".join(hydra_value(v) for v in spec["values"])
        return f"{key}={values}" if method == "grid" else f"{key}=choice({values})"
    distribution = spec.get("distribution", "uniform")
    if method == "grid":
        raise ConfigError(f"sweep parameter {key}: a grid needs `values`, not a {distribution} distribution")
    low, high = spec["min"], spec["max"]
    forms = {
        "uniform": f"interval({low}, {high})",
        "log_uniform_values": f"tag(log, interval({low}, {high}))",
        "int_uniform": f"int(interval({low}, {high}))",
    }
    if distribution not in forms:
        raise ConfigError(f"sweep parameter {key}: distribution {distribution!r} is not one of {', '.join(forms)}")
    return f"{key}={forms[distribution]}"


def override_key(override: str) -> str:
    return override.split("=", 1)[0].lstrip("~+")


def multirun_command(sweep: dict, extra: list[str], count: int | None = None, seed: int = 0) -> list[str]:
    """The `python train.py -m ...` command line that runs `sweep` (a parsed W&B sweep file)."""
    method = sweep.get("method", "grid")
    if method not in ("grid", *OPTUNA_SAMPLERS):
        raise ConfigError(f"sweep method {method!r} is not one of grid, random, bayes")
    command = [str(c) for c in sweep.get("command", [])]
    fixed = [c for c in command if not c.startswith("${")]
    params = [parameter_override(k, v, method) for k, v in sweep.get("parameters", {}).items()]
    if sweep.get("name") and not any(override_key(o) == "sweep_name" for o in fixed + params):
        fixed.append(f"sweep_name={sweep['name']}")
    sweeper = []
    if method in OPTUNA_SAMPLERS:
        trials = count or sweep.get("run_cap")
        if not trials:
            raise ConfigError(f"a {method} sweep needs a bound: run_cap in the sweep file, or count=N")
        metric = sweep.get("metric", {})
        if metric.get("name", "val/loss") != "val/loss":
            raise ConfigError(f"the offline runner optimizes val/loss (what train.py returns), not {metric['name']}")
        direction = "maximize" if metric.get("goal") == "maximize" else "minimize"
        sweeper = [
            "hydra/sweeper=optuna",
            f"hydra/sweeper/sampler={OPTUNA_SAMPLERS[method]}",
            f"hydra.sweeper.sampler.seed={seed}",
            f"hydra.sweeper.n_trials={trials}",
            f"hydra.sweeper.direction={direction}",
            "hydra.sweeper.n_jobs=1",
        ]
    replaced = {override_key(o) for o in extra}
    kept = [o for o in fixed + params if override_key(o) not in replaced]
    program = ROOT / sweep.get("program", "train.py")
    return [sys.executable, str(program), "-m", *kept, *sweeper, *extra]


@dataclass
class SweepSettings:
    count: int | None = cli.setting(None, "trials of a random or bayes sweep (default: its run_cap)")
    sampler_seed: int = cli.setting(0, "seed of the random or bayes sampler")
    dry_run: bool = cli.setting(False, "print the command and stop")


def main(argv: list[str] | None = None) -> int:
    def run() -> int:
        args = cli.parse(argv, SweepSettings, prog=PROG, doc=__doc__, inputs="SWEEP_FILE", pass_on=True)
        if len(args.inputs) != 1:
            raise ConfigError(f"name one sweep file: {PROG} sweeps/scaling.yaml [OVERRIDE ...]")
        path, settings = Path(args.inputs[0]), args.settings
        if not path.is_file():
            raise ConfigError(f"{path} does not exist; give a sweep file such as sweeps/scaling.yaml")
        command = multirun_command(
            yaml.safe_load(path.read_text()), args.passed_on, settings.count, settings.sampler_seed
        )
        print(shlex.join(command), flush=True)
        return 0 if settings.dry_run else subprocess.call(command)

    return cli.run(run)


if __name__ == "__main__":
    raise SystemExit(main())
