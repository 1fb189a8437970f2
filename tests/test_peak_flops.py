"""The dense peaks MFU is quoted against: the names CUDA reports for the chips the project is measured on."""

import pytest
import torch

from tinystories.peak_flops import dense_peak_flops, peak_flops


@pytest.mark.parametrize(
    ("name", "bf16"),
    [
        ("NVIDIA H200", 989e12),  # SXM: Lightning's table has no entry for this name, and 2.0e15 (sparse) for h200
        ("NVIDIA H200 NVL", 835e12),
        ("NVIDIA H100 80GB HBM3", 989e12),
        ("NVIDIA H100 PCIe", 756e12),
        ("NVIDIA H100 NVL", 835e12),
        ("NVIDIA GH200 480GB", 989e12),
        ("NVIDIA A100-SXM4-80GB", 312e12),
        ("NVIDIA GeForce RTX 4090", None),
    ],
)
def test_dense_bf16_peak_by_device_name(name: str, bf16: float | None) -> None:
    assert dense_peak_flops(name, torch.bfloat16) == bf16
    assert dense_peak_flops(name, torch.float16) == bf16


def test_fp32_peak_is_the_plain_fp32_rate() -> None:
    assert dense_peak_flops("NVIDIA H100 80GB HBM3", torch.float32) == 67e12
    assert dense_peak_flops("NVIDIA A100-SXM4-40GB", torch.float32) == 19.5e12


def test_a_cpu_has_no_published_peak() -> None:
    assert peak_flops(torch.device("cpu"), torch.bfloat16) is None
