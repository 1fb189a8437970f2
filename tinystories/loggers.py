"""The W&B logger, online when this machine has W&B credentials and offline otherwise.

Offline is decided before wandb starts, so a run never stops at a login prompt and never waits on a network it
does not have; the run can be uploaded later with `wandb sync` (a resumed run's segments joined first, with
tinystories.wandb_join).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from lightning.pytorch.loggers import WandbLogger
from lightning.pytorch.utilities import rank_zero_info

from tinystories.wandb_mode import wandb_offline


def wandb_logger(save_dir: str, offline: bool | None = None, **kwargs) -> WandbLogger:
    """A `WandbLogger`; `offline=None` means: offline unless credentials are configured (or WANDB_MODE says)."""
    mode = os.environ.get("WANDB_MODE")
    if offline is None:
        offline = wandb_offline()
    Path(save_dir).mkdir(parents=True, exist_ok=True)
    if offline and mode not in ("offline", "dryrun"):
        rank_zero_info(
            f"W&B: no credentials found, logging offline under {save_dir}/wandb. "
            f"Upload later with `wandb sync {save_dir}/wandb/offline-run-*` (after `wandb login`)."
        )
    if kwargs.get("id"):
        kwargs.setdefault("resume", "allow")
        earlier = sorted(Path(save_dir, "wandb").glob(f"offline-run-*-{kwargs['id']}"))
        if offline and earlier:
            rank_zero_info(
                f"W&B: offline run {kwargs['id']} continues in a new segment ({len(earlier)} before it). Offline "
                f"segments do not join by themselves: after the run, `python -m tinystories.wandb_join {save_dir}` "
                f"writes them as one history to upload."
            )
    if offline and kwargs.get("log_model"):
        # Lightning refuses log_model with offline=True ("cannot be uploaded in offline mode"), but wandb keeps an
        # offline run's artifacts in its run files and uploads them with `wandb sync`: offline through wandb itself.
        offline, kwargs["mode"] = False, "offline"
    logger = WandbLogger(save_dir=save_dir, offline=offline, **kwargs)
    # Lightning passes anonymous=None, which wandb (0.31 here) warns about on every run though nothing set it.
    if getattr(logger, "_wandb_init", {}).get("anonymous", False) is None:
        del logger._wandb_init["anonymous"]
    return logger


def end_wandb_run(exit_code: int = 0) -> None:
    """Ends this process's W&B run, if one is open. Lightning leaves it open after fit, and the next job of a
    multirun in the same process would log into it (WandbLogger reuses a live run) instead of starting its own."""
    wandb = sys.modules.get("wandb")  # never imported: no run to end
    if wandb is not None and wandb.run is not None:
        wandb.finish(exit_code=exit_code)
