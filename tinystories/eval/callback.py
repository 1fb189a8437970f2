"""Capabilities over training: a quick subset of the probe suite scored by likelihood at every validation, logged
as `probe/<category>` (and `probe/all`), so charts show grammar, knowledge, reasoning, context tracking and
consistency emerge. The subset keeps validation cheap; `python -m tinystories.evaluate` scores the full suite."""

from __future__ import annotations

import lightning as L
from lightning.pytorch.strategies import FSDPStrategy

from tinystories.eval.probes import load_probes, score_probes


class ProbeScores(L.Callback):
    def __init__(self, paths: list[str] | None = None, per_category: int | None = 24) -> None:
        self.probes = load_probes(paths, per_category)  # checked at start-up: a bad probe file fails before training
        self.last: dict[str, float] = {}  # accuracy per category at the latest validation, for the run's summary

    def on_validation_epoch_end(self, trainer: L.Trainer, pl_module: L.LightningModule) -> None:
        if trainer.sanity_checking or not trainer.is_global_zero or isinstance(trainer.strategy, FSDPStrategy):
            return  # rank 0 scores for all (a sharded model cannot score on one rank alone)
        scores = score_probes(pl_module.model, trainer.datamodule.tokenizer, self.probes)
        self.last = {c: s["accuracy"] for c, s in scores.items()}
        pl_module.log_dict({f"probe/{c}": s["accuracy"] for c, s in scores.items()}, rank_zero_only=True)
