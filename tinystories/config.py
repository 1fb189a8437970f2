"""Hydra/OmegaConf glue: resolvers that let configs name a choice whose value depends on the machine."""

from __future__ import annotations

import torch
from omegaconf import OmegaConf


def best_precision() -> str:
    """bf16 mixed precision where the GPU supports it, full precision elsewhere (CPU, MPS, older GPUs)."""
    if torch.cuda.is_available() and torch.cuda.is_bf16_supported():
        return "bf16-mixed"
    return "32-true"


def register_resolvers() -> None:
    OmegaConf.register_new_resolver("best_precision", best_precision, replace=True)
