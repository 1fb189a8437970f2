"""Training parity with an independent trainer: train.py's wiring (Lightning, our module, the batch plan) and a
plain loop over the `transformers` model, written here from the documented recipe (AdamW with decay on matrices
only, linear warmup then cosine to min_lr, clipping by the global norm, accumulation 2), from the same initial
weights on the same batches, give the same losses step by step on CPU in fp32."""

from __future__ import annotations

import copy
import math
from pathlib import Path

import lightning as L
import pytest
import torch

from conftest import compose_train
from tinystories.hf import to_hf_model
from tinystories.training import build, run

pytest.importorskip("transformers", reason="parity needs the hf extra: pip install -e '.[hf]'")

STEPS, WARMUP, LR, MIN_LR, DECAY = 50, 5, 3e-3, 3e-4, 0.1
CLIP = 0.3  # within the range of the gradient norms: some steps are clipped, some not (Adam ignores a constant scale)
FAMILIES = {
    "llama": ["model=llama-40k"],
    "gpt-neo": ["model=ts-1m", "model.d_model=32", "model.n_layer=2", "model.n_head=4", "model.local_window=16"],
}


class Record(L.Callback):
    """The initial weights, every micro-batch, and the loss of every micro-batch as train.py computed it."""

    def __init__(self) -> None:
        self.initial: torch.nn.Module | None = None
        self.batches: list[torch.Tensor] = []
        self.losses: list[float] = []

    def on_train_start(self, trainer, pl_module) -> None:
        self.initial = copy.deepcopy(pl_module.model)

    def on_train_batch_start(self, trainer, pl_module, batch, batch_idx) -> None:
        self.batches.append(batch.clone())

    def on_train_batch_end(self, trainer, pl_module, outputs, batch, batch_idx) -> None:
        self.losses.append(float(outputs["loss"]) * trainer.accumulate_grad_batches)  # Lightning divides by it


def plain_loop(model: torch.nn.Module, batches: list[torch.Tensor], accumulation: int) -> list[float]:
    decay = [p for p in model.parameters() if p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    optimizer = torch.optim.AdamW(
        [{"params": decay, "weight_decay": DECAY}, {"params": no_decay, "weight_decay": 0.0}],
        lr=LR,
        betas=(0.9, 0.95),
        eps=1e-8,
    )
    losses = []
    model.train()
    for step in range(STEPS):
        if step < WARMUP:
            lr = LR * (step + 1) / WARMUP
        else:
            progress = (step - WARMUP) / (STEPS - WARMUP)
            lr = MIN_LR + (LR - MIN_LR) * 0.5 * (1 + math.cos(math.pi * progress))
        for group in optimizer.param_groups:
            group["lr"] = lr
        for batch in batches[step * accumulation : (step + 1) * accumulation]:
            loss = model(input_ids=batch, labels=batch).loss  # transformers shifts the labels itself
            (loss / accumulation).backward()
            losses.append(loss.item())
        torch.nn.utils.clip_grad_norm_(model.parameters(), CLIP)
        optimizer.step()
        optimizer.zero_grad()
    return losses


@pytest.mark.parametrize("family", FAMILIES)
def test_train_py_and_a_plain_transformers_loop_give_the_same_losses(
    family: str, tmp_path: Path, smoke_cache: Path
) -> None:
    overrides = [
        "experiment=smoke",
        *FAMILIES[family],
        "data.n_train=2000",
        "data.n_val=200",
        "logger=none",
        "global_batch_tokens=2048",  # 16 sequences x 64 tokens per micro-batch: accumulation 2
        f"trainer.max_steps={STEPS}",
        f"module.lr={LR}",
        f"module.min_lr={MIN_LR}",
        f"module.warmup_steps={WARMUP}",
        f"module.weight_decay={DECAY}",
        f"trainer.gradient_clip_val={CLIP}",
        "val_every_steps=1000",
        "~callbacks.samples",
        "~callbacks.probes",
    ]
    record = Record()
    training = build(compose_train(tmp_path, overrides, smoke_cache), callbacks=[record])
    run(training)
    accumulation = training.trainer.accumulate_grad_batches
    assert accumulation == 2 and len(record.batches) == STEPS * accumulation

    theirs = plain_loop(to_hf_model(record.initial, attn_implementation="eager"), record.batches, accumulation)
    torch.testing.assert_close(torch.tensor(record.losses), torch.tensor(theirs), rtol=1e-5, atol=0)
