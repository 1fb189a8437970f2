"""llama2.c's files: the `.bin` model that `run.c` reads and the `tokenizer.bin` it needs, written from a run, and
llama2.c's `.bin` and `.pt` checkpoints read back as the start of a run (`model.init_from=model.bin`).

Layout (llama2.c's export.py and run.c): version 0 is seven int32 (dim, hidden_dim, n_layers, n_heads,
n_kv_heads, vocab_size, max_seq_len; vocab_size negative when the classifier is not tied to the embedding), then
float32 weights: embedding, then per kind for all layers: attention norms, wq, wk, wv, wo, ffn norms, w1, w2, w3,
then the final norm, two RoPE tables (max_seq_len x head_dim/2, cos then sin), and the classifier if untied.
Version 1 starts with the magic "ak42" (uint32 0x616b3432) and int32 version 1, the same seven int32 (vocab_size
positive), a uint8 "classifier tied", zero padding to 256 bytes, then: attention norms, ffn norms, final norm,
embedding, wq, wk, wv, wo, w1, w2, w3, and the classifier if untied. run.c reads version 0.

tokenizer.bin: uint32 longest token in bytes, then per token a float32 merge score, an int32 length and the bytes.
run.c hard-codes token 1 as the story separator (it starts every prompt with it and stops on it) and token 3 + b
as byte b, so the vocabulary is reordered for it: our end-of-text at 1, the 256 bytes at 3..258; a tokenizer.json
with the same order is written beside it, so the exported model can also be imported back into a run.
"""

from __future__ import annotations

import json
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from tokenizers import Tokenizer

from tinystories.data.tokenizer import TextTokenizer
from tinystories.errors import ConfigError
from tinystories.meta_layout import LAYER_NAMES, from_meta, require_llama, to_meta
from tinystories.model import ModelConfig, Transformer

MAGIC = 0x616B3432  # "ak42"
HEADER = struct.Struct("<7i")
NO_MERGE = -1e10  # run.c merges a pair only into a token scoring above -1e10: never into these


def _byte_of_char() -> dict[str, int]:
    """The byte-level BPE alphabet (GPT-2's): printable Latin-1 bytes stand for themselves, the other bytes for
    the characters from U+0100 on, in byte order."""
    kept = [*range(0x21, 0x7F), *range(0xA1, 0xAD), *range(0xAE, 0x100)]
    shifted = [b for b in range(256) if b not in kept]
    return {**{chr(b): b for b in kept}, **{chr(0x100 + i): b for i, b in enumerate(shifted)}}


BYTE_OF_CHAR = _byte_of_char()


def tokenizer_json(tok: TextTokenizer) -> dict:
    if tok.keep_ids is not None:
        raise ConfigError("a remapped-subset tokenizer (tokenizer=gpt-neo-10k) has no llama2.c form")
    data = json.loads(tok.tokenizer.to_str())
    if data["model"]["type"] != "BPE" or (data.get("decoder") or {}).get("type") != "ByteLevel":
        raise ConfigError("llama2.c export needs a byte-level BPE tokenizer (as tokenizer=bpe-* trains)")
    return data


def run_c_order(tok: TextTokenizer) -> list[int]:
    """Our token ids in llama2.c's order (position i holds our id): end-of-text at 1, byte b at 3 + b, the two
    last-learned merges at 0 and 2, the others after the bytes in their order."""
    vocab = tokenizer_json(tok)["model"]["vocab"]
    byte_ids = [vocab[c] for c, _ in sorted(BYTE_OF_CHAR.items(), key=lambda kv: kv[1])]
    rest = [i for i in range(tok.vocab_size) if i != tok.eot_id and i not in set(byte_ids)]
    if len(rest) < 2:
        raise ConfigError("llama2.c's layout needs at least two tokens besides end-of-text and the 256 bytes")
    return [rest[-2], tok.eot_id, rest[-1], *byte_ids, *rest[:-2]]


def token_bytes(tok: TextTokenizer, token_id: int) -> bytes:
    piece = tok.tokenizer.id_to_token(token_id)
    if token_id == tok.eot_id:
        return piece.encode()
    return bytes(BYTE_OF_CHAR[c] for c in piece)


