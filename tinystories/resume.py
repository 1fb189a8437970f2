"""Finding the checkpoint to resume from, and what it remembers about its run."""

from __future__ import annotations

from pathlib import Path

import torch

from tinystories.errors import ConfigError


def resolve_ckpt_path(ckpt_path: str | None, checkpoint_dir: str | Path) -> str | None:
    """`auto` means the newest `last*.ckpt` in this run's checkpoint folder, or a fresh start if there is none."""
    if ckpt_path in (None, "", "None", "null"):
        return None
    if ckpt_path == "auto":
        candidates = sorted(Path(checkpoint_dir).glob("last*.ckpt"), key=lambda p: p.stat().st_mtime)
        return str(candidates[-1]) if candidates else None
    if not Path(ckpt_path).is_file():
        raise ConfigError(
            f"ckpt_path={ckpt_path} does not exist; give the path of a .ckpt file, or ckpt_path=auto to resume "
            f"from the newest last.ckpt of the run dir (set run_name=NAME to reuse a run dir)"
        )
    return ckpt_path


def wandb_run_id(ckpt_path: str | None) -> str | None:
    """The W&B run id saved in a checkpoint; memory-mapped, so no tensor is read."""
    if ckpt_path is None:
        return None
    checkpoint = torch.load(ckpt_path, map_location="cpu", mmap=True, weights_only=False)
    return checkpoint.get("wandb_run_id")
