"""Resuming from a mid-run checkpoint continues exactly where an uninterrupted run would be: same step count,
same next batches, same weights. train.py's own wiring (tinystories.training), gradient accumulation on."""

from pathlib import Path

import lightning as L
import torch
from lightning.pytorch.callbacks import ModelCheckpoint

from conftest import SMOKE, compose_train
from tinystories.training import build, run


class RecordBatches(L.Callback):
    def __init__(self) -> None:
        self.batches: dict[int, list[torch.Tensor]] = {}

    def on_train_batch_start(self, trainer, pl_module, batch, batch_idx) -> None:
        self.batches.setdefault(trainer.global_step, []).append(batch.clone())


def fit(tmp_path: Path, cache: Path, ckpt_path: str | None = None) -> tuple[L.LightningModule, RecordBatches]:
    overrides = [*SMOKE, "logger=none", "trainer.max_steps=6", "val_every_steps=3", "global_batch_tokens=2048"]
    cfg = compose_train(tmp_path, [*overrides, f"ckpt_path={ckpt_path or 'null'}"], cache)
    recorder = RecordBatches()
    every_3 = ModelCheckpoint(
        tmp_path / "ckpt", filename="at-{step}", auto_insert_metric_name=False, every_n_train_steps=3, save_top_k=-1
    )
    training = build(cfg, callbacks=[recorder, every_3])
    run(training)
    assert training.trainer.global_step == 6 and training.trainer.accumulate_grad_batches == 2
    return training.module, recorder


def test_resume_mid_run_matches_an_uninterrupted_run(tmp_path: Path, smoke_cache: Path) -> None:
    straight, seen = fit(tmp_path / "a", smoke_cache)
    assert sorted(seen.batches) == list(range(6)) and all(len(b) == 2 for b in seen.batches.values())

    resumed, seen_after = fit(tmp_path / "b", smoke_cache, ckpt_path=str(tmp_path / "a" / "ckpt" / "at-3.ckpt"))
    assert sorted(seen_after.batches) == [3, 4, 5]  # the step count continues
    for step in (3, 4, 5):
        for a, b in zip(seen.batches[step], seen_after.batches[step], strict=True):
            assert torch.equal(a, b)  # the same next batches
    assert resumed.tokens_seen == straight.tokens_seen == 6 * 2 * 16 * 64
    for (name, a), (_, b) in zip(straight.state_dict().items(), resumed.state_dict().items(), strict=True):
        torch.testing.assert_close(a, b, msg=name)
