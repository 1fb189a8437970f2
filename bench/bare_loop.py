"""The training loop a user would write without a framework, nanoGPT-style: random windows from the token array,
AdamW with decay on the matrices, warmup then cosine, clipping at norm 1, bf16 autocast and fused AdamW on CUDA.
It is the yardstick for train.py's overhead and runs any network that maps token ids to logits (ours, or a
transformers model), so the network is the only difference between two of its runs.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

import numpy as np
import torch
import torch.nn.functional as F


def sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def random_windows(tokens: np.ndarray, batch: int, seq_len: int, rng: np.random.Generator) -> torch.Tensor:
    starts = rng.integers(0, len(tokens) - seq_len - 1, batch)
    return torch.from_numpy(np.stack([tokens[s : s + seq_len + 1] for s in starts]).astype(np.int64))


def steady_seconds_per_step(marks: list[float]) -> float:
    """Seconds per step over the second half of a run (compilation, allocation and warm-up are behind it), from
    the time marks taken after each step."""
    half = len(marks) // 2
    return (marks[-1] - marks[half]) / max(1, len(marks) - 1 - half)


def train_steps(
    network: torch.nn.Module,
    logits_of: Callable[[torch.nn.Module, torch.Tensor], torch.Tensor],
    tokens: np.ndarray,
    *,
    batch: int,
    seq_len: int,
    steps: int,
    device: torch.device,
    lr: float = 3e-3,
    min_lr: float = 3e-4,
    warmup_steps: int = 100,
    weight_decay: float = 0.1,
    seed: int = 0,
) -> list[float]:
    """Trains `network` for `steps` optimizer steps; the time after each (synchronized on CUDA only at the two
    marks `steady_seconds_per_step` reads, so timing adds no host syncs to the steps it measures)."""
    network.to(device).train()
    matrices = [p for p in network.parameters() if p.dim() >= 2]
    others = [p for p in network.parameters() if p.dim() < 2]
    optimizer = torch.optim.AdamW(
        [{"params": matrices, "weight_decay": weight_decay}, {"params": others, "weight_decay": 0.0}],
        lr=lr,
        betas=(0.9, 0.95),
        eps=1e-8,
        fused=device.type == "cuda",
    )

    def schedule(step: int) -> float:
        if step < warmup_steps:
            return (step + 1) / warmup_steps
        progress = min(1.0, (step - warmup_steps) / max(1, steps - warmup_steps))
        return min_lr / lr + (1 - min_lr / lr) * 0.5 * (1 + math.cos(math.pi * progress))

    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, schedule)
    rng = np.random.default_rng(seed)
    autocast = torch.autocast(device.type, dtype=torch.bfloat16, enabled=device.type == "cuda")
    marks = []
    for step in range(steps):
        x = random_windows(tokens, batch, seq_len, rng).to(device, non_blocking=True)
        with autocast:
            logits = logits_of(network, x[:, :-1])
        loss = F.cross_entropy(logits.float().reshape(-1, logits.size(-1)), x[:, 1:].reshape(-1))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(network.parameters(), 1.0)
        optimizer.step()
        scheduler.step()
        optimizer.zero_grad(set_to_none=True)
        if step in (steps // 2, steps - 1):
            sync(device)
        marks.append(time.perf_counter())
    return marks
