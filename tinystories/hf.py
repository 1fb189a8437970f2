"""Hugging Face `transformers` layouts of our two families: GPT-Neo (`GPTNeoForCausalLM`) and Llama
(`LlamaForCausalLM`). Converts configs and weights both ways, so a model can be exported to the hub format and a
published checkpoint (e.g. roneneldan/TinyStories-33M) can start our training.

Needs only torch for the conversion itself; `transformers` is imported only where a HF model object is built.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import torch

from tinystories.errors import ConfigError
from tinystories.model import ModelConfig, Transformer


def hf_config(cfg: ModelConfig, eot_id: int | None = None) -> dict:
    """The `config.json` of the equivalent `transformers` model."""
    common = {
        "vocab_size": cfg.vocab_size,
        "max_position_embeddings": cfg.max_seq_len,
        "tie_word_embeddings": cfg.tie_embeddings,
        "bos_token_id": eot_id,
        "eos_token_id": eot_id,
    }
    if cfg.family == "gpt-neo":
        kinds = ["global" if i % 2 == 0 or not cfg.local_window else "local" for i in range(cfg.n_layer)]
        return {
            **common,
            "architectures": ["GPTNeoForCausalLM"],
            "model_type": "gpt_neo",
            "hidden_size": cfg.d_model,
            "num_layers": cfg.n_layer,
            "num_heads": cfg.n_head,
            "intermediate_size": cfg.d_ff,
            "attention_types": [[[kind], 1] for kind in kinds],
            "window_size": cfg.local_window or cfg.max_seq_len,
            "activation_function": "gelu_new",
            "layer_norm_epsilon": cfg.norm_eps,
            "resid_dropout": cfg.dropout,
            "embed_dropout": cfg.dropout,
            "attention_dropout": cfg.dropout,
        }
    return {
        **common,
        "architectures": ["LlamaForCausalLM"],
        "model_type": "llama",
        "hidden_size": cfg.d_model,
        "intermediate_size": cfg.d_ff,
        "num_hidden_layers": cfg.n_layer,
        "num_attention_heads": cfg.n_head,
        "num_key_value_heads": cfg.n_kv_head,
        "head_dim": cfg.head_dim,
        "rms_norm_eps": cfg.norm_eps,
        "rope_theta": cfg.rope_theta,
        "rope_parameters": {"rope_type": "default", "rope_theta": cfg.rope_theta},
        "hidden_act": "silu",
        "attention_bias": False,
        "mlp_bias": False,
        "attention_dropout": cfg.dropout,
    }


def _pairs(cfg: ModelConfig) -> list[tuple[str, str]]:
    """(our name, their name) for every tensor."""
    if cfg.family == "gpt-neo":
        pairs = [("tok_emb.weight", "transformer.wte.weight"), ("pos_emb.weight", "transformer.wpe.weight")]
        for i in range(cfg.n_layer):
            ours, theirs = f"blocks.{i}.", f"transformer.h.{i}."
            for a, b in [("norm1", "ln_1"), ("norm2", "ln_2")]:
                pairs += [(f"{ours}{a}.weight", f"{theirs}{b}.weight"), (f"{ours}{a}.bias", f"{theirs}{b}.bias")]
            for p in ("q_proj", "k_proj", "v_proj", "out_proj"):
                pairs.append((f"{ours}attn.{p}.weight", f"{theirs}attn.attention.{p}.weight"))
            pairs.append((f"{ours}attn.out_proj.bias", f"{theirs}attn.attention.out_proj.bias"))
            for a, b in [("up", "c_fc"), ("down", "c_proj")]:
                pairs += [
                    (f"{ours}mlp.{a}.weight", f"{theirs}mlp.{b}.weight"),
                    (f"{ours}mlp.{a}.bias", f"{theirs}mlp.{b}.bias"),
                ]
        pairs += [("norm.weight", "transformer.ln_f.weight"), ("norm.bias", "transformer.ln_f.bias")]
    else:
        pairs = [("tok_emb.weight", "model.embed_tokens.weight")]
        for i in range(cfg.n_layer):
            ours, theirs = f"blocks.{i}.", f"model.layers.{i}."
            pairs += [
                (f"{ours}norm1.weight", f"{theirs}input_layernorm.weight"),
                (f"{ours}norm2.weight", f"{theirs}post_attention_layernorm.weight"),
            ]
            for a, b in [("q_proj", "q_proj"), ("k_proj", "k_proj"), ("v_proj", "v_proj"), ("out_proj", "o_proj")]:
                pairs.append((f"{ours}attn.{a}.weight", f"{theirs}self_attn.{b}.weight"))
            for a, b in [("gate", "gate_proj"), ("up", "up_proj"), ("down", "down_proj")]:
                pairs.append((f"{ours}mlp.{a}.weight", f"{theirs}mlp.{b}.weight"))
        pairs.append(("norm.weight", "model.norm.weight"))
    pairs.append(("lm_head.weight", "lm_head.weight"))
    return pairs


def to_hf_state_dict(model: Transformer) -> dict[str, torch.Tensor]:
    ours = model.state_dict()
    return {theirs: ours[name].detach().clone() for name, theirs in _pairs(model.cfg)}


def config_from_hf(hf: dict) -> ModelConfig:
    """Our config for a `transformers` GPT-Neo or Llama `config.json`."""
    kind = hf.get("model_type")
    if kind == "gpt_neo":
        layers = [k for kinds, n in hf["attention_types"] for _ in range(n) for k in kinds]
        alternating = ["global" if i % 2 == 0 else "local" for i in range(len(layers))]
        if "local" in layers and layers != alternating:
            raise ConfigError(f"GPT-Neo attention layers {layers} are not the alternating global/local pattern")
        return ModelConfig(
            family="gpt-neo",
            vocab_size=hf["vocab_size"],
            d_model=hf["hidden_size"],
            n_layer=hf["num_layers"],
            n_head=hf["num_heads"],
            d_ff=hf.get("intermediate_size") or 4 * hf["hidden_size"],
            max_seq_len=hf["max_position_embeddings"],
            local_window=hf["window_size"] if "local" in layers else None,
            tie_embeddings=hf.get("tie_word_embeddings", True),
            norm_eps=hf.get("layer_norm_epsilon", 1e-5),
        )
    if kind == "llama":
        rope = (hf.get("rope_parameters") or {}).get("rope_theta") or hf.get("rope_theta", 10000.0)
        return ModelConfig(
            family="llama",
            vocab_size=hf["vocab_size"],
            d_model=hf["hidden_size"],
            n_layer=hf["num_hidden_layers"],
            n_head=hf["num_attention_heads"],
            n_kv_head=hf.get("num_key_value_heads") or hf["num_attention_heads"],
            d_ff=hf["intermediate_size"],
            max_seq_len=hf["max_position_embeddings"],
            tie_embeddings=hf.get("tie_word_embeddings", False),
            norm_eps=hf.get("rms_norm_eps", 1e-6),
            rope_theta=rope,
        )
    raise ConfigError(f"model_type={kind!r} is neither gpt_neo nor llama; only those two families can be loaded")


def load_hf_dir(directory: str | Path) -> tuple[ModelConfig, dict[str, torch.Tensor]]:
    """Our config and state dict from a Hugging Face model directory (config.json + safetensors or .bin)."""
    directory = Path(directory)
    if not (directory / "config.json").is_file():
        raise ConfigError(f"{directory} is not a Hugging Face model directory (no config.json)")
    cfg = config_from_hf(json.loads((directory / "config.json").read_text()))
    theirs: dict[str, torch.Tensor] = {}
    for f in sorted(directory.glob("*.safetensors")):
        from safetensors.torch import load_file

        theirs.update(load_file(str(f)))
    for f in sorted(directory.glob("pytorch_model*.bin")):
        theirs.update(torch.load(f, map_location="cpu", weights_only=True))
    if not theirs:
        raise ConfigError(f"{directory} holds no weights (*.safetensors or pytorch_model*.bin)")
    state = {}
    for name, hf_name in _pairs(cfg):
        if hf_name not in theirs and name == "lm_head.weight" and cfg.tie_embeddings:
            continue  # tied: the embedding is the head
        if hf_name not in theirs:
            raise ConfigError(f"{directory}: weight {hf_name} is missing")
        state[name] = theirs[hf_name]
    if cfg.tie_embeddings:
        state["lm_head.weight"] = state["tok_emb.weight"]
    return cfg, state


def to_hf_model(model: Transformer, eot_id: int | None = None, attn_implementation: str | None = "eager"):
    """A `transformers` model holding the same weights; `attn_implementation=None` takes transformers' default
    for the family (what a user of transformers gets)."""
    from transformers import AutoConfig, AutoModelForCausalLM

    cfg = hf_config(model.cfg, eot_id)
    hf = AutoModelForCausalLM.from_config(AutoConfig.for_model(**cfg), attn_implementation=attn_implementation)
    missing, unexpected = hf.load_state_dict(to_hf_state_dict(model), strict=False)
    missing = [m for m in missing if not m.endswith(("attn.bias", "attn.masked_bias", "rotary_emb.inv_freq"))]
    if missing or unexpected:
        raise RuntimeError(f"weights did not map onto transformers: missing {missing}, unexpected {unexpected}")
    return hf.eval()


# What a checkpoint must share with the configured model to start its training.
SHAPE_FIELDS = (
    "family",
    "vocab_size",
    "d_model",
    "n_layer",
    "n_head",
    "n_kv_head",
    "d_ff",
    "local_window",
    "tie_embeddings",
)


def check_shape_fits(ours: ModelConfig, theirs: ModelConfig, source: str) -> None:
    """Refuses weights of another shape than the configured model with one error that lists every difference;
    a longer position table than ours is fine (it is cut to our context)."""
    wrong = [
        f"model.{f}={getattr(ours, f)} but it has {getattr(theirs, f)}"
        for f in SHAPE_FIELDS
        if getattr(ours, f) != getattr(theirs, f)
    ]
    if theirs.max_seq_len < ours.max_seq_len:
        wrong.append(f"model.max_seq_len={ours.max_seq_len} but it has {theirs.max_seq_len} positions")
    if wrong:
        raise ConfigError(
            f"{source} does not fit the configured model: {'; '.join(wrong)}. Choose the preset and tokenizer it "
            f"was trained with (e.g. model=ts-33m tokenizer=gpt-neo for TinyStories-33M)"
        )


def init_from_hf(model: Transformer, directory: str | Path) -> None:
    """Loads a Hugging Face checkpoint of the same family and shape (e.g. a downloaded TinyStories-33M) into
    `model`, to start training from it."""
    theirs, state = load_hf_dir(directory)
    check_shape_fits(model.cfg, theirs, f"model.init_from={directory}")
    if "pos_emb.weight" in state:
        state["pos_emb.weight"] = state["pos_emb.weight"][: model.cfg.max_seq_len]
    model.load_state_dict(state)


@dataclass(frozen=True)
class HFWeights:
    """Starts a network from a Hugging Face model directory: what `LanguageModel(init_weights=...)` takes for
    `model.init_from=DIR`."""

    directory: str

    def __call__(self, model: Transformer) -> None:
        init_from_hf(model, self.directory)

    def __str__(self) -> str:
        return str(self.directory)
