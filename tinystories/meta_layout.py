"""Our Llama weights in Meta's layout, the one llama2.c (`run.c`) and llama.cpp (GGUF) compute with.

Two differences from ours (which is Hugging Face's): the names (llama2.c's `wq`, `w1` = gate, `w2` = down, `w3` =
up), and rotary embeddings that rotate adjacent pairs of each head's dimensions (0,1), (2,3)... where ours rotate
the two halves (i, i + head_dim/2). The query and key rows are permuted between the two, so both layouts compute
the same function.
"""

from __future__ import annotations

import torch

from tinystories.errors import ConfigError
from tinystories.model import ModelConfig, Transformer


def halves_to_pairs(w: torch.Tensor, n_heads: int) -> torch.Tensor:
    """Rows of a query or key projection, from rotate-half order to adjacent-pair order."""
    head_dim = w.shape[0] // n_heads
    return w.reshape(n_heads, 2, head_dim // 2, *w.shape[1:]).transpose(1, 2).reshape(w.shape)


def pairs_to_halves(w: torch.Tensor, n_heads: int) -> torch.Tensor:
    head_dim = w.shape[0] // n_heads
    return w.reshape(n_heads, head_dim // 2, 2, *w.shape[1:]).transpose(1, 2).reshape(w.shape)


# (llama2.c's name, ours) within a layer; llama2.c prefixes layers.{i}. and we blocks.{i}.
LAYER_NAMES = [
    ("attention_norm.weight", "norm1.weight"),
    ("attention.wq.weight", "attn.q_proj.weight"),
    ("attention.wk.weight", "attn.k_proj.weight"),
    ("attention.wv.weight", "attn.v_proj.weight"),
    ("attention.wo.weight", "attn.out_proj.weight"),
    ("ffn_norm.weight", "norm2.weight"),
    ("feed_forward.w1.weight", "mlp.gate.weight"),
    ("feed_forward.w2.weight", "mlp.down.weight"),
    ("feed_forward.w3.weight", "mlp.up.weight"),
]


def require_llama(cfg: ModelConfig, fmt: str) -> None:
    if cfg.family != "llama":
        raise ConfigError(f"{fmt} holds the Llama family only; this model is {cfg.family} (export it with format=hf)")


def to_meta(model: Transformer) -> dict[str, torch.Tensor]:
    """The state dict under llama2.c's names (as its model.py saves it), rotary rows in adjacent-pair order; the
    classifier `output.weight` only when it is not tied to the embedding."""
    cfg = model.cfg
    require_llama(cfg, "this format")
    ours = {k: v.detach().float() for k, v in model.state_dict().items()}
    meta = {"tok_embeddings.weight": ours["tok_emb.weight"], "norm.weight": ours["norm.weight"]}
    for i in range(cfg.n_layer):
        for theirs, mine in LAYER_NAMES:
            meta[f"layers.{i}.{theirs}"] = ours[f"blocks.{i}.{mine}"]
        meta[f"layers.{i}.attention.wq.weight"] = halves_to_pairs(ours[f"blocks.{i}.attn.q_proj.weight"], cfg.n_head)
        meta[f"layers.{i}.attention.wk.weight"] = halves_to_pairs(ours[f"blocks.{i}.attn.k_proj.weight"], cfg.n_kv_head)
    if not cfg.tie_embeddings:
        meta["output.weight"] = ours["lm_head.weight"]
    return meta


def from_meta(meta: dict[str, torch.Tensor], cfg: ModelConfig) -> dict[str, torch.Tensor]:
    """Our state dict from llama2.c's names (the inverse of `to_meta`)."""
    meta = {k.removeprefix("_orig_mod."): v for k, v in meta.items()}  # saved from a torch.compile'd model
    try:
        ours = {"tok_emb.weight": meta["tok_embeddings.weight"], "norm.weight": meta["norm.weight"]}
        for i in range(cfg.n_layer):
            for theirs, mine in LAYER_NAMES:
                ours[f"blocks.{i}.{mine}"] = meta[f"layers.{i}.{theirs}"]
            q, k = meta[f"layers.{i}.attention.wq.weight"], meta[f"layers.{i}.attention.wk.weight"]
            ours[f"blocks.{i}.attn.q_proj.weight"] = pairs_to_halves(q, cfg.n_head)
            ours[f"blocks.{i}.attn.k_proj.weight"] = pairs_to_halves(k, cfg.n_kv_head)
        ours["lm_head.weight"] = ours["tok_emb.weight"] if cfg.tie_embeddings else meta["output.weight"]
    except KeyError as e:
        raise ConfigError(f"weight {e.args[0]} is missing: not a llama2.c Llama of {cfg.n_layer} layers") from None
    return ours
