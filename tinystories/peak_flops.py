"""Dense peak FLOP/s of the accelerators MFU is quoted against.

MFU is only comparable with the literature's when the peak is the dense tensor-core rate. Lightning's table
(`lightning.fabric.utilities.throughput`) gives the H200's and the H100 NVL's sparse bf16 figures (2.0e15 and
1.98e15, twice the dense rate) and finds no entry for the name an H200 SXM reports ('NVIDIA H200'), so the
chips this project is measured on get their dense figures here, from the vendors' datasheets; any other device
falls back to Lightning's table.
"""

from __future__ import annotations

import torch

# (substring of the lower-cased device name, dense bf16/fp16 tensor-core FLOP/s, plain fp32 FLOP/s); the first
# match wins, so the more specific names come first ('gh200' before 'h200', 'h100 nvl' before 'h100').
_DENSE = (
    ("gh200", 989e12, 67e12),
    ("h200 nvl", 835e12, 60e12),
    ("h200", 989e12, 67e12),  # SXM; the same chip and rates as the H100 SXM
    ("h100 nvl", 835e12, 60e12),
    ("h100 pcie", 756e12, 51e12),
    ("h100", 989e12, 67e12),  # SXM ('NVIDIA H100 80GB HBM3')
    ("a100", 312e12, 19.5e12),
)


def dense_peak_flops(device_name: str, dtype: torch.dtype) -> float | None:
    """One device's dense peak at `dtype` (bf16/fp16 on tensor cores, fp32 as plain fp32), or None when the
    name is not in the table."""
    name = device_name.lower()
    for key, half, fp32 in _DENSE:
        if key in name:
            return half if dtype in (torch.bfloat16, torch.float16) else fp32
    return None


def peak_flops(device: torch.device, dtype: torch.dtype) -> float | None:
    """The dense peak of `device` at `dtype`: this module's table first, then Lightning's; None on a CPU."""
    if device.type != "cuda":
        return None
    peak = dense_peak_flops(torch.cuda.get_device_name(device), dtype)
    if peak is None:
        from lightning.fabric.utilities.throughput import get_available_flops

        peak = get_available_flops(device, dtype)
    return peak
