"""Callbacks that watch and steer training: the batch plan, throughput, the curriculum, sample stories, W&B run
identity."""

from __future__ import annotations

import math
import time
from pathlib import Path

import lightning as L
import torch
from lightning.pytorch.callbacks import TQDMProgressBar
from lightning.pytorch.loggers import WandbLogger
from lightning.pytorch.strategies import FSDPStrategy
from lightning.pytorch.utilities import rank_zero_info

from tinystories.batch_plan import BatchPlan, plan_batches
from tinystories.console import to_log_file
from tinystories.sampling import Sampling, continue_texts


class BatchPlanner(L.Callback):
    """Makes the run's `BatchPlan` and hands it to the data module and the module, then tells the Trainer the
    accumulation, length and validation interval it implies. Done in `setup`, where Lightning has set up the
    data module (the tokenizer, hence the parameter count, is known) and not yet built the network, the
    optimizer or the data loaders (tests/test_batch_plan.py pins that order)."""

    def __init__(
        self,
        global_batch_tokens: int,
        max_tokens: int | None = None,
        val_every_steps: int | None = None,
        tokens_per_param: float | None = None,
    ) -> None:
        self.global_batch_tokens, self.max_tokens = global_batch_tokens, max_tokens
        self.val_every_steps, self.tokens_per_param = val_every_steps, tokens_per_param
        self._val_batches: int | float | None = None

    def setup(self, trainer: L.Trainer, pl_module: L.LightningModule, stage: str) -> None:
        self._share_validation(trainer)
        if stage != "fit":
            return
        dm = trainer.datamodule
        steered = trainer.fast_dev_run or trainer.overfit_batches  # Lightning's debug modes keep their interval
        plan = self.plan(
            micro_batch=dm.batch_size,
            seq_len=dm.seq_len,
            devices=trainer.world_size,
            max_steps=trainer.max_steps,  # as configured (trainer.max_steps, or fast_dev_run's)
            num_params=lambda: pl_module.planned_num_params(dm.vocab_size),
            validate=not steered,
        )
        trainer.accumulate_grad_batches = plan.accumulation
        trainer.fit_loop.epoch_loop.max_steps = plan.max_steps
        if plan.val_every_steps:
            trainer.val_check_interval = plan.val_every_steps * plan.accumulation  # Lightning counts batches
            trainer.check_val_every_n_epoch = None
        dm.plan = pl_module.plan = plan
        rank_zero_info(plan.describe())

    def plan(
        self, *, micro_batch: int, seq_len: int, devices: int, max_steps: int, num_params, validate: bool = True
    ) -> BatchPlan:
        """The plan for these settings; `build` also calls it before Lightning starts the other ranks, so that a
        plan that cannot work is one error in one process (with a stand-in parameter count: the real one needs
        the tokenizer)."""
        return plan_batches(
            global_batch_tokens=self.global_batch_tokens,
            micro_batch=micro_batch,
            seq_len=seq_len,
            devices=devices,
            max_steps=max_steps,
            max_tokens=self.max_tokens,
            tokens_per_param=self.tokens_per_param,
            num_params=num_params,
            val_every_steps=self.val_every_steps if validate else None,
        )

    def _share_validation(self, trainer: L.Trainer) -> None:
        """An int trainer.limit_val_batches counts batches over all ranks, so that a validation reads the same
        sequences on 1 device or 8 (Lightning applies it per rank)."""
        if self._val_batches is None:
            self._val_batches = trainer.limit_val_batches  # as configured, before it is divided
        if isinstance(self._val_batches, int) and self._val_batches > 0:
            trainer.limit_val_batches = math.ceil(self._val_batches / trainer.world_size)

    def on_train_start(self, trainer: L.Trainer, pl_module: L.LightningModule) -> None:
        """Counts a resumed run's batches under this run's accumulation. Lightning restores how many micro-batches
        were seen and counts the validation interval and the accumulation in them; a run resumed with another
        device count (so another accumulation) would otherwise validate, checkpoint and step off the plan's
        optimizer steps."""
        progress = trainer.fit_loop.epoch_loop.batch_progress
        batches = trainer.global_step * trainer.accumulate_grad_batches
        if not trainer.global_step or progress.total.ready == batches:
            return
        for counts in (progress.total, progress.current):
            ready = counts.ready  # the other counts lag it by one when the save was made inside a batch's hooks
            for name in ("ready", "started", "processed", "completed"):
                setattr(counts, name, batches - (ready - getattr(counts, name)))


