"""The name a bench result carries beside its absolute figures, and the file it goes to: a figure means little
without the device it was measured on."""

from __future__ import annotations

import os
import platform
from pathlib import Path

import torch


def device_name(device: torch.device) -> str:
    """The GPU's name as CUDA reports it, or the CPU's model and the cores this process may use."""
    if device.type == "cuda":
        return torch.cuda.get_device_name(device)
    model = next(
        (line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")),
        platform.processor() or "CPU",
    )
    return f"{model}, {len(os.sched_getaffinity(0))} cores"


def results_path(folder: str | Path, bench: str, name: str) -> Path:
    """`folder/<bench>-<device slug>.json`, one file per bench and device."""
    slug = "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-")[:60]
    return Path(folder) / f"{bench}-{slug}.json"
