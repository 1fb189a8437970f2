"""Our two families are exactly GPT-Neo and Llama: the same weights in our model and in `transformers` give the
same logits at full context (local attention and RoPE exercised), with the same parameter count."""

import pytest
import torch

from tinystories.hf import config_from_hf, hf_config, to_hf_model
from tinystories.model import ModelConfig, Transformer

transformers = pytest.importorskip("transformers", reason="parity needs the hf extra: pip install -e '.[hf]'")

CASES = {
    "gpt-neo": ModelConfig(
        family="gpt-neo", vocab_size=101, d_model=64, n_layer=4, n_head=16, max_seq_len=96, local_window=32
    ),
    "gpt-neo-1layer": ModelConfig(family="gpt-neo", vocab_size=101, d_model=64, n_layer=1, n_head=16, max_seq_len=64),
    "llama-gqa": ModelConfig(
        family="llama", vocab_size=101, d_model=64, n_layer=3, n_head=8, n_kv_head=4, max_seq_len=96, multiple_of=4
    ),
    "llama-untied": ModelConfig(
        family="llama", vocab_size=101, d_model=48, n_layer=2, n_head=6, max_seq_len=64, tie_embeddings=False
    ),
}


@pytest.mark.parametrize("name", CASES)
def test_same_logits_as_transformers(name: str) -> None:
    torch.manual_seed(0)
    cfg = CASES[name]
    ours = Transformer(cfg).eval()
    with torch.no_grad():  # move every weight off its init, so biases and norms are checked too
        for p in ours.parameters():
            p.add_(torch.randn_like(p) * 0.02)
    theirs = to_hf_model(ours)
    assert sum(p.numel() for p in theirs.parameters()) == ours.num_params()
    idx = torch.randint(0, cfg.vocab_size, (2, cfg.max_seq_len))
    with torch.no_grad():
        diff = (ours(idx) - theirs(idx).logits).abs().max().item()
    assert diff <= 1e-4, diff


@pytest.mark.parametrize("name", CASES)
def test_config_round_trip(name: str) -> None:
    cfg = CASES[name]
    back = config_from_hf(hf_config(cfg)).to_dict()
    assert {**back, "multiple_of": cfg.multiple_of} == cfg.to_dict()  # d_ff is explicit there
