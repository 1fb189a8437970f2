"""A CSV logger whose history survives a resume. Lightning's CSVLogger deletes the run's metrics.csv when a new
logger opens it ("Previous log files in this directory will be deleted"), so every resume or requeue lost the
curve before it; and it rewrites the file in place when a new metric appears, so a kill at that moment lost it too.

Here a resumed run keeps the rows logged before its checkpoint and drops only those after it (the killed segment's
steps past the checkpoint, which the resumed run logs again, identically), and every rewrite is atomic. A fresh
start in a run dir that has a history keeps the old file beside the new one.
"""

from __future__ import annotations

import csv
import os
import time

from lightning.pytorch.loggers import CSVLogger
from lightning.pytorch.loggers.csv_logs import ExperimentWriter
from lightning.pytorch.utilities import rank_zero_only

from tinystories.atomic import atomic_path


def _step(row: dict) -> int | None:
    try:
        return int(float(row.get("step") or ""))
    except ValueError:
        return None


class _HistoryWriter(ExperimentWriter):
    def __init__(self, log_dir: str) -> None:
        super().__init__(log_dir)
        if os.path.isfile(self.metrics_file_path):
            with open(self.metrics_file_path, newline="") as f:
                self.metrics_keys = list(csv.DictReader(f).fieldnames or [])

    def _check_log_dir_exists(self) -> None:
        """Lightning's deletes the existing metrics.csv; the history is kept (see `keep_before`)."""

    def _rewrite_with_new_header(self, fieldnames: list[str]) -> None:
        self._write(self._rows(), fieldnames)

    def _rows(self) -> list[dict]:
        if not os.path.isfile(self.metrics_file_path):
            return []
        with open(self.metrics_file_path, newline="") as f:
            return list(csv.DictReader(f))

    def _write(self, rows: list[dict], fieldnames: list[str]) -> None:
        with atomic_path(self.metrics_file_path) as tmp, open(tmp, "w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=fieldnames, extrasaction="ignore")
            writer.writeheader()
            writer.writerows(rows)

    def keep_before(self, step: int) -> None:
        rows = self._rows()
        if not rows:
            return
        kept = [r for r in rows if (s := _step(r)) is not None and s < step]
        if not kept:  # a fresh start over an old history: keep the old file beside the new one
            aside = self.metrics_file_path.replace(".csv", f"-{time.strftime('%Y%m%d-%H%M%S')}.csv")
            os.replace(self.metrics_file_path, aside)
            self.metrics_keys = []
        elif len(kept) < len(rows):
            self._write(kept, self.metrics_keys)


class CSVHistoryLogger(CSVLogger):
    """Lightning's CSVLogger, with the history kept across resumes (see the module's docstring)."""

    @property
    def experiment(self) -> _HistoryWriter:
        if self._experiment is None:
            self._fs.makedirs(self.root_dir, exist_ok=True)
            self._experiment = _HistoryWriter(log_dir=self.log_dir)
        return self._experiment

    @rank_zero_only
    def resume_at(self, step: int) -> None:
        """Prepares the history for a run that starts at optimizer step `step` (0: a fresh start). Lightning logs
        the metrics of the update that makes global step k+1 under step k, so a checkpoint at global step `step`
        was saved after the rows of steps below it, and the resumed run logs the later ones again."""
        self.experiment.keep_before(step)
