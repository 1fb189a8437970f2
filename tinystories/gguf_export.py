"""A Llama-family model as one GGUF file, the format of llama.cpp and the runtimes built on it (Ollama, LM Studio,
llama-cpp-python), written through the `gguf` package that llama.cpp publishes.

Weights are float32 (these models are small) in Meta's layout (tinystories.meta_layout), under llama.cpp's tensor
names; the tokenizer is stored as llama.cpp's "gpt2" byte-level BPE (tokens, merges, GPT-2's pre-tokenizer), with
our end-of-text as both BOS and EOS and no BOS added to a prompt, as `python -m tinystories.generate` begins.
"""

from __future__ import annotations

import json
from pathlib import Path

from tinystories.data.tokenizer import TextTokenizer
from tinystories.errors import ConfigError
from tinystories.meta_layout import require_llama, to_meta
from tinystories.model import Transformer

# llama2.c's names (meta_layout) -> llama.cpp's, as gguf.MODEL_TENSOR members; {i} is the layer
META_TO_GGUF = {
    "tok_embeddings.weight": "TOKEN_EMBD",
    "norm.weight": "OUTPUT_NORM",
    "output.weight": "OUTPUT",
    "attention_norm.weight": "ATTN_NORM",
    "attention.wq.weight": "ATTN_Q",
    "attention.wk.weight": "ATTN_K",
    "attention.wv.weight": "ATTN_V",
    "attention.wo.weight": "ATTN_OUT",
    "ffn_norm.weight": "FFN_NORM",
    "feed_forward.w1.weight": "FFN_GATE",
    "feed_forward.w2.weight": "FFN_DOWN",
    "feed_forward.w3.weight": "FFN_UP",
}


def gguf_tensor_name(meta_name: str) -> str:
    import gguf

    if meta_name.startswith("layers."):
        _, layer, rest = meta_name.split(".", 2)
        kind = gguf.MODEL_TENSOR[META_TO_GGUF[rest]]
        return gguf.TENSOR_NAMES[kind].format(bid=int(layer)) + ".weight"
    return gguf.TENSOR_NAMES[gguf.MODEL_TENSOR[META_TO_GGUF[meta_name]]] + ".weight"


def write_gguf(model: Transformer, tok: TextTokenizer, path: str | Path, name: str = "tinystories") -> None:
    try:
        import gguf
    except ImportError:
        raise ConfigError("format=gguf needs the gguf package: pip install -e '.[export]'") from None
    cfg = model.cfg
    require_llama(cfg, "GGUF export")
    if tok.keep_ids is not None:
        raise ConfigError("a remapped-subset tokenizer (tokenizer=gpt-neo-10k) has no GGUF form")
    data = json.loads(tok.tokenizer.to_str())
    if data["model"]["type"] != "BPE" or (data.get("decoder") or {}).get("type") != "ByteLevel":
        raise ConfigError("GGUF export needs a byte-level BPE tokenizer (as tokenizer=bpe-* trains)")

    writer = gguf.GGUFWriter(str(path), "llama")
    writer.add_name(name)
    writer.add_file_type(gguf.LlamaFileType.ALL_F32)
    writer.add_context_length(cfg.max_seq_len)
    writer.add_embedding_length(cfg.d_model)
    writer.add_block_count(cfg.n_layer)
    writer.add_feed_forward_length(cfg.d_ff)
    writer.add_head_count(cfg.n_head)
    writer.add_head_count_kv(cfg.n_kv_head)
    writer.add_rope_dimension_count(cfg.head_dim)
    writer.add_rope_freq_base(cfg.rope_theta)
    writer.add_layer_norm_rms_eps(cfg.norm_eps)
    writer.add_vocab_size(cfg.vocab_size)

    vocab = tok.tokenizer.get_vocab(with_added_tokens=True)
    tokens = [t for t, _ in sorted(vocab.items(), key=lambda kv: kv[1])]
    if len(tokens) != cfg.vocab_size:
        raise ConfigError(f"the tokenizer has {len(tokens)} tokens, the model {cfg.vocab_size}")
    merges = [m if isinstance(m, str) else " ".join(m) for m in data["model"]["merges"]]
    writer.add_tokenizer_model("gpt2")
    writer.add_tokenizer_pre("gpt-2")  # the GPT-2 split pattern, which pre_tokenizers.ByteLevel uses
    writer.add_token_list(tokens)
    types = [gguf.TokenType.CONTROL if i == tok.eot_id else gguf.TokenType.NORMAL for i in range(len(tokens))]
    writer.add_token_types(types)
    writer.add_token_merges(merges)
    writer.add_bos_token_id(tok.eot_id)
    writer.add_eos_token_id(tok.eot_id)
    writer.add_add_bos_token(False)

    for meta_name, tensor in to_meta(model).items():
        writer.add_tensor(gguf_tensor_name(meta_name), tensor.contiguous().numpy())
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
