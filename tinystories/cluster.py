"""What a run needs to know about how it was launched: one name for the run that every process computes alike,
which process writes, and how to ask SLURM to requeue the job.

Under `torchrun` or `srun` every process runs Hydra itself, before any process group exists, so the run dir cannot
come from rank 0 by message. It comes from what the launcher gives every process alike: SLURM's job id (which a
requeued job keeps, so it finds its own checkpoints again), the start time of the torchrun agent that spawned the
processes (one node), or torchrun's rendezvous id (several nodes). Lightning's own launcher passes rank 0's run dir
to the processes it starts, so there any name works.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path

from tinystories.errors import ConfigError

TIME_FORMAT = "%Y-%m-%d_%H-%M-%S"


def slurm_job_id() -> str | None:
    """The id `scontrol requeue` takes: `JOB` or `ARRAYJOB_TASK` for a task of a job array."""
    if array := os.environ.get("SLURM_ARRAY_JOB_ID"):
        return f"{array}_{os.environ['SLURM_ARRAY_TASK_ID']}"
    return os.environ.get("SLURM_JOB_ID")


def launch_rank() -> int:
    """This process's global rank as its launcher set it, readable before torch.distributed starts."""
    for var in ("RANK", "SLURM_PROCID"):
        if os.environ.get(var, "").isdigit():
            return int(os.environ[var])
    return 0


def process_start_time(pid: int) -> dt.datetime | None:
    """When process `pid` started (Linux /proc), or None where that cannot be read."""
    try:
        after_name = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks = int(after_name[19])  # field 22 of stat, starttime, in clock ticks after boot
        boot = next(int(line.split()[1]) for line in open("/proc/stat") if line.startswith("btime"))
    except (OSError, ValueError, IndexError, StopIteration):
        return None
    return dt.datetime.fromtimestamp(boot + ticks / os.sysconf("SC_CLK_TCK"))


RUN_NAME_VAR = "TINYSTORIES_RUN_NAME"  # rank 0's run name, for the processes Lightning starts from it


def run_name() -> str:
    """The default `run_name`: the same in every process of one launch, and unique to it."""
    if given := os.environ.get(RUN_NAME_VAR):
        # Lightning re-runs this command for its other ranks and names the run dir by resolving hydra.run.dir
        # again: without this, a clock that ticked over in between gives rank 1 a run dir of its own.
        return given
    if job := slurm_job_id():
        step = os.environ.get("SLURM_STEP_ID", "")
        # A second `srun` in one job is a run of its own; the batch step's id is a large special number.
        return f"slurm-{job}.{step}" if step.isdigit() and 0 < int(step) < 1_000_000 else f"slurm-{job}"
    if (run := os.environ.get("TORCHELASTIC_RUN_ID")) is not None:
        # One node: the workers' parent is this launch's torchrun agent. Several: the rendezvous id they share.
        one_node = os.environ.get("LOCAL_WORLD_SIZE") == os.environ.get("WORLD_SIZE")
        if one_node and (agent_start := process_start_time(os.getppid())):
            return agent_start.strftime(TIME_FORMAT)
        return f"torchrun-{run}"
    return dt.datetime.now().strftime(TIME_FORMAT)


def on_rank_zero(value: str, otherwise: str | None = None) -> str | None:
    """`value` in the process of global rank 0, `otherwise` in the others (Hydra's output files, say)."""
    return value if launch_rank() == 0 else otherwise


def slurm_gpus(accelerator: str, devices: object) -> int | None:
    """GPUs to ask SLURM for, per node: the trainer's devices; no GPU request for a CPU trainer."""
    return None if accelerator == "cpu" else slurm_tasks(devices)


def slurm_tasks(devices: object) -> int:
    """Tasks per node: one per device, as Lightning's SLURM environment expects."""
    if isinstance(devices, int) or (isinstance(devices, str) and devices.isdigit()):
        return int(devices)
    raise ConfigError(
        f"trainer.devices={devices} cannot be a SLURM request: set the devices per node as a number "
        f"(trainer.devices=4) with hydra/launcher=slurm"
    )


def cluster_plugins() -> list:
    """Lightning's SLURM environment with its auto-requeue off: `tinystories.preemption.Preemption` owns the
    requeueing, so that a job is requeued once, after a checkpoint taken between steps."""
    from lightning.pytorch.plugins.environments import SLURMEnvironment

    return [SLURMEnvironment(auto_requeue=False)] if SLURMEnvironment.detect() else []


def requeue(checkpoint: str | Path) -> bool:
    """Asks SLURM to requeue this job; outside SLURM, says how to resume instead. True if requeued."""
    from lightning.pytorch.utilities import rank_zero_info, rank_zero_warn

    job = slurm_job_id()
    if job is None:
        rank_zero_info(
            f"Preempted: checkpoint saved to {checkpoint}. Not under SLURM, so nothing to requeue: run the same "
            f"command again (same run_name, ckpt_path=auto) to resume from it."
        )
        return False
    try:
        subprocess.run(["scontrol", "requeue", job], check=True, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError) as e:
        detail = getattr(e, "stderr", None) or e
        rank_zero_warn(f"Preempted: checkpoint saved to {checkpoint}, but `scontrol requeue {job}` failed: {detail}")
        return False
    rank_zero_info(f"Preempted: checkpoint saved to {checkpoint}; SLURM job {job} requeued, it will resume from it.")
    return True


def spawns_processes(trainer) -> bool:
    """Whether Lightning will start the other ranks itself (rather than torchrun or SLURM having started them)."""
    environment = getattr(trainer.strategy, "cluster_environment", None)
    return trainer.world_size > 1 and environment is not None and not environment.creates_processes_externally


def check_process_launch(trainer) -> None:
    """Refuses a multi-process run that Lightning would start itself from inside a Hydra multirun job: Lightning
    starts ranks > 0 by re-running this process's command line, which there is the whole sweep (or a submitit
    job). Under SLURM (tasks_per_node = devices) or torchrun the processes exist already, and that works."""
    from hydra.core.hydra_config import HydraConfig
    from hydra.types import RunMode

    if spawns_processes(trainer) and HydraConfig.initialized() and HydraConfig.get().mode == RunMode.MULTIRUN:
        raise ConfigError(
            f"a multirun job cannot start its own {trainer.world_size} processes (Lightning would re-run the whole "
            f"sweep for each rank): run multi-device jobs with hydra/launcher=slurm, which starts one task per "
            f"device, or run them one at a time (python train.py ... without -m, or torchrun)"
        )
