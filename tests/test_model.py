import math

import pytest
import torch

from tinystories.model import Attention, KVCache, ModelConfig, Transformer, training_flops_per_token


def tiny(family: str, **kw) -> ModelConfig:
    base = dict(family=family, vocab_size=97, d_model=32, n_layer=2, n_head=4, max_seq_len=16)
    return ModelConfig(**{**base, **kw})


@pytest.mark.parametrize(
    "cfg",
    [tiny("gpt-neo"), tiny("gpt-neo", local_window=3), tiny("llama"), tiny("llama", n_kv_head=2)],
    ids=["gpt-neo", "gpt-neo-local", "llama", "llama-gqa"],
)
def test_forward_shape_and_causality(cfg: ModelConfig) -> None:
    torch.manual_seed(0)
    model = Transformer(cfg).eval()
    idx = torch.randint(0, cfg.vocab_size, (2, 12))
    logits = model(idx)
    assert logits.shape == (2, 12, cfg.vocab_size)
    changed = idx.clone()
    changed[:, 8] = (changed[:, 8] + 1) % cfg.vocab_size
    after = model(changed)
    torch.testing.assert_close(after[:, :8], logits[:, :8])  # the past does not see the future
    assert not torch.allclose(after[:, 8:], logits[:, 8:])


def test_local_layers_see_only_their_window() -> None:
    cfg = tiny("gpt-neo", local_window=3)
    attn = Attention(cfg, layer_idx=1).eval()
    assert attn.window == 3 and Attention(cfg, layer_idx=0).window is None  # GPT-Neo alternates global, local
    x = torch.randn(1, 10, cfg.d_model)
    y = x.clone()
    y[:, 2] += 1.0
    # Position 9 attends to 7, 8, 9 only: a change at position 2 cannot reach it, but reaches position 4.
    torch.testing.assert_close(attn(x, None)[:, 9], attn(y, None)[:, 9])
    assert not torch.allclose(attn(x, None)[:, 4], attn(y, None)[:, 4])


def test_parameter_counts() -> None:
    tied = Transformer(tiny("llama"))
    untied = Transformer(tiny("llama", tie_embeddings=False))
    emb = 97 * 32
    assert untied.num_params() - tied.num_params() == emb
    assert tied.num_params(non_embedding=True) == tied.num_params() - emb
    assert untied.num_params(non_embedding=True) == tied.num_params(non_embedding=True)
    neo = Transformer(tiny("gpt-neo"))
    assert neo.num_params(non_embedding=True) == neo.num_params() - emb - 16 * 32  # positions are embeddings too


def test_family_details() -> None:
    neo, llama = Transformer(tiny("gpt-neo")), Transformer(tiny("llama", n_kv_head=2))
    names = dict(llama.named_parameters())
    assert not any(n.endswith("bias") for n in names)  # llama has no biases
    assert names["blocks.0.attn.k_proj.weight"].shape == (2 * 8, 32)  # grouped-query: 2 KV heads of 8
    assert llama.cfg.d_ff == 96  # llama2.c: 2/3 of 4 * 32, rounded up to a multiple of 32
    assert neo.cfg.d_ff == 128 and neo.pos_emb is not None and llama.pos_emb is None
    assert neo.blocks[0].attn.scale == 1.0  # GPT-Neo's unscaled attention scores
    assert neo.lm_head.weight is neo.tok_emb.weight


def test_gpt2_style_init() -> None:
    torch.manual_seed(0)
    cfg = tiny("llama", d_model=256, n_layer=8, n_head=8)
    model = Transformer(cfg)
    assert model.blocks[0].attn.q_proj.weight.std().item() == pytest.approx(0.02, rel=0.05)
    scaled = 0.02 / math.sqrt(2 * cfg.n_layer)
    assert model.blocks[0].attn.out_proj.weight.std().item() == pytest.approx(scaled, rel=0.05)
    assert model.blocks[0].mlp.down.weight.std().item() == pytest.approx(scaled, rel=0.05)


