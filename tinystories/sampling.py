"""Continuing a prompt from a trained network: a KV-cached token stream, greedy or top-k / nucleus sampling.

`Sampling` is the one settings object for every caller (the sample stories during training, the probes' greedy
check, evaluate and generate), so a setting means the same wherever it is given. Everything here works on the
plain `Transformer`: a LightningModule, a compiled wrapper or a Hugging Face model is not needed to sample.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

import torch

from tinystories.model import KVCache, Transformer


@dataclass(frozen=True)
class Sampling:
    """How to continue a prompt. `temperature=0` is greedy; `top_k` keeps the k likeliest tokens, `top_p` the
    smallest set whose probability reaches p. `seed` gives the sampling a random stream of its own, so it does
    not move the training's (None: torch's global stream)."""

    max_new_tokens: int = 200
    temperature: float = 1.0
    top_k: int | None = None
    top_p: float | None = None
    seed: int | None = None

    def generator(self, device: torch.device | str) -> torch.Generator | None:
        """A fresh generator seeded with `seed` on `device`, or None without a seed."""
        return None if self.seed is None else torch.Generator(device=device).manual_seed(self.seed)


class TextTokenizerLike(Protocol):
    eot_id: int

    def encode(self, text: str) -> list[int]: ...

    def decode(self, ids: list[int]) -> str: ...


def sample_next(logits: torch.Tensor, sampling: Sampling, generator: torch.Generator | None = None) -> torch.Tensor:
    """One token per row from (batch, vocab) logits."""
    if sampling.temperature <= 0:
        return logits.argmax(-1)
    logits = logits / sampling.temperature
    if sampling.top_k is not None and sampling.top_k < logits.size(-1):
        kth = torch.topk(logits, sampling.top_k).values[:, -1:]
        logits = logits.masked_fill(logits < kth, float("-inf"))
    if sampling.top_p is not None and sampling.top_p < 1.0:
        sorted_logits, order = torch.sort(logits, descending=True)
        probs = sorted_logits.softmax(-1)
        drop = probs.cumsum(-1) - probs > sampling.top_p  # keep the smallest set whose mass reaches top_p
        logits = logits.masked_fill(drop.scatter(1, order, drop), float("-inf"))
    return torch.multinomial(logits.softmax(-1), 1, generator=generator)[:, 0]


@torch.no_grad()
def stream(
    model: Transformer,
    prompt_ids: torch.Tensor,
    sampling: Sampling,
    eot_id: int | None = None,
    generator: torch.Generator | None = None,
    lengths: list[int] | None = None,
) -> Iterator[torch.Tensor]:
    """Yields the next token of every row, (batch,), one step at a time. `prompt_ids` is (time,) or (batch, time).
    A row that has emitted `eot_id` keeps yielding it; the stream ends when all rows have. Past the model's
    context the cache is refilled from the last half of the text. `generator` (default: one from `sampling.seed`)
    lets several calls share one random stream.

    Prompts of different lengths go in one batch with `lengths` (row i's prompt is its first lengths[i] tokens,
    the rest padding): every row is prefilled to the shortest prompt, and a longer prompt's remaining tokens are
    fed in place of samples, as Meta's Llama reference does, so each row continues its own prompt exactly with no
    attention mask. Those prompt tokens are yielded too: row i's new tokens start at step lengths[i] - min(lengths).
    The stream runs until every row has `max_new_tokens` new ones."""
    was_training = model.training
    model.eval()
    device = model.tok_emb.weight.device
    if generator is None:
        generator = sampling.generator(device)
    context = model.cfg.max_seq_len
    padded = prompt_ids.to(device).view(-1, prompt_ids.shape[-1]).long()
    ends = torch.tensor(lengths or [padded.shape[1]] * padded.shape[0], device=device)
    shortest = int(ends.min())
    idx = padded[:, :shortest]
    done = torch.zeros(idx.shape[0], dtype=torch.bool, device=device)
    cache: KVCache | None = None
    logits = None
    try:
        for step in range(sampling.max_new_tokens + int(ends.max()) - shortest):
            if cache is None or cache.length >= context:
                keep = context - 1 if cache is None else context // 2
                cache = KVCache(model.cfg, idx.shape[0], device, model.tok_emb.weight.dtype)
                logits = model(idx[:, -keep:], cache)[:, -1]
            nxt = sample_next(logits.float(), sampling, generator)
            position = shortest + step
            if position < padded.shape[1]:  # rows still inside their prompt take its next token
                nxt = torch.where(position < ends, padded[:, position], nxt)
            if eot_id is not None:
                nxt = nxt.masked_fill(done, eot_id)
                done |= (nxt == eot_id) & (position >= ends)
            idx = torch.cat([idx, nxt[:, None]], dim=1)
            yield nxt
            if eot_id is not None and bool(done.all()):
                return
            if cache.length < context:
                logits = model(nxt[:, None], cache)[:, -1]
    finally:
        model.train(was_training)


def generate(
    model: Transformer,
    prompt_ids: torch.Tensor,
    sampling: Sampling,
    eot_id: int | None = None,
    generator: torch.Generator | None = None,
    lengths: list[int] | None = None,
) -> torch.Tensor:
    """The new tokens of every row, (batch, new), padded with `eot_id` after a row has stopped. `lengths`: the
    prompts' lengths when they differ (see `stream`)."""
    rows = prompt_ids.view(-1, prompt_ids.shape[-1]).shape[0]
    steps = list(stream(model, prompt_ids, sampling, eot_id, generator, lengths))
    if not steps:
        return torch.zeros(rows, 0, dtype=torch.long)
    tokens = torch.stack(steps, dim=1)
    if lengths is None:
        return tokens
    # Row i's new tokens start once its prompt is fed; a row that stopped early is padded with eot.
    starts = [n - min(lengths) for n in lengths]
    width = min(sampling.max_new_tokens, max(tokens.shape[1] - s for s in starts))
    out = torch.full((rows, width), eot_id if eot_id is not None else 0, dtype=torch.long, device=tokens.device)
    for i, s in enumerate(starts):
        row = tokens[i, s : s + width]
        out[i, : len(row)] = row
    return out


def continue_texts(
    model: Transformer,
    tokenizer: TextTokenizerLike,
    prompts: list[str],
    sampling: Sampling,
    generator: torch.Generator | None = None,
) -> list[str]:
    """A continuation of each prompt as text, cut at its end-of-text token, all in one batch. Each prompt is put
    after an end-of-text token, as a story stands in the training stream."""
    eot = tokenizer.eot_id
    encoded = [[eot, *tokenizer.encode(p)] for p in prompts]
    lengths = [len(e) for e in encoded]
    ids = torch.full((len(encoded), max(lengths)), eot, dtype=torch.long)
    for i, e in enumerate(encoded):
        ids[i, : len(e)] = torch.tensor(e)
    rows = generate(model, ids, sampling, eot, generator, lengths if len(set(lengths)) > 1 else None).tolist()
    return [tokenizer.decode(row[: row.index(eot)] if eot in row else row) for row in rows]


def continue_text(
    model: Transformer,
    tokenizer: TextTokenizerLike,
    prompt: str,
    sampling: Sampling,
    n: int = 1,
    generator: torch.Generator | None = None,
) -> list[str]:
    """`n` continuations of `prompt` as text (see `continue_texts`)."""
    return continue_texts(model, tokenizer, [prompt] * n, sampling, generator)
