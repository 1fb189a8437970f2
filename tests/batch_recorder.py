"""A callback the distributed tests add through Hydra (`+callbacks.record._target_=batch_recorder.BatchRecorder`,
with tests/ on PYTHONPATH): each rank writes which sequences it trained on at each optimizer step."""

from __future__ import annotations

import json
from pathlib import Path

import lightning as L


class BatchRecorder(L.Callback):
    def __init__(self, path: str) -> None:
        self.path = Path(path)
        self.steps: dict[int, list[list[int]]] = {}

    def on_train_batch_start(self, trainer, pl_module, batch, batch_idx) -> None:
        self.steps.setdefault(trainer.global_step, []).extend(batch.tolist())

    def on_train_end(self, trainer, pl_module) -> None:
        self.path.mkdir(parents=True, exist_ok=True)
        (self.path / f"rank{trainer.global_rank}.json").write_text(json.dumps(self.steps))
