"""The one-screen summary printed at the end of a run."""

from __future__ import annotations

import math
from pathlib import Path

from tinystories.atomic import write_json


def collect_summary(trainer, module, val_loss: float, run_dir: Path) -> dict:
    """What a finished run leaves for tables and analyses, from the module and the callbacks that measured it."""
    from lightning.pytorch.callbacks import ModelCheckpoint

    from tinystories.callbacks import Throughput
    from tinystories.eval.callback import ProbeScores

    def find(kind: type):
        return next((c for c in trainer.callbacks if isinstance(c, kind)), None)

    checkpoint, throughput, probes = find(ModelCheckpoint), find(Throughput), find(ProbeScores)
    return {
        "params": module.num_params(),
        "non_embedding": module.num_params(non_embedding=True),
        "tokens_seen": module.tokens_seen,
        "flops": module.tokens_seen * module.flops_per_token(),
        "val_loss": val_loss,
        "tokens_per_s": throughput.tokens_per_s if throughput else 0.0,
        "mfu": throughput.mfu if throughput else 0.0,
        "train_seconds": throughput.train_seconds if throughput else 0.0,
        "val_seconds": throughput.val_seconds if throughput else 0.0,
        "run_dir": str(run_dir),
        "last_ckpt": checkpoint.last_model_path if checkpoint else None,
        "best_ckpt": checkpoint.best_model_path if checkpoint else None,
        "probes": probes.last if probes else {},
    }


def write_summary(path: Path, fields: dict) -> None:
    """The summary as JSON in the run dir, for tables and scaling analyses that read many runs."""
    write_json(path, fields)


def format_summary(
    *,
    params: int,
    non_embedding: int,
    tokens_seen: int,
    flops: float,
    val_loss: float,
    tokens_per_s: float,
    train_seconds: float,
    mfu: float = 0.0,
    val_seconds: float = 0.0,
    run_dir: str,
    last_ckpt: str | None,
    best_ckpt: str | None,
    probes: dict[str, float] | None = None,
) -> str:
    val_share = val_seconds / train_seconds if train_seconds > 0 else 0.0
    rows = [
        ("parameters", f"{params:,} ({non_embedding:,} non-embedding)"),
        ("tokens seen", f"{tokens_seen:,}"),
        ("training FLOPs", f"{flops:.3g}"),
        ("val loss", f"{val_loss:.4f} (perplexity {math.exp(min(val_loss, 50)):.2f})"),
        ("tokens/s", f"{tokens_per_s:,.0f} ({train_seconds:,.0f} s of training)"),
        *([("validation", f"{val_seconds:,.1f} s ({val_share:.1%} of training)")] if val_seconds else []),
        *([("MFU", f"{mfu:.1%} (PaLM's FLOP count over the devices' peak)")] if mfu else []),
        *([("probes", "  ".join(f"{c} {a:.0%}" for c, a in sorted(probes.items())))] if probes else []),
        ("run dir", run_dir),
        ("last checkpoint", last_ckpt if last_ckpt and Path(last_ckpt).exists() else "-"),
        ("best checkpoint", best_ckpt if best_ckpt and Path(best_ckpt).exists() else "-"),
    ]
    width = max(len(k) for k, _ in rows)
    line = "=" * 72
    return "\n".join([line, "Run summary", *(f"  {k:<{width}}  {v}" for k, v in rows), line])
