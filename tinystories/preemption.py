"""Stopping on a signal without losing work: SLURM's warning before a preemption or the time limit (USR1/USR2) and
the stop requests of schedulers and users (TERM from scancel, Kubernetes and systemd; INT from Ctrl-C) become a
checkpoint at the next optimizer step and a clean stop. A warning signal then requeues the job under SLURM (the
requeued job resumes from that checkpoint by itself: `ckpt_path=auto`, and its run dir is named after the job id,
which a requeued job keeps); a stop request makes the run exit non-zero (128 + the signal's number, as a shell
reports a process killed by it), so the scheduler does not record a success. A second signal exits at once.

This callback alone requeues. Lightning's SLURM auto-requeue is off (`cluster_plugins`), its SIGTERM handler is
replaced while training runs (it stops without a checkpoint and exits 0), and submitit's handler for USR2 is set
aside: two owners would requeue twice. The signal only raises a flag; the checkpoint is taken after an optimizer
step at which all ranks agree to stop (with several ranks they compare flags every `check_every` steps), so it
never holds half an update and never waits in a collective that another rank is not in. The run does not validate
or write sample stories on its way out: a grace period is short.
"""

from __future__ import annotations

import os
import signal
import threading
from pathlib import Path

import lightning as L
import torch
from lightning.pytorch.utilities import rank_zero_info

from tinystories.cluster import requeue


def _signal(name: str) -> signal.Signals:
    return getattr(signal, f"SIG{name.upper().removeprefix('SIG')}")


class Preemption(L.Callback):
    def __init__(
        self,
        dirpath: str,
        signals: list[str] = ("USR1", "USR2"),
        stop_signals: list[str] = ("TERM", "INT"),
        requeue: bool = True,
        check_every: int = 10,
    ) -> None:
        """`signals` warn of a preemption (checkpoint, then requeue under SLURM); `stop_signals` ask the run to
        stop (checkpoint, then exit non-zero)."""
        self.dirpath = Path(dirpath)
        self.check_every = check_every  # optimizer steps between the ranks' agreement (a collective and a sync)
        self.warnings = [_signal(name) for name in signals]
        self.stops = [_signal(name) for name in stop_signals]
        self.requeue = requeue
        self.received: int | None = None
        self.stopped = False  # True once training stopped for a signal
        self.checkpoint: str | None = None  # what was saved on the way out
        self._previous: dict[int, object] = {}

    @property
    def exit_code(self) -> int | None:
        """The process's exit code after a stop request (130 for INT, 143 for TERM); None after a preemption
        warning (the job ends normally, requeued) or when no signal stopped the run."""
        if not self.stopped or self.received not in self.stops:
            return None
        return 128 + int(self.received)

    def _on_signal(self, signum: int, frame) -> None:
        if self.received is not None:  # the second signal: stop now, as if nothing handled it
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        self.received = signum
        name = signal.Signals(signum).name
        # os.write, not print: a handler that prints while the interrupted code prints raises a reentrancy error.
        note = f"\n{name} received: saving a checkpoint after this step, then stopping (again to stop now)\n"
        os.write(2, note.encode())

    def on_train_start(self, trainer: L.Trainer, pl_module: L.LightningModule) -> None:
        # Here, not in on_fit_start: Lightning installs its own handlers after that hook, and calls the one it
        # finds from its own (which stops without a checkpoint).
        if threading.current_thread() is threading.main_thread():
            self._previous = {s: signal.signal(s, self._on_signal) for s in [*self.warnings, *self.stops]}

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
        if trainer.world_size > 1:  # every rank takes the same kind of stop: the signal of highest number
            import torch.distributed as dist

            signum = torch.tensor(self.received or 0, device=trainer.strategy.root_device)
            dist.all_reduce(signum, op=dist.ReduceOp.MAX)
            self.received = int(signum)
        self.checkpoint = self._save(trainer)
        if self.received in self.warnings and self.requeue and trainer.is_global_zero:
            requeue(self.checkpoint)
        elif self.received in self.stops:
            rank_zero_info(
                f"Stopped at step {trainer.global_step}: checkpoint saved to {self.checkpoint}. Run the same "
                f"command again (same run_name, ckpt_path=auto) to resume from it."
            )
        self.stopped = True
        trainer.should_stop = True
        trainer.limit_val_batches = 0  # Lightning validates on an early stop; not in a grace period

    def _save(self, trainer: L.Trainer) -> str:
        from tinystories.checkpoints import RunCheckpoints

        checkpoints = next((c for c in trainer.checkpoint_callbacks if isinstance(c, RunCheckpoints)), None)
        if checkpoints is not None and checkpoints.save_last:
            return checkpoints.save_last_now(trainer)  # last.ckpt, known to the callback as the newest
        path = self.dirpath / "last.ckpt"
        trainer.save_checkpoint(path)
        return str(path)