def device_peak_flops(trainer: L.Trainer) -> float | None:
    """The dense peak FLOP/s of one of the run's devices at its compute precision (`tinystories.peak_flops`);
    None for a CPU or a device no table knows."""
    from tinystories.peak_flops import peak_flops

    precision = str(trainer.precision)
    dtype = torch.bfloat16 if precision.startswith("bf16") else torch.float16 if precision.startswith("16") else None
    return peak_flops(trainer.strategy.root_device, dtype or torch.float32)


class Throughput(L.Callback):
    """Logs `perf/tokens_per_s`, `perf/mfu` and `data/tokens_seen` on logging steps. Time spent in validation is
    left out, so the rate is the training speed; `tokens_per_s` gives it for the whole fit, and `val_seconds` the
    time the validations took, for the run's summary.

    MFU is the model's FLOPs (`tinystories.model.training_flops_per_token`, PaLM's count) per second over the peak
    of all devices. `peak_flops` is one device's peak: None takes the detected accelerator's at the run's
    precision; a CPU has no published peak, so there MFU is logged only when a measured figure is given."""

    def __init__(self, peak_flops: float | None = None) -> None:
        self.peak_flops = peak_flops
        self.mfu = 0.0
        self.val_seconds = 0.0  # validations within the fit, with the sample stories, probes and checkpoints
        self.train_seconds = 0.0
        self.tokens_trained = 0
        self._since: float | None = None  # start of the current stretch of training; None while paused
        self._at_last_log = (0.0, 0)  # (train_seconds, tokens_seen) when the rate was last logged
        self._last_step = -1

    def _pause(self) -> None:
        if self._since is not None:
            self.train_seconds += time.perf_counter() - self._since
            self._since = None

    def _resume(self) -> None:
        self._since = time.perf_counter()

    def on_train_start(self, trainer: L.Trainer, pl_module: L.LightningModule) -> None:
        peak = self.peak_flops or device_peak_flops(trainer)
        self._all_devices_peak = peak * trainer.world_size if peak else None
        self._start_tokens = pl_module.tokens_seen
        self._at_last_log = (self.train_seconds, pl_module.tokens_seen)
        self._resume()

    def on_train_batch_end(self, trainer, pl_module, outputs, batch, batch_idx) -> None:
        if trainer.global_step == self._last_step or not pl_module.is_log_step():
            return
        self._last_step = trainer.global_step
        self._pause()
        self._resume()
        seconds, tokens = self.train_seconds, pl_module.tokens_seen
        last_seconds, last_tokens = self._at_last_log
        if seconds > last_seconds:
            rate = (tokens - last_tokens) / (seconds - last_seconds)
            pl_module.log("perf/tokens_per_s", rate)
            if self._all_devices_peak:
                self.mfu = rate * pl_module.flops_per_token() / self._all_devices_peak
                pl_module.log("perf/mfu", self.mfu)
        pl_module.log("data/tokens_seen", float(tokens))
        pl_module.log("perf/flops", float(tokens) * pl_module.flops_per_token())
        self._at_last_log = (seconds, tokens)

    def on_validation_start(self, trainer: L.Trainer, pl_module: L.LightningModule) -> None:
        if trainer.state.fn == "fit":  # a validation within the fit (`trainer.training` is False during it)
            self._pause()
            self._val_since = time.perf_counter()

    def on_validation_end(self, trainer: L.Trainer, pl_module: L.LightningModule) -> None:
        # Callbacks listed before this one (checkpoints, sample stories) have run their on_validation_end.
        if trainer.state.fn == "fit":
            self.val_seconds += time.perf_counter() - self._val_since
            self._resume()

    def on_train_end(self, trainer: L.Trainer, pl_module: L.LightningModule) -> None:
        self._pause()
        self.tokens_trained = pl_module.tokens_seen - self._start_tokens
        if self._all_devices_peak and self.train_seconds > 0:
            self.mfu = self.tokens_per_s * pl_module.flops_per_token() / self._all_devices_peak

    @property
    def tokens_per_s(self) -> float:
        return self.tokens_trained / self.train_seconds if self.train_seconds > 0 else 0.0


