"""LanguageModel: the training step, optimizer, LR schedule and logged metrics around a Transformer. Training
only: sampling from the network is `tinystories.sampling`, loading Hugging Face weights `tinystories.hf`.

The network is built in `configure_model`, once the data module has its tokenizer, because the tokenizer's
vocabulary decides the embedding size. The vocabulary size is then kept in the hyperparameters, so a checkpoint
rebuilds the same network on its own. The run's `BatchPlan` (steps, accumulation, context) is handed to the module
before the optimizer is configured; the LR schedule and the FLOP count follow it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

import lightning as L
import torch
import torch.nn.functional as F
from lightning.pytorch.strategies import FSDPStrategy
from lightning.pytorch.utilities import rank_zero_info

from tinystories.errors import ConfigError, NonFiniteLoss
from tinystories.model import ModelConfig, Transformer, training_flops_per_token
from tinystories.preflight import check_optimizer_settings, model_config
from tinystories.resume import vocabulary_mismatch

if TYPE_CHECKING:
    from tinystories.batch_plan import BatchPlan

WRAPPERS = {"_fsdp_wrapped_module", "_checkpoint_wrapped_module", "_orig_mod"}


def unwrapped_name(name: str) -> str:
    """A parameter's name as in the plain model, without the modules FSDP and activation checkpointing insert."""
    return ".".join(part for part in name.split(".") if part not in WRAPPERS)


