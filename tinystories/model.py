"""A decoder-only transformer in one readable file, in two families.

`gpt-neo` is the architecture of the TinyStories paper's released models: learned positions, LayerNorm, a GELU
(tanh) MLP, biases where GPT-Neo has them, unscaled attention scores, and optionally GPT-Neo's alternation of global
and sliding-window layers. `llama` is the architecture llama2.c trained on TinyStories: RoPE, RMSNorm, SwiGLU,
grouped-query attention and no biases.

This file imports only torch, so a checkpoint can be used anywhere torch is.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import torch
import torch.nn.functional as F
from torch import nn

FAMILIES = ("gpt-neo", "llama")


@dataclass
class ModelConfig:
    """The shape of a model. Presets live in `conf/model/`; the vocabulary size comes from the tokenizer."""

    family: str = "llama"
    vocab_size: int = 512
    d_model: int = 64
    n_layer: int = 5
    n_head: int = 8
    n_kv_head: int | None = None  # llama only: grouped-query attention; None means n_head
    d_ff: int | None = None  # None: 4 * d_model (gpt-neo), or llama2.c's 2/3 * 4 * d_model rounded up
    multiple_of: int = 32  # llama only: d_ff is rounded up to this
    max_seq_len: int = 512  # positions the model can attend over
    local_window: int | None = None  # gpt-neo only: odd layers attend to this many previous tokens
    dropout: float = 0.0
    tie_embeddings: bool = True
    norm_eps: float = 1e-5
    rope_theta: float = 10000.0

    def __post_init__(self) -> None:
        if self.family not in FAMILIES:
            raise ValueError(f"model.family={self.family!r} is unknown; use one of {', '.join(FAMILIES)}")
        if self.n_kv_head is None:
            self.n_kv_head = self.n_head
        if self.d_model % self.n_head:
            raise ValueError(f"model.d_model={self.d_model} must be divisible by model.n_head={self.n_head}")
        if self.n_head % self.n_kv_head:
            raise ValueError(f"model.n_head={self.n_head} must be divisible by model.n_kv_head={self.n_kv_head}")
        if self.family == "gpt-neo" and self.n_kv_head != self.n_head:
            raise ValueError("gpt-neo has no grouped-query attention: leave model.n_kv_head unset")
        if self.d_ff is None:
            if self.family == "gpt-neo":
                self.d_ff = 4 * self.d_model
            else:
                hidden = int(2 * (4 * self.d_model) / 3)
                self.d_ff = self.multiple_of * math.ceil(hidden / self.multiple_of)

    @property
    def head_dim(self) -> int:
        return self.d_model // self.n_head

    def to_dict(self) -> dict:
        return asdict(self)


class KVCache:
    """Keys and values of the tokens seen so far, per layer, so generation costs one position per new token."""

    def __init__(self, cfg: ModelConfig, batch: int, device: torch.device, dtype: torch.dtype) -> None:
        shape = (batch, cfg.n_kv_head, cfg.max_seq_len, cfg.head_dim)
        self.k = [torch.zeros(shape, device=device, dtype=dtype) for _ in range(cfg.n_layer)]
        self.v = [torch.zeros(shape, device=device, dtype=dtype) for _ in range(cfg.n_layer)]
        self.length = 0  # positions filled


class RMSNorm(nn.Module):
    def __init__(self, dim: int, eps: float) -> None:
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # Normalise in float32 so bf16 training keeps the same statistics.
        xf = x.float()
        out = xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + self.eps)
        return out.type_as(x) * self.weight


def make_norm(cfg: ModelConfig) -> nn.Module:
    return (
        nn.LayerNorm(cfg.d_model, eps=cfg.norm_eps) if cfg.family == "gpt-neo" else RMSNorm(cfg.d_model, cfg.norm_eps)
    )


def rotate_half(x: torch.Tensor) -> torch.Tensor:
    # The rotate-half convention of Hugging Face's Llama, so weights load there without permutation.
    x1, x2 = x.chunk(2, dim=-1)
    return torch.cat((-x2, x1), dim=-1)


class Attention(nn.Module):
    def __init__(self, cfg: ModelConfig, layer_idx: int) -> None:
        super().__init__()
        self.cfg = cfg
        neo = cfg.family == "gpt-neo"
        self.n_head, self.n_kv_head, self.head_dim = cfg.n_head, cfg.n_kv_head, cfg.head_dim
        self.q_proj = nn.Linear(cfg.d_model, cfg.n_head * cfg.head_dim, bias=False)
        self.k_proj = nn.Linear(cfg.d_model, cfg.n_kv_head * cfg.head_dim, bias=False)
        self.v_proj = nn.Linear(cfg.d_model, cfg.n_kv_head * cfg.head_dim, bias=False)
        self.out_proj = nn.Linear(cfg.n_head * cfg.head_dim, cfg.d_model, bias=neo)
        # GPT-Neo does not scale attention scores by 1/sqrt(head_dim); its released weights expect that.
        self.scale = 1.0 if neo else None
        self.window = cfg.local_window if (neo and cfg.local_window and layer_idx % 2 == 1) else None

    def forward(
        self,
        x: torch.Tensor,
        rope: tuple[torch.Tensor, torch.Tensor] | None,
        cache: KVCache | None = None,
        layer: int = 0,
        start: int = 0,
    ) -> torch.Tensor:
        B, T, _ = x.shape
        q = self.q_proj(x).view(B, T, self.n_head, self.head_dim).transpose(1, 2)
        k = self.k_proj(x).view(B, T, self.n_kv_head, self.head_dim).transpose(1, 2)
        v = self.v_proj(x).view(B, T, self.n_kv_head, self.head_dim).transpose(1, 2)
        if rope is not None:
            cos, sin = rope[0][start : start + T], rope[1][start : start + T]
            q = q * cos + rotate_half(q) * sin
            k = k * cos + rotate_half(k) * sin
        if cache is not None:  # attend over everything cached so far plus these T positions
            cache.k[layer][:, :, start : start + T] = k
            cache.v[layer][:, :, start : start + T] = v
            k, v = cache.k[layer][:, :, : start + T], cache.v[layer][:, :, : start + T]
        if self.n_kv_head != self.n_head:
            repeat = self.n_head // self.n_kv_head
            k = k.repeat_interleave(repeat, dim=1)
            v = v.repeat_interleave(repeat, dim=1)
        dropout = self.cfg.dropout if self.training else 0.0
        # A local window that covers every key is no window; then the fused kernels apply (no mask to build).
        windowed = self.window is not None and k.shape[2] > self.window
        if not windowed and start == 0:  # queries are the keys' own positions: causal
            y = F.scaled_dot_product_attention(q, k, v, dropout_p=dropout, is_causal=True, scale=self.scale)
        elif not windowed and T == 1:  # one new token sees everything before it
            y = F.scaled_dot_product_attention(q, k, v, dropout_p=dropout, scale=self.scale)
        else:
            dist = torch.arange(start, start + T, device=x.device)[:, None] - torch.arange(k.shape[2], device=x.device)
            mask = (dist >= 0) & (dist < (self.window or k.shape[2] + 1))
            y = F.scaled_dot_product_attention(q, k, v, attn_mask=mask, dropout_p=dropout, scale=self.scale)
        return self.out_proj(y.transpose(1, 2).reshape(B, T, -1))


class MLP(nn.Module):
    def __init__(self, cfg: ModelConfig) -> None:
        super().__init__()
        self.family = cfg.family
        if cfg.family == "gpt-neo":
            self.up = nn.Linear(cfg.d_model, cfg.d_ff)
            self.down = nn.Linear(cfg.d_ff, cfg.d_model)
        else:
            self.gate = nn.Linear(cfg.d_model, cfg.d_ff, bias=False)
            self.up = nn.Linear(cfg.d_model, cfg.d_ff, bias=False)
            self.down = nn.Linear(cfg.d_ff, cfg.d_model, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.family == "gpt-neo":
            return self.down(F.gelu(self.up(x), approximate="tanh"))
        return self.down(F.silu(self.gate(x)) * self.up(x))


class Block(nn.Module):
    def __init__(self, cfg: ModelConfig, layer_idx: int) -> None:
        super().__init__()
        norm = (
            (lambda: nn.LayerNorm(cfg.d_model, eps=cfg.norm_eps))
            if cfg.family == "gpt-neo"
            else (lambda: RMSNorm(cfg.d_model, cfg.norm_eps))
        )
        self.norm1, self.attn = norm(), Attention(cfg, layer_idx)
        self.norm2, self.mlp = norm(), MLP(cfg)
        self.drop = nn.Dropout(cfg.dropout)

    def forward(self, x: torch.Tensor, rope, cache: KVCache | None = None, layer: int = 0, start: int = 0):
        x = x + self.drop(self.attn(self.norm1(x), rope, cache, layer, start))
        return x + self.drop(self.mlp(self.norm2(x)))


class Transformer(nn.Module):
    def __init__(self, cfg: ModelConfig) -> None:
        super().__init__()
        self.cfg = cfg
        neo = cfg.family == "gpt-neo"
        self.tok_emb = nn.Embedding(cfg.vocab_size, cfg.d_model)
        self.pos_emb = nn.Embedding(cfg.max_seq_len, cfg.d_model) if neo else None
        self.drop = nn.Dropout(cfg.dropout)
        self.blocks = nn.ModuleList(Block(cfg, i) for i in range(cfg.n_layer))
        self.norm = make_norm(cfg)
        self.lm_head = nn.Linear(cfg.d_model, cfg.vocab_size, bias=False)
        if cfg.tie_embeddings:
            self.lm_head.weight = self.tok_emb.weight
        if not neo:
            inv_freq = 1.0 / cfg.rope_theta ** (torch.arange(0, cfg.head_dim, 2).float() / cfg.head_dim)
            angles = torch.outer(torch.arange(cfg.max_seq_len).float(), inv_freq)
            angles = torch.cat((angles, angles), dim=-1)
            self.register_buffer("rope_cos", angles.cos(), persistent=False)
            self.register_buffer("rope_sin", angles.sin(), persistent=False)
        self.apply(self._init_weights)
        # GPT-2's scaled init: each residual projection adds to a sum over 2 * n_layer terms.
        for name, p in self.named_parameters():
            if name.endswith(("out_proj.weight", "mlp.down.weight")):
                nn.init.normal_(p, mean=0.0, std=0.02 / math.sqrt(2 * cfg.n_layer))

    @staticmethod
    def _init_weights(module: nn.Module) -> None:
        if isinstance(module, (nn.Linear, nn.Embedding)):
            nn.init.normal_(module.weight, mean=0.0, std=0.02)
        if isinstance(module, nn.Linear) and module.bias is not None:
            nn.init.zeros_(module.bias)

    def forward(self, idx: torch.Tensor, cache: KVCache | None = None) -> torch.Tensor:
        """Logits for every position of `idx` (batch, time). With a cache, `idx` continues what it holds."""
        T = idx.shape[1]
        start = cache.length if cache is not None else 0
        if start + T > self.cfg.max_seq_len:
            raise ValueError(f"sequence of {start + T} tokens is longer than model.max_seq_len={self.cfg.max_seq_len}")
        x = self.tok_emb(idx)
        rope = None
        if self.pos_emb is not None:
            x = x + self.pos_emb(torch.arange(start, start + T, device=idx.device))
        else:
            rope = (self.rope_cos.to(x.dtype), self.rope_sin.to(x.dtype))
        x = self.drop(x)
        for i, block in enumerate(self.blocks):
            x = block(x, rope, cache, i, start)
        if cache is not None:
            cache.length = start + T
        return self.lm_head(self.norm(x))

    def num_params(self, non_embedding: bool = False) -> int:
        """Parameters counted once each; non-embedding leaves out token and position tables and an untied head
        (the count the scaling-law literature uses)."""
        total = sum(p.numel() for p in self.parameters())
        if non_embedding:
            total -= self.tok_emb.weight.numel()
            if self.pos_emb is not None:
                total -= self.pos_emb.weight.numel()
            if not self.cfg.tie_embeddings:
                total -= self.lm_head.weight.numel()
        return total


def training_flops_per_token(cfg: ModelConfig, non_embedding_params: int, seq_len: int) -> int:
    """Training FLOPs per token (forward and backward), counted as in PaLM (Chowdhery et al. 2022, appendix B), so
    MFU figures compare with the literature's: 6 per weight of every matmul a token passes through, which is the
    non-embedding parameters plus the LM head (V x d, tied or not: the head is a matmul, the embedding a lookup),
    plus 12 x n_layer x context x d_model for the attention scores and their weighted sum at full context.
    Causal masking is not halved and gpt-neo's local layers are not discounted, as PaLM counts: the usual kernels
    compute the whole square."""
    matmul_params = non_embedding_params + cfg.vocab_size * cfg.d_model
    return 6 * matmul_params + 12 * cfg.n_layer * seq_len * cfg.d_model
