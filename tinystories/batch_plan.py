"""The batch plan of a run: how many tokens an optimizer step takes and how they are split over devices and
micro-steps, and how many steps the run has. Computed once, from the config and the launch's device count, and
handed to the data module (what each rank loads, from where) and the module (the LR schedule, FLOPs); the Trainer
is told the accumulation and length it implies. So a config means the same optimization on 1 GPU or 64.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from tinystories.errors import ConfigError


@dataclass(frozen=True)
class BatchPlan:
    global_batch_tokens: int  # tokens per optimizer step, over all devices
    micro_batch: int  # sequences per device per micro-step (data.batch_size)
    seq_len: int  # tokens per sequence (data.seq_len)
    devices: int  # processes over all nodes
    accumulation: int  # micro-steps per optimizer step
    max_steps: int  # optimizer steps of the whole run
    val_every_steps: int | None = None  # optimizer steps between validations; None: Lightning's default

    @property
    def tokens(self) -> int:
        return self.max_steps * self.global_batch_tokens

    def describe(self) -> str:
        return (
            f"Batch: {self.global_batch_tokens:,} tokens per step = {self.micro_batch} x {self.seq_len} tokens x "
            f"{self.devices} devices x {self.accumulation} accumulation; "
            f"{self.max_steps:,} steps = {self.tokens:,} tokens"
        )


def plan_batches(
    *,
    global_batch_tokens: int,
    micro_batch: int,
    seq_len: int,
    devices: int,
    max_steps: int | None,
    max_tokens: int | None = None,
    tokens_per_param: float | None = None,
    num_params: Callable[[], int] | None = None,
    val_every_steps: int | None = None,
) -> BatchPlan:
    """The plan, or one ConfigError naming the setting to change. `micro_batch` is lowered where a smaller one
    divides the step's sequences and the configured one does not. The length is `max_tokens`, else
    `tokens_per_param` x `num_params()` (a budget that grows with the model, for scaling sweeps), else
    `max_steps`."""
    global_batch_tokens = int(global_batch_tokens)
    sequences, rest = divmod(global_batch_tokens, seq_len * devices)  # per device and optimizer step
    if not rest and sequences and sequences % micro_batch:
        # The micro-batch is a memory limit, not part of the optimization: the largest that fits the step is
        # taken, so a documented trainer (trainer=ddp_cpu: 2 devices) works with the default batch.
        micro_batch = max(d for d in range(1, min(micro_batch, sequences) + 1) if sequences % d == 0)
    micro = micro_batch * seq_len * devices
    if global_batch_tokens < micro or global_batch_tokens % micro:
        raise ConfigError(
            f"global_batch_tokens={global_batch_tokens} is not a multiple of one micro-step's tokens "
            f"(data.batch_size={micro_batch} x data.seq_len={seq_len} x {devices} devices = {micro}); "
            f"set global_batch_tokens to a multiple of {micro} or change data.batch_size"
        )
    if tokens_per_param and max_tokens:
        raise ConfigError("set max_tokens or tokens_per_param, not both")
    if tokens_per_param:
        if num_params is None:
            raise ConfigError("tokens_per_param needs the model's parameter count")
        max_tokens = int(float(tokens_per_param) * num_params())
    if max_tokens:
        max_steps = max(1, math.ceil(float(max_tokens) / global_batch_tokens))
    if max_steps is None or max_steps < 1:
        raise ConfigError("set the training length: trainer.max_steps=N, max_tokens=N or tokens_per_param=N")
    if val_every_steps is not None and val_every_steps < 1:
        raise ConfigError(f"val_every_steps={val_every_steps} must be a positive number of steps (or null)")
    return BatchPlan(
        global_batch_tokens=global_batch_tokens,
        micro_batch=micro_batch,
        seq_len=seq_len,
        devices=devices,
        accumulation=global_batch_tokens // micro,
        max_steps=int(max_steps),
        val_every_steps=min(val_every_steps, int(max_steps)) if val_every_steps else None,
    )
