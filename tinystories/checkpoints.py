"""Checkpoints that are never half-written and never behind: written under a temporary name beside the target and
renamed (Lightning's own save stages the file in the system's temp folder and copies it over, which is not atomic
when the run dir is on another filesystem, the usual case on clusters), and a last.ckpt that always holds the
weights the fit ended with, whatever ended it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import lightning as L
import torch
from lightning.pytorch.callbacks import ModelCheckpoint
from lightning.pytorch.plugins.io import TorchCheckpointIO

from tinystories.atomic import atomic_path, remove_leftovers


class AtomicCheckpointIO(TorchCheckpointIO):
    """Saves a local checkpoint to a temporary file in its own folder, flushed to disk, then renames it into place:
    a kill, a quota error or a full disk mid-save leaves the previous checkpoint as it was and no temporary."""

    def save_checkpoint(self, checkpoint: dict[str, Any], path, storage_options: Any | None = None) -> None:
        if "://" in str(path):  # object stores: Lightning's fsspec transaction
            return super().save_checkpoint(checkpoint, path, storage_options)
        try:
            with atomic_path(path) as tmp, open(tmp, "wb") as f:
                torch.save(checkpoint, f)
                f.flush()
                os.fsync(f.fileno())
        except OSError as e:  # torch writes through the file object: name the file for the error line
            raise OSError(e.errno, e.strerror, str(path)) from e


class RunCheckpoints(ModelCheckpoint):
    """Lightning's ModelCheckpoint (the best checkpoint by val/loss, and last.ckpt at each validation) that also
    saves last.ckpt when the fit ends between validations: a run of 25 steps validating every 10 ends with the
    weights of step 25 in last.ckpt, not those of step 20. Leftover temporaries of a killed save are removed when
    the fit starts."""

    def setup(self, trainer: L.Trainer, pl_module: L.LightningModule, stage: str) -> None:
        super().setup(trainer, pl_module, stage)
        if trainer.is_global_zero and self.dirpath and Path(self.dirpath).is_dir():
            remove_leftovers(self.dirpath)

    def save_last_now(self, trainer: L.Trainer) -> str:
        """Writes last.ckpt for the current step (unless it already holds it) and returns its path."""
        if self._last_global_step_saved != trainer.global_step or not self.last_model_path:
            self._save_last_checkpoint(trainer, self._monitor_candidates(trainer))
        return self.last_model_path

    def on_train_end(self, trainer: L.Trainer, pl_module: L.LightningModule) -> None:
        if self.save_last and trainer.global_step > 0 and not trainer.fast_dev_run:
            self.save_last_now(trainer)


class SelfContained(L.Callback):
    """Puts the tokenizer, the run's resolved config and its latest losses into every checkpoint, as a Hugging Face
    directory carries its tokenizer: a `.ckpt` copied out of its run dir (or downloaded from a W&B artifact) still
    generates, evaluates and exports, and an export's model card can say what the model was trained on."""

    def __init__(self, config: dict[str, Any]) -> None:
        self.config = config

    def on_save_checkpoint(self, trainer: L.Trainer, pl_module: L.LightningModule, checkpoint: dict) -> None:
        tokenizer = getattr(trainer.datamodule, "tokenizer", None)
        if tokenizer is not None:
            checkpoint["tokenizer"] = tokenizer.to_dict()
        checkpoint["config"] = self.config
        checkpoint["metrics"] = {
            k: float(v) for k, v in trainer.callback_metrics.items() if k.startswith(("train/", "val/"))
        }