@pytest.mark.parametrize(
    "kw, message",
    [
        (dict(family="gpt-j"), "model.family='gpt-j' is unknown"),
        (dict(d_model=30), "divisible by model.n_head"),
        (dict(family="llama", n_kv_head=3), "divisible by model.n_kv_head"),
        (dict(family="gpt-neo", n_kv_head=2), "no grouped-query attention"),
    ],
)
def test_bad_shapes_are_named(kw: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        tiny(**{"family": "gpt-neo", **kw})


def test_longer_than_positions_is_refused() -> None:
    with pytest.raises(ValueError, match="longer than model.max_seq_len=16"):
        Transformer(tiny("gpt-neo"))(torch.zeros(1, 17, dtype=torch.long))


@pytest.mark.parametrize("cfg", [tiny("gpt-neo", local_window=3), tiny("llama", n_kv_head=2)], ids=["gpt-neo", "llama"])
def test_kv_cache_gives_the_same_logits(cfg: ModelConfig) -> None:
    torch.manual_seed(0)
    model = Transformer(cfg).eval()
    idx = torch.randint(0, cfg.vocab_size, (2, 12))
    full = model(idx)
    cache = KVCache(cfg, 2, torch.device("cpu"), torch.float32)
    steps = [model(idx[:, :5], cache)] + [model(idx[:, t : t + 1], cache) for t in range(5, 12)]
    torch.testing.assert_close(torch.cat(steps, dim=1), full, atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize("family,tie", [("llama", True), ("gpt-neo", False)])
def test_flops_per_token_match_the_matmuls_torch_counts(family: str, tie: bool) -> None:
    """PaLM's count (6N with the LM head, plus 12·L·T·d for attention at full context) against the matmuls that
    torch's FLOP counter sees in one forward and backward pass; attention goes through the math kernel, whose
    matmuls the counter can see. What is left over is the 6 per norm weight and bias that PaLM's N includes."""
    from torch.nn.attention import SDPBackend, sdpa_kernel
    from torch.utils.flop_counter import FlopCounterMode

    shape = dict(vocab_size=1000, d_model=64, n_layer=3, n_head=4, max_seq_len=128, tie_embeddings=tie)
    cfg = ModelConfig(family=family, **shape)
    model = Transformer(cfg)
    batch, seq_len = 2, 128
    with sdpa_kernel(SDPBackend.MATH), FlopCounterMode(display=False) as counter:
        model(torch.randint(0, 1000, (batch, seq_len))).sum().backward()
    counted = counter.get_total_flops() / (batch * seq_len)
    ours = training_flops_per_token(cfg, model.num_params(non_embedding=True), seq_len)
    assert counted == pytest.approx(ours, rel=0.01)
    head_and_attention = 6 * 1000 * 64 + 12 * 3 * seq_len * 64
    assert ours - 6 * model.num_params(non_embedding=True) == head_and_attention


class AttentionCalls(torch.overrides.TorchFunctionMode):
    """Records whether each attention call got a mask (a mask rules out the fused causal kernels)."""

    def __init__(self) -> None:
        super().__init__()
        self.masked: list[bool] = []

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        if func is torch.nn.functional.scaled_dot_product_attention:
            self.masked.append(kwargs.get("attn_mask") is not None)
        return func(*args, **kwargs)


def test_a_local_window_that_covers_the_context_takes_the_causal_fast_path() -> None:
    torch.manual_seed(0)
    windowed = Transformer(tiny("gpt-neo", local_window=8)).eval()
    plain = Transformer(tiny("gpt-neo")).eval()
    plain.load_state_dict(windowed.state_dict())
    short, long = torch.randint(0, 97, (2, 8)), torch.randint(0, 97, (2, 12))
    with AttentionCalls() as calls:
        torch.testing.assert_close(windowed(short), plain(short))
    assert calls.masked == [False] * 4  # 2 layers x 2 models: no mask where the window covers the context
    with AttentionCalls() as calls:
        assert not torch.allclose(windowed(long), plain(long))
    assert calls.masked == [False, True, False, False]  # only the local layer, on a context past its window
    with AttentionCalls() as calls:  # generation: one token at a time over the cache, unmasked until it fills
        from tinystories.sampling import Sampling, generate

        generate(windowed, short[0, :4], Sampling(max_new_tokens=4, temperature=0))
    assert not any(calls.masked)