def tokenizer_bin(tok: TextTokenizer, order: list[int]) -> bytes:
    """run.c's tokenizer.bin: a merged token scores minus its merge's rank (run.c applies the highest score
    first, as BPE applies the earliest merge first)."""
    merges = tokenizer_json(tok)["model"]["merges"]
    pairs = [m.split(" ", 1) if isinstance(m, str) else m for m in merges]
    rank = {tok.tokenizer.token_to_id(a + b): r for r, (a, b) in enumerate(pairs)}
    pieces = [token_bytes(tok, i) for i in order]
    out = [struct.pack("<I", max(len(p) for p in pieces))]
    for i, piece in zip(order, pieces, strict=True):
        score = NO_MERGE if i == tok.eot_id else -float(rank.get(i, 1e9)) if len(piece) > 1 else 0.0
        out.append(struct.pack("<fi", score, len(piece)) + piece)
    return b"".join(out)


def reordered_tokenizer(tok: TextTokenizer, order: list[int]) -> Tokenizer:
    """The same tokenizer with its ids in `order`: what a run importing the exported .bin trains with."""
    data = tokenizer_json(tok)
    new_id = {old: new for new, old in enumerate(order)}
    data["model"]["vocab"] = {t: new_id[i] for t, i in data["model"]["vocab"].items()}
    for added in data.get("added_tokens", []):
        added["id"] = new_id[added["id"]]
    return Tokenizer.from_str(json.dumps(data))


def _f32(t: torch.Tensor) -> bytes:
    return t.detach().to(torch.float32).contiguous().numpy().astype("<f4").tobytes()


def rope_tables(cfg: ModelConfig) -> tuple[torch.Tensor, torch.Tensor]:
    freqs = 1.0 / cfg.rope_theta ** (torch.arange(0, cfg.head_dim, 2).float() / cfg.head_dim)
    angles = torch.outer(torch.arange(cfg.max_seq_len).float(), freqs)
    return angles.cos(), angles.sin()


def model_bin(model: Transformer, order: list[int] | None = None, version: int = 0) -> bytes:
    """The model file; `order` reorders the vocabulary (rows of the embedding and classifier)."""
    cfg = model.cfg
    require_llama(cfg, "llama2.c's .bin")
    if cfg.norm_eps != 1e-5 or cfg.rope_theta != 10000.0:
        raise ConfigError(
            f"run.c computes with norm_eps=1e-5 and rope_theta=10000; this model has {cfg.norm_eps} and "
            f"{cfg.rope_theta}: export it with format=gguf or format=hf instead"
        )
    meta = to_meta(model)
    if order is not None:
        for name in ("tok_embeddings.weight", "output.weight"):
            if name in meta:
                meta[name] = meta[name][order]
    layers = [[f"layers.{i}.{theirs}" for i in range(cfg.n_layer)] for theirs, _ in LAYER_NAMES]
    norms_att, wq, wk, wv, wo, norms_ffn, w1, w2, w3 = layers
    tied = cfg.tie_embeddings
    dims = (cfg.d_model, cfg.d_ff, cfg.n_layer, cfg.n_head, cfg.n_kv_head, cfg.vocab_size, cfg.max_seq_len)
    if version == 0:
        head = HEADER.pack(*dims[:5], cfg.vocab_size if tied else -cfg.vocab_size, cfg.max_seq_len)
        names = ["tok_embeddings.weight", *norms_att, *wq, *wk, *wv, *wo, *norms_ffn, *w1, *w2, *w3, "norm.weight"]
        tensors = [meta[n] for n in names] + list(rope_tables(cfg))
    elif version == 1:
        head = struct.pack("<Ii", MAGIC, 1) + HEADER.pack(*dims) + struct.pack("<B", int(tied))
        head += b"\0" * (256 - len(head))
        names = [*norms_att, *norms_ffn, "norm.weight", "tok_embeddings.weight", *wq, *wk, *wv, *wo, *w1, *w2, *w3]
        tensors = [meta[n] for n in names]
    else:
        raise ConfigError(f"llama2c_version={version}: llama2.c's float32 files are version 0 (run.c's) or 1")
    if not tied:
        tensors.append(meta["output.weight"])
    return head + b"".join(_f32(t) for t in tensors)