class LanguageModel(L.LightningModule):
    def __init__(
        self,
        model: dict,
        vocab_size: int | None = None,
        lr: float = 3e-3,
        min_lr: float = 3e-4,
        warmup_steps: int = 100,
        weight_decay: float = 0.1,
        betas: tuple[float, float] = (0.9, 0.95),
        eps: float = 1e-8,
        compile: bool = False,
        skip_nonfinite: bool = False,
        fused: bool | None = None,
        init_weights: Callable[[Transformer], None] | None = None,
    ) -> None:
        """`model`: the shape keys of a conf/model preset. `skip_nonfinite`: skip an optimizer step whose
        gradients are NaN or infinite (and say so) instead of stopping the run. `fused`: fused AdamW (None: on
        GPUs, not under fp16 AMP); its non-finite steps are skipped on the device, without a host sync per step.
        `init_weights`: applied to the network once it is built, before a checkpoint is restored (e.g.
        `tinystories.hf.HFWeights(DIR)` for `model.init_from=DIR`)."""
        check_optimizer_settings(lr, min_lr, warmup_steps, weight_decay, betas, eps)
        super().__init__()
        # train.py logs the whole resolved config instead; the initializer is code, not a hyperparameter.
        self.save_hyperparameters(ignore=["init_weights"], logger=False)
        self.init_weights = init_weights
        self.plan: BatchPlan | None = None  # set by the BatchPlanner callback before configure_optimizers
        self.model: Transformer | None = None
        self.tokens_seen = 0
        self._val_sum: torch.Tensor | None = None
        self._val_count = 0
        self.validated_at_step = -1  # the global step of the latest validation (not counting a sanity check)
        self.skipped_steps = 0  # optimizer steps skipped for non-finite gradients (skip_nonfinite)
        self._nonfinite: dict[str, torch.Tensor] | None = None  # fused AdamW's skipped steps, counted on the device
        self._nonfinite_read = 0  # how many of those the host has seen
        self._loss_sum: torch.Tensor | None = None  # the micro-batch losses of a logging step, summed
        self._model_config(vocab_size or 1)  # a shape error now, in the launching process, not in every rank
        if vocab_size is not None:
            self._build(vocab_size)

    # --- the network ------------------------------------------------------------------------------------------
    def _model_config(self, vocab_size: int) -> ModelConfig:
        return model_config(self.hparams.model, vocab_size)

    def planned_num_params(self, vocab_size: int) -> int:
        """The parameter count of the network this module will build, before building it (on the meta device,
        so nothing is allocated): a token budget per parameter is known before the optimizer's schedule is."""
        with torch.device("meta"):
            return Transformer(self._model_config(vocab_size)).num_params()

    def _build(self, vocab_size: int) -> None:
        cfg = self._model_config(vocab_size)
        self.model = Transformer(cfg)
        self.hparams.vocab_size = vocab_size
        # Counted here, on the whole model: FSDP later shows each rank its parameters as flat 1-D shards, and
        # prefixes their names with its wrappers. Weight decay goes to the matrices.
        self._matrices = {n for n, p in self.model.named_parameters() if p.dim() >= 2}
        self._num_params = {ne: self.model.num_params(non_embedding=ne) for ne in (False, True)}
        # The compiled wrapper is kept outside the module tree, so state-dict keys stay free of `_orig_mod.`.
        self.__dict__["_net"] = torch.compile(self.model) if self.hparams.compile else self.model

    def configure_model(self) -> None:
        # `_trainer` rather than `trainer`: load_from_checkpoint calls this hook with no Trainer attached.
        datamodule = getattr(self._trainer, "datamodule", None)
        if datamodule is None:
            if self.model is None:
                raise ConfigError("LanguageModel needs vocab_size, or a datamodule that provides it")
            return
        vocab = datamodule.vocab_size
        if self.model is None:
            self._build(vocab)
            if self.init_weights is not None:
                self.init_weights(self.model)
                rank_zero_info(f"Initialized the model from {self.init_weights}")
        elif self.model.cfg.vocab_size != vocab:
            raise ConfigError(
                f"the model has a {self.model.cfg.vocab_size}-token vocabulary but the tokenizer has {vocab}: "
                f"use the tokenizer the model was trained with"
            )
        if datamodule.seq_len > self.model.cfg.max_seq_len:
            raise ConfigError(
                f"data.seq_len={datamodule.seq_len} is larger than the model's positions "
                f"(model.max_seq_len={self.model.cfg.max_seq_len}); lower data.seq_len or raise model.max_seq_len"
            )

    def forward(self, idx: torch.Tensor) -> torch.Tensor:
        return self._net(idx)

    def num_params(self, non_embedding: bool = False) -> int:
        return self._num_params[non_embedding]

    def flops_per_token(self) -> int:
        """Training FLOPs per token at the plan's context length (see `training_flops_per_token`)."""
        return training_flops_per_token(self.model.cfg, self.num_params(True), self._plan().seq_len)

    def _plan(self) -> BatchPlan:
        if self.plan is None:
            raise RuntimeError("LanguageModel needs its BatchPlan: train with the BatchPlanner callback")
        return self.plan

    # --- training ---------------------------------------------------------------------------------------------
    def _loss(self, batch: torch.Tensor) -> torch.Tensor:
        x, y = batch[:, :-1], batch[:, 1:]
        logits = self(x)
        return F.cross_entropy(logits.float().reshape(-1, logits.size(-1)), y.reshape(-1))

    def on_fit_start(self) -> None:
        counts = {"params/total": self.num_params(), "params/non_embedding": self.num_params(non_embedding=True)}
        rank_zero_info(
            f"Model: {self.model.cfg.family}, {counts['params/total']:,} parameters "
            f"({counts['params/non_embedding']:,} non-embedding), vocab {self.model.cfg.vocab_size}"
        )
        for logger in self.loggers:
            logger.log_hyperparams(counts)

    def is_log_step(self, before_step: bool = False) -> bool:
        """True on the optimizer steps whose metrics the loggers receive; only then is a host sync worth it.
        `before_step`: asked before the optimizer step in progress is counted in `global_step`."""
        return (self.trainer.global_step + before_step) % self.trainer.log_every_n_steps == 0

    def training_step(self, batch: torch.Tensor, batch_idx: int) -> torch.Tensor:
        loss = self._loss(batch)
        self.tokens_seen += (batch.shape[0] * (batch.shape[1] - 1)) * self.trainer.world_size
        if self.is_log_step(before_step=True):  # summed on the device; logged once per step, below
            self._loss_sum = loss.detach() + (0 if self._loss_sum is None else self._loss_sum)
        return loss

    def on_before_optimizer_step(self, optimizer: torch.optim.Optimizer) -> None:
        if self.is_log_step(before_step=True):
            # The step's loss: the mean over its micro-batches and all ranks, so the curve is the same for any
            # device count. A logged value costs about 1 ms of Lightning's bookkeeping: on logging steps only.
            loss, self._loss_sum = self._loss_sum / self.trainer.accumulate_grad_batches, None
            self.log("train/loss", loss, prog_bar=True, sync_dist=self.trainer.world_size > 1)
            self.log("train/lr", optimizer.param_groups[0]["lr"])

    def configure_gradient_clipping(
        self, optimizer: torch.optim.Optimizer, gradient_clip_val: float | None = None, gradient_clip_algorithm=None
    ) -> None:
        """Clips by the global gradient norm for every strategy, and logs the norm before clipping. Done here
        because Lightning refuses norm clipping under FSDP and, with fused AdamW, under bf16 mixed precision
        (where nothing is scaled); FSDP's own `clip_grad_norm_` takes the norm over all ranks' shards."""
        if gradient_clip_algorithm not in (None, "norm"):
            return super().configure_gradient_clipping(optimizer, gradient_clip_val, gradient_clip_algorithm)
        max_norm = gradient_clip_val or math.inf
        model = self.trainer.model
        if hasattr(model, "clip_grad_norm_"):  # FullyShardedDataParallel
            norm = model.clip_grad_norm_(max_norm)
        else:
            norm = torch.nn.utils.clip_grad_norm_(self.parameters(), max_norm)  # skips parameters without grads
        # The norm is the same on every rank (gradients are averaged, FSDP's norm is global), so all ranks take
        # the same branch. Fused AdamW skips a step with non-finite gradients on the device (`found_inf`, as
        # under a GradScaler), so the host reads the count only where it syncs anyway: on logging steps. Other
        # optimizers need the check before their step: one host sync per optimizer step.
        log_step = self.is_log_step(before_step=True)
        if self._loss_scaled():
            pass
        elif getattr(optimizer, "defaults", {}).get("fused"):
            self._skip_on_device(norm, optimizer)
            if log_step:
                self._read_nonfinite(log=True)
        elif not torch.isfinite(norm):
            self._nonfinite_step(norm, optimizer)
            return
        if log_step:
            self.log("train/grad_norm", norm)

    def _skip_on_device(self, norm: torch.Tensor, optimizer: torch.optim.Optimizer) -> None:
        nonfinite = ~torch.isfinite(norm.detach().float())
        optimizer.found_inf = nonfinite.float()  # read by the fused kernel: params, moments and step untouched
        if self._nonfinite is None:
            zero = torch.zeros((), device=norm.device)
            self._nonfinite = {"count": zero.clone(), "first_step": zero - 1, "first_norm": zero.clone()}
        state, first = self._nonfinite, nonfinite & (self._nonfinite["first_step"] < 0)
        state["count"] += nonfinite
        state["first_step"] = torch.where(first, float(self.trainer.global_step), state["first_step"])
        state["first_norm"] = torch.where(first, norm.detach().float(), state["first_norm"])

    def _read_nonfinite(self, log: bool = False) -> None:
        """Acts on the non-finite steps fused AdamW skipped since the last read: stops the run, naming the
        first, or counts them as skipped steps (skip_nonfinite)."""
        if self._nonfinite is None:
            return
        count = int(self._nonfinite["count"].item())
        if count == self._nonfinite_read:
            return
        new, self._nonfinite_read = count - self._nonfinite_read, count
        step, norm = int(self._nonfinite["first_step"].item()), float(self._nonfinite["first_norm"].item())
        self._nonfinite["first_step"].fill_(-1)
        if not self.hparams.skip_nonfinite:
            raise self._nonfinite_error(norm, step)
        self.skipped_steps += new
        rank_zero_info(
            f"Skipped {new} step(s) from step {step} on: non-finite gradients ({norm}); {self.skipped_steps} so far"
        )
        if log:
            self.log("train/skipped_steps", float(self.skipped_steps))

    def on_validation_start(self) -> None:
        self._read_nonfinite()  # before a checkpoint records the skipped steps or the run goes on past them

    def on_train_end(self) -> None:
        self._read_nonfinite()

    def _nonfinite_error(self, norm: float, step: int) -> NonFiniteLoss:
        checkpoint = getattr(self.trainer.checkpoint_callback, "last_model_path", "") or "none saved yet"
        return NonFiniteLoss(
            f"the gradients are {norm} at step {step} (the loss diverged); no update with them was applied. The "
            f"last good checkpoint: {checkpoint}. Lower module.lr or raise module.warmup_steps, or set "
            f"module.skip_nonfinite=true to skip such steps"
        )

    def _loss_scaled(self) -> bool:
        """fp16 mixed precision: its loss scaler expects overflowing steps now and then and skips them itself."""
        return str(self.trainer.precision).startswith("16")

    def _nonfinite_step(self, norm: torch.Tensor, optimizer: torch.optim.Optimizer) -> None:
        step = self.trainer.global_step
        if not self.hparams.skip_nonfinite:
            raise self._nonfinite_error(float(norm), step)
        # AdamW leaves a parameter without a gradient untouched (no moment update, no decay): a skipped step.
        for group in optimizer.param_groups:
            for p in group["params"]:
                p.grad = None
        self.skipped_steps += 1
        rank_zero_info(f"Skipped step {step}: non-finite gradients ({float(norm)}); {self.skipped_steps} so far")
        self.log("train/skipped_steps", float(self.skipped_steps))

    def on_validation_epoch_start(self) -> None:
        self._val_sum, self._val_count = torch.zeros((), device=self.device, dtype=torch.float64), 0

    def validation_step(self, batch: torch.Tensor, batch_idx: int) -> None:
        self._val_sum += self._loss(batch).double() * batch.shape[0]
        self._val_count += batch.shape[0]

    def on_validation_epoch_end(self) -> None:
        total = torch.stack([self._val_sum, self._val_sum.new_tensor(self._val_count)])
        total = self.trainer.strategy.reduce(total, reduce_op="sum")
        loss = (total[0] / total[1].clamp(min=1)).float()
        self.log("val/loss", loss, prog_bar=True)
        if not self.trainer.sanity_checking:
            self.validated_at_step = self.trainer.global_step
        self.log("val/ppl", loss.exp())
        datamodule = getattr(self.trainer, "datamodule", None)
        if datamodule is not None:
            self.log("val/bpb", loss / math.log(2) / datamodule.val_bytes_per_token)

    def configure_optimizers(self):
        hp = self.hparams
        params = [(unwrapped_name(n), p) for n, p in self.model.named_parameters() if p.requires_grad]
        decay = [p for n, p in params if n in self._matrices]
        no_decay = [p for n, p in params if n not in self._matrices]
        optimizer = torch.optim.AdamW(
            [{"params": decay, "weight_decay": hp.weight_decay}, {"params": no_decay, "weight_decay": 0.0}],
            lr=hp.lr,
            betas=tuple(hp.betas),
            eps=hp.eps,
            # Fused on GPUs; not under fp16 AMP, whose loss scaling Lightning undoes only for unfused optimizers.
            fused=(self.device.type == "cuda" if hp.fused is None else hp.fused)
            and self.trainer.precision != "16-mixed",
        )
        total, warmup, floor = self._plan().max_steps, hp.warmup_steps, hp.min_lr / hp.lr

        def schedule(step: int) -> float:
            if step < warmup:
                return (step + 1) / warmup
            progress = min(1.0, (step - warmup) / max(1, total - warmup))
            return floor + (1 - floor) * 0.5 * (1 + math.cos(math.pi * progress))

        scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, schedule)
        return {"optimizer": optimizer, "lr_scheduler": {"scheduler": scheduler, "interval": "step"}}

    def _check_weights_fit(self, checkpoint: dict) -> None:
        """Refuses a checkpoint whose weights do not have this model's names and shapes, naming the config
        keys that differ (the run's config.yaml holds the original ones)."""
        mine = self.state_dict()
        saved = checkpoint.get("state_dict", {})
        names = mine.keys() | saved.keys()
        wrong = [k for k in names if k not in mine or k not in saved or mine[k].shape != saved[k].shape]
        if not wrong:
            return
        config = dict(checkpoint.get("hyper_parameters", {}).get("model", {}))
        differ = {k: (v, getattr(self.model.cfg, k)) for k, v in config.items() if getattr(self.model.cfg, k, v) != v}
        keys = ", ".join(f"model.{k}={ours} (checkpoint: {theirs})" for k, (theirs, ours) in differ.items())
        raise ConfigError(
            f"the checkpoint's weights do not fit the configured model ({len(wrong)} tensors differ, e.g. "
            f"{sorted(wrong)[0]}{'; ' + keys if keys else ''}): resume with the model of the original run (its "
            f"run dir's config.yaml), or start a new run (another run_name, or ckpt_path=null)"
        )

    # --- checkpoints ------------------------------------------------------------------------------------------
    def on_save_checkpoint(self, checkpoint: dict) -> None:
        checkpoint["tokens_seen"] = self.tokens_seen

    def on_load_checkpoint(self, checkpoint: dict) -> None:
        theirs = checkpoint.get("hyper_parameters", {}).get("vocab_size")
        ours = self.model.cfg.vocab_size if self.model is not None else None
        if theirs is not None and ours is not None and theirs != ours:
            raise ConfigError(vocabulary_mismatch(theirs, ours))
        # Before Lightning loads the weights: a mismatch is one line, not 40. Not under FSDP, whose wrapped
        # module shows flat shards rather than the weights a checkpoint holds.
        if self.model is not None and not isinstance(getattr(self._trainer, "strategy", None), FSDPStrategy):
            self._check_weights_fit(checkpoint)
        self.tokens_seen = checkpoint.get("tokens_seen", 0)
