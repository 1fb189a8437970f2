"""Resuming from a mid-run checkpoint continues exactly where an uninterrupted run would be: same step count,
same next batches, same weights. Real Trainer, real checkpoints, gradient accumulation on."""

from pathlib import Path

import lightning as L
import torch
from hydra.utils import instantiate
from lightning.pytorch.callbacks import ModelCheckpoint

from conftest import compose_train
from tinystories.callbacks import TokenBudget


class RecordBatches(L.Callback):
    def __init__(self) -> None:
        self.batches: dict[int, list[torch.Tensor]] = {}

    def on_train_batch_start(self, trainer, pl_module, batch, batch_idx) -> None:
        self.batches.setdefault(trainer.global_step, []).append(batch.clone())


def fit(tmp_path: Path, ckpt_path: str | None = None) -> tuple[L.LightningModule, RecordBatches]:
    cfg = compose_train(tmp_path, ["experiment=smoke", "logger=none", "trainer.max_steps=6"])
    L.seed_everything(cfg.seed)
    recorder = RecordBatches()
    checkpoints = ModelCheckpoint(tmp_path / "ckpt", filename="at-{step}", every_n_train_steps=3, save_top_k=-1)
    budget = TokenBudget(2 * cfg.data.batch_size * cfg.data.seq_len, val_every_steps=None)  # accumulate 2
    trainer = instantiate(cfg.trainer, logger=False, callbacks=[budget, recorder, checkpoints], limit_val_batches=0)
    module, data = instantiate(cfg.module, _convert_="all"), instantiate(cfg.data)
    trainer.fit(module, datamodule=data, ckpt_path=ckpt_path)
    assert trainer.global_step == 6 and trainer.accumulate_grad_batches == 2
    return module, recorder


def test_resume_mid_run_matches_an_uninterrupted_run(tmp_path: Path) -> None:
    straight, seen = fit(tmp_path / "a")
    assert sorted(seen.batches) == list(range(6)) and all(len(b) == 2 for b in seen.batches.values())

    resumed, seen_after = fit(tmp_path / "b", ckpt_path=str(tmp_path / "a" / "ckpt" / "at-step=3.ckpt"))
    assert sorted(seen_after.batches) == [3, 4, 5]  # the step count continues
    for step in (3, 4, 5):
        for a, b in zip(seen.batches[step], seen_after.batches[step], strict=True):
            assert torch.equal(a, b)  # the same next batches
    assert resumed.tokens_seen == straight.tokens_seen == 6 * 2 * 16 * 64
    for (name, a), (_, b) in zip(straight.state_dict().items(), resumed.state_dict().items(), strict=True):
        torch.testing.assert_close(a, b, msg=name)