class CurriculumMonitor(L.Callback):
    """Logs where the curriculum is: `curriculum/stage` and the stage's limits (story length in tokens,
    difficulty score, window length)."""

    def on_train_batch_end(self, trainer, pl_module, outputs, batch, batch_idx) -> None:
        windows = getattr(trainer.datamodule, "curriculum_windows", None)
        if windows is None or not pl_module.is_log_step():
            return
        index, stage = windows.batches.curriculum.stage_at(trainer.global_step / trainer.max_steps)
        max_len, max_score = windows.limits[index]
        pl_module.log_dict(
            {
                "curriculum/stage": float(index),
                "curriculum/max_len": float(max_len),
                "curriculum/max_score": max_score,
                "curriculum/seq_len": float(batch.shape[1] - 1),
            }
        )


class SampleStories(L.Callback):
    """After each validation, writes stories from fixed prompts to the console, to `samples.md` in the run dir,
    and to W&B as a table. `sampling.seed` gives the stories a random stream of their own, so the same weights
    give the same stories and the training's random stream does not move."""

    def __init__(self, dirpath: str, prompts: list[str], sampling: Sampling | None = None) -> None:
        self.path = Path(dirpath) / "samples.md"
        self.prompts = list(prompts)
        self.sampling = sampling or Sampling(temperature=0.8, top_p=0.95, seed=0)
        self._last_step = -1

    def stories(self, trainer: L.Trainer, pl_module: L.LightningModule) -> list[tuple[str, str]]:
        """One story per prompt, all written in one batch."""
        texts = continue_texts(pl_module.model, trainer.datamodule.tokenizer, self.prompts, self.sampling)
        return [(prompt, prompt + text) for prompt, text in zip(self.prompts, texts, strict=True)]

    def on_validation_end(self, trainer: L.Trainer, pl_module: L.LightningModule) -> None:
        if trainer.sanity_checking or not trainer.is_global_zero or trainer.global_step == self._last_step:
            return
        if isinstance(trainer.strategy, FSDPStrategy):
            # Rank 0 alone cannot run a sharded model (every forward gathers from all ranks).
            if self._last_step == -1:
                rank_zero_info("Sample stories are off under FSDP: python -m tinystories.generate on a checkpoint.")
            self._last_step = trainer.global_step
            return
        self._last_step = step = trainer.global_step
        stories = self.stories(trainer, pl_module)
        text = "\n\n".join(f"--- {prompt!r}\n{story}" for prompt, story in stories)
        print(f"\nSample stories at step {step}:\n{text}\n", flush=True)
        to_log_file(f"Sample stories at step {step}:\n{text}")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path, "a", encoding="utf-8") as f:
            f.write(f"## Step {step}\n\n" + "\n\n".join(f"**{p}**\n\n{s}" for p, s in stories) + "\n\n")
        for logger in trainer.loggers:
            if isinstance(logger, WandbLogger):
                logger.log_text(
                    key="samples", columns=["step", "prompt", "story"], data=[[step, p, s] for p, s in stories]
                )


class WandbRunId(L.Callback):
    """Keeps the W&B run id in each checkpoint, so a resumed or requeued run continues the same W&B run."""

    def on_save_checkpoint(self, trainer: L.Trainer, pl_module: L.LightningModule, checkpoint: dict) -> None:
        for logger in trainer.loggers:
            if isinstance(logger, WandbLogger):
                checkpoint["wandb_run_id"] = logger.version


class WandbTokenizer(L.Callback):
    """Logs the run's tokenizer as a W&B artifact (`tokenizer-RUNID`, type tokenizer), beside the checkpoints that
    `logger.wandb.log_model` logs as `model-RUNID` (aliases best and latest): what is needed to use the model is
    in the W&B run, as it is in the run dir. Offline, both wait in the run files for `wandb sync`."""

    def on_train_start(self, trainer: L.Trainer, pl_module: L.LightningModule) -> None:
        folder = Path(getattr(trainer.datamodule, "run_dir", "") or ".") / "tokenizer"
        loggers = [lg for lg in trainer.loggers if isinstance(lg, WandbLogger) and lg._log_model]
        if not trainer.is_global_zero or not loggers or not (folder / "tokenizer.json").is_file():
            return
        import wandb

        run = loggers[0].experiment
        artifact = wandb.Artifact(f"tokenizer-{run.id}", type="tokenizer")
        artifact.add_dir(str(folder))
        run.log_artifact(artifact, aliases=["latest"])


class ProgressBar(TQDMProgressBar):
    """Lightning's progress bar without the logger's version (`v_num`, W&B's run id): on an 80-column terminal
    the id and the loss left the bar itself a character or two wide, and the id is in the run dir's name."""

    def get_metrics(self, trainer: L.Trainer, pl_module: L.LightningModule) -> dict:
        items = super().get_metrics(trainer, pl_module)
        items.pop("v_num", None)
        return items
