"""The OmegaConf resolvers the configs use (`${best_precision:}`, `${launch_name:}`, ...): values that depend on
the machine or the launch, computed when the config is resolved."""

from __future__ import annotations

from hydra.core.hydra_config import HydraConfig
from omegaconf import OmegaConf
from omegaconf.errors import OmegaConfBaseException

from tinystories.cluster import launch_rank, on_rank_zero, run_name, slurm_gpus, slurm_tasks


def best_precision() -> str:
    """bf16 mixed precision where the GPU supports it, full precision elsewhere (CPU, MPS, older GPUs)."""
    import torch  # here: the configs resolve this only when a run is built, and --help should not wait for torch

    if torch.cuda.is_available() and torch.cuda.is_bf16_supported():
        return "bf16-mixed"
    return "32-true"


def rank_suffix() -> str:
    """`_rank<N>` for processes other than rank 0, so their Hydra logs do not interleave with rank 0's."""
    rank = launch_rank()
    return f"_rank{rank}" if rank else ""


def run_label(fallback: str) -> str:
    """What sets this run apart: its command-line overrides (`model=ts-8m,module.lr=0.001`), sweep parameters
    included, without the keys `hydra.job.config.override_dirname.exclude_keys` leaves out; else `fallback`."""
    try:
        label = HydraConfig.get().job.override_dirname
    except (ValueError, OmegaConfBaseException):  # no Hydra run (compose API), or no overrides recorded
        label = ""
    return label or fallback


def register_resolvers() -> None:
    OmegaConf.register_new_resolver("best_precision", best_precision, replace=True)
    OmegaConf.register_new_resolver("launch_name", run_name, replace=True)
    OmegaConf.register_new_resolver("on_rank_zero", on_rank_zero, replace=True)
    OmegaConf.register_new_resolver("rank_suffix", rank_suffix, replace=True)
    OmegaConf.register_new_resolver("slurm_gpus", slurm_gpus, replace=True)
    OmegaConf.register_new_resolver("slurm_tasks", slurm_tasks, replace=True)
    OmegaConf.register_new_resolver("run_label", run_label, replace=True)
