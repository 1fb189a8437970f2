"""Preemption: SLURM's warning signal before a job is preempted or reaches its time limit becomes a checkpoint, a
requeue and a clean stop; the requeued job resumes from that checkpoint by itself (`ckpt_path=auto`, and its run dir
is named after the job id, which a requeued job keeps).

This callback alone requeues. Lightning's SLURM auto-requeue is off (`cluster_plugins`), and submitit's handler for
the same signal is set aside while training runs: two owners would requeue twice. Unlike Lightning's handler, the
signal only raises a flag; the checkpoint is taken after an optimizer step at which all ranks agree to stop (with
several ranks they compare flags every `check_every` steps), so it never holds half an update and never waits in a
collective that another rank is not in.
"""

from __future__ import annotations

import signal
import threading
from pathlib import Path

import lightning as L

from tinystories.cluster import requeue


class Preemption(L.Callback):
    def __init__(
        self, dirpath: str, signals: list[str] = ("USR1", "USR2"), requeue: bool = True, check_every: int = 10
    ) -> None:
        self.dirpath = Path(dirpath)
        self.check_every = check_every  # optimizer steps between the ranks' agreement (a collective and a sync)
        self.signals = [getattr(signal, f"SIG{name.upper().removeprefix('SIG')}") for name in signals]
        self.requeue = requeue
        self.received: int | None = None
        self.stopped = False  # True once training stopped for a preemption
        self._previous: dict[int, object] = {}

    def _on_signal(self, signum: int, frame) -> None:
        self.received = signum

    def on_fit_start(self, trainer: L.Trainer, pl_module: L.LightningModule) -> None:
        if threading.current_thread() is threading.main_thread():
            self._previous = {s: signal.signal(s, self._on_signal) for s in self.signals}

    def on_fit_end(self, trainer: L.Trainer, pl_module: L.LightningModule) -> None:
        self._restore()

    def on_exception(self, trainer: L.Trainer, pl_module: L.LightningModule, exception: BaseException) -> None:
        self._restore()

    def _restore(self) -> None:
        for s, handler in self._previous.items():
            signal.signal(s, handler)
        self._previous = {}

    def on_train_batch_end(self, trainer: L.Trainer, pl_module: L.LightningModule, outputs, batch, batch_idx) -> None:
        if self.stopped or (batch_idx + 1) % trainer.accumulate_grad_batches:
            return  # in the middle of an optimizer step's accumulation
        if trainer.world_size > 1 and trainer.global_step % self.check_every:
            return  # asking every rank is a collective and a host sync: not on every step
        if not trainer.strategy.reduce_boolean_decision(self.received is not None, all=False):
            return
        path = self.dirpath / "last.ckpt"
        trainer.save_checkpoint(path)  # written whole or not at all: Lightning saves through a temporary file
        if trainer.is_global_zero and self.requeue:
            requeue(path)
        self.stopped = True
        trainer.should_stop = True  # Lightning validates once more on an early stop, then ends the fit
