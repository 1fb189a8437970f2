"""Callbacks that watch and steer training: the token budget, throughput, sample stories, W&B run identity."""

from __future__ import annotations

import math
import time
from pathlib import Path

import lightning as L
import torch
from lightning.pytorch.loggers import WandbLogger
from lightning.pytorch.strategies import FSDPStrategy
from lightning.pytorch.utilities import rank_zero_info

from tinystories.errors import ConfigError


class TokenBudget(L.Callback):
    """Turns a global batch in tokens into gradient accumulation for whatever device count the run has, an
    optional `max_tokens` into `max_steps`, and a validation interval in optimizer steps into Lightning's interval
    in batches; so a config means the same optimization on 1 GPU or 64."""

    def __init__(
        self,
        global_batch_tokens: int,
        max_tokens: int | None = None,
        val_every_steps: int | None = None,
        tokens_per_param: float | None = None,
    ) -> None:
        self.global_batch_tokens, self.max_tokens = int(global_batch_tokens), max_tokens
        self.val_every_steps, self.tokens_per_param = val_every_steps, tokens_per_param

    def setup(self, trainer: L.Trainer, pl_module: L.LightningModule, stage: str) -> None:
        if stage != "fit":
            return
        dm = trainer.datamodule
        micro = dm.batch_size * dm.seq_len * trainer.world_size
        if self.global_batch_tokens < micro or self.global_batch_tokens % micro:
            raise ConfigError(
                f"global_batch_tokens={self.global_batch_tokens} is not a multiple of one micro-step's tokens "
                f"(data.batch_size={dm.batch_size} x data.seq_len={dm.seq_len} x {trainer.world_size} devices = "
                f"{micro}); set global_batch_tokens to a multiple of {micro} or change data.batch_size"
            )
        trainer.accumulate_grad_batches = self.global_batch_tokens // micro
        if self.tokens_per_param and self.max_tokens:
            raise ConfigError("set max_tokens or tokens_per_param, not both")
        if self.tokens_per_param:  # a budget that grows with the model, for scaling sweeps
            self.max_tokens = int(float(self.tokens_per_param) * pl_module.planned_num_params(dm.vocab_size))
        if self.max_tokens:
            trainer.fit_loop.epoch_loop.max_steps = max(1, math.ceil(float(self.max_tokens) / self.global_batch_tokens))
        if self.val_every_steps and not trainer.fast_dev_run and not trainer.overfit_batches:
            steps = min(self.val_every_steps, trainer.max_steps)
            trainer.val_check_interval = steps * trainer.accumulate_grad_batches
            trainer.check_val_every_n_epoch = None
        rank_zero_info(
            f"Batch: {self.global_batch_tokens:,} tokens per step = {dm.batch_size} x {dm.seq_len} tokens x "
            f"{trainer.world_size} devices x {trainer.accumulate_grad_batches} accumulation; "
            f"{trainer.max_steps:,} steps = {trainer.max_steps * self.global_batch_tokens:,} tokens"
        )


class Throughput(L.Callback):
    """Logs `perf/tokens_per_s` and `data/tokens_seen` on logging steps. Time spent in validation is left out, so
    the rate is the training speed; `tokens_per_s` gives it for the whole fit, for the run's summary."""

    def __init__(self) -> None:
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
            pl_module.log("perf/tokens_per_s", (tokens - last_tokens) / (seconds - last_seconds))
        pl_module.log("data/tokens_seen", float(tokens))
        pl_module.log("perf/flops", float(tokens) * pl_module.flops_per_token())
        self._at_last_log = (seconds, tokens)

    def on_validation_start(self, trainer: L.Trainer, pl_module: L.LightningModule) -> None:
        if trainer.training:
            self._pause()

    def on_validation_end(self, trainer: L.Trainer, pl_module: L.LightningModule) -> None:
        if trainer.training:
            self._resume()

    def on_train_end(self, trainer: L.Trainer, pl_module: L.LightningModule) -> None:
        self._pause()
        self.tokens_trained = pl_module.tokens_seen - self._start_tokens

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
    and to W&B as a table. Sampling uses its own seed, so it does not change the training's random stream."""

    def __init__(
        self,
        dirpath: str,
        prompts: list[str],
        max_new_tokens: int = 200,
        temperature: float = 0.8,
        top_k: int | None = None,
        top_p: float | None = 0.95,
        seed: int = 0,
    ) -> None:
        self.path = Path(dirpath) / "samples.md"
        self.prompts, self.max_new_tokens = list(prompts), max_new_tokens
        self.temperature, self.top_k, self.top_p, self.seed = temperature, top_k, top_p, seed
        self._last_step = -1

    def stories(self, trainer: L.Trainer, pl_module: L.LightningModule) -> list[tuple[str, str]]:
        tokenizer = trainer.datamodule.tokenizer
        devices = [pl_module.device] if pl_module.device.type == "cuda" else []
        out = []
        with torch.random.fork_rng(devices=devices):
            torch.manual_seed(self.seed)
            for prompt in self.prompts:
                (story,) = pl_module.continue_text(
                    tokenizer, prompt, self.max_new_tokens, 1, self.temperature, self.top_k, self.top_p
                )
                out.append((prompt, prompt + story))
        return out

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
