"""The one-screen summary printed at the end of a run."""

from __future__ import annotations

import json
import math
from pathlib import Path


def write_summary(path: Path, fields: dict) -> None:
    """The summary as JSON in the run dir, for tables and scaling analyses that read many runs."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(fields, indent=2))
    tmp.replace(path)


def format_summary(
    *,
    params: int,
    non_embedding: int,
    tokens_seen: int,
    flops: float,
    val_loss: float,
    tokens_per_s: float,
    train_seconds: float,
    run_dir: str,
    last_ckpt: str | None,
    best_ckpt: str | None,
    probes: dict[str, float] | None = None,
) -> str:
    rows = [
        ("parameters", f"{params:,} ({non_embedding:,} non-embedding)"),
        ("tokens seen", f"{tokens_seen:,}"),
        ("training FLOPs", f"{flops:.3g}"),
        ("val loss", f"{val_loss:.4f} (perplexity {math.exp(min(val_loss, 50)):.2f})"),
        ("tokens/s", f"{tokens_per_s:,.0f} ({train_seconds:,.0f} s of training)"),
        *([("probes", "  ".join(f"{c} {a:.0%}" for c, a in sorted(probes.items())))] if probes else []),
        ("run dir", run_dir),
        ("last checkpoint", last_ckpt if last_ckpt and Path(last_ckpt).exists() else "-"),
        ("best checkpoint", best_ckpt if best_ckpt and Path(best_ckpt).exists() else "-"),
    ]
    width = max(len(k) for k, _ in rows)
    line = "=" * 72
    return "\n".join([line, "Run summary", *(f"  {k:<{width}}  {v}" for k, v in rows), line])