def read_llama2c(path: str | Path) -> tuple[ModelConfig, dict[str, torch.Tensor]]:
    """Our config and state dict from llama2.c's `.bin` (version 0 or 1, float32) or its training `.pt`."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"{path} does not exist (a llama2.c model.bin or ckpt.pt)")
    if path.suffix == ".pt":
        return _read_pt(path)
    data = path.read_bytes()
    version = struct.unpack_from("<Ii", data)[1] if struct.unpack_from("<I", data)[0] == MAGIC else 0
    if version not in (0, 1):
        raise ConfigError(f"{path} is a llama2.c file of version {version}; only float32 versions 0 and 1 load")
    offset = 8 if version else 0
    dim, hidden, n_layers, n_heads, n_kv, vocab, seq_len = HEADER.unpack_from(data, offset)
    tied = vocab > 0 if version == 0 else bool(data[offset + HEADER.size])
    cfg = ModelConfig(
        family="llama",
        vocab_size=abs(vocab),
        d_model=dim,
        n_layer=n_layers,
        n_head=n_heads,
        n_kv_head=n_kv,
        d_ff=hidden,
        max_seq_len=seq_len,
        tie_embeddings=tied,
    )
    shapes = _meta_shapes(cfg)
    if version == 0:
        order = ["tok_embeddings.weight", *[f"layers.*.{n}" for n, _ in LAYER_NAMES], "norm.weight", "rope", "rope"]
    else:
        order = ["layers.*.attention_norm.weight", "layers.*.ffn_norm.weight", "norm.weight", "tok_embeddings.weight"]
        order += [f"layers.*.{n}" for n, _ in LAYER_NAMES if "norm" not in n]
    if not tied:
        order.append("output.weight")
    floats = np.frombuffer(data, dtype="<f4", offset=0 if version == 0 else 256)
    pos = HEADER.size // 4 if version == 0 else 0
    meta = {}
    for name in order:
        names = [name.replace("*", str(i)) for i in range(n_layers)] if "*" in name else [name]
        for n in names:
            shape = (seq_len, cfg.head_dim // 2) if n == "rope" else shapes[n]
            size = int(np.prod(shape))
            if pos + size > len(floats):
                raise ConfigError(f"{path} ends early: its header promises more weights than the file holds")
            meta[n] = torch.from_numpy(floats[pos : pos + size].copy()).reshape(shape)
            pos += size
    if pos != len(floats):
        raise ConfigError(f"{path} holds {len(floats) - pos} floats more than its header describes")
    return cfg, from_meta(meta, cfg)


def _meta_shapes(cfg: ModelConfig) -> dict[str, tuple[int, ...]]:
    d, h, kv = cfg.d_model, cfg.n_head * cfg.head_dim, cfg.n_kv_head * cfg.head_dim
    per_layer = {
        "attention_norm.weight": (d,),
        "attention.wq.weight": (h, d),
        "attention.wk.weight": (kv, d),
        "attention.wv.weight": (kv, d),
        "attention.wo.weight": (d, h),
        "ffn_norm.weight": (d,),
        "feed_forward.w1.weight": (cfg.d_ff, d),
        "feed_forward.w2.weight": (d, cfg.d_ff),
        "feed_forward.w3.weight": (cfg.d_ff, d),
    }
    shapes = {"tok_embeddings.weight": (cfg.vocab_size, d), "norm.weight": (d,), "output.weight": (cfg.vocab_size, d)}
    for i in range(cfg.n_layer):
        shapes.update({f"layers.{i}.{n}": s for n, s in per_layer.items()})
    return shapes


def _read_pt(path: Path) -> tuple[ModelConfig, dict[str, torch.Tensor]]:
    """llama2.c's train.py checkpoint: {"model": state dict, "model_args": {dim, n_layers, ...}, ...}."""
    try:
        saved = torch.load(path, map_location="cpu", weights_only=False)
        args, state = saved["model_args"], saved["model"]
    except Exception as e:
        raise ConfigError(f"{path} is not a llama2.c training checkpoint (model and model_args): {e}") from None
    state = {k.removeprefix("_orig_mod."): v for k, v in state.items()}
    cfg = ModelConfig(
        family="llama",
        vocab_size=args["vocab_size"],
        d_model=args["dim"],
        n_layer=args["n_layers"],
        n_head=args["n_heads"],
        n_kv_head=args.get("n_kv_heads") or args["n_heads"],
        d_ff=args.get("hidden_dim") or state["layers.0.feed_forward.w1.weight"].shape[0],
        max_seq_len=args["max_seq_len"],
        norm_eps=args.get("norm_eps", 1e-5),
        tie_embeddings="output.weight" not in state
        or torch.equal(state["output.weight"], state["tok_embeddings.weight"]),
    )
    return cfg, from_meta(state, cfg)


@dataclass(frozen=True)
class Llama2cWeights:
    """Starts a network from a llama2.c `.bin` or `.pt`: what `model.init_from=FILE` builds for those files."""

    path: str

    def __call__(self, model: Transformer) -> None:
        from tinystories.hf import check_shape_fits

        theirs, state = read_llama2c(self.path)
        check_shape_fits(model.cfg, theirs, f"model.init_from={self.path}")
        model.load_state_dict(state)

    def __str__(self) -> str:
        return str(self.path)
