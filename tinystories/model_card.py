"""The model card (README.md) written with every export and pushed with it to the hub: what a reader of a shared
model needs to judge it (data, tokenizer, size, tokens seen, final losses), from what the checkpoint carries."""

from __future__ import annotations

import math
from typing import Any

from tinystories.model import Transformer


def describe_data(data: dict[str, Any]) -> tuple[str, str | None]:
    """(a sentence on the training data, the hub dataset id if there is one)."""
    source = data.get("source") or {}
    kind = str(source.get("_target_", data.get("_target_", "")))
    if kind.endswith("HubSource"):
        return f"the `{source['name']}` dataset from the Hugging Face hub", source["name"]
    if kind.endswith("LocalSource"):
        return f"local story files (`{source.get('train_path')}`)", None
    if kind.endswith("BuiltinStoryDataModule"):
        n = data.get("n_train")
        return f"{n:,} stories from tinystories' built-in story generator (no LLM, no download)", None
    return "data not recorded in the checkpoint", None


def describe_tokenizer(spec: dict[str, Any], vocab_size: int) -> str:
    kind = str(spec.get("_target_", "")).rsplit(".", 1)[-1]
    if kind == "TrainBPE":
        return f"a byte-level BPE of {vocab_size:,} tokens trained on the training stories"
    if kind == "Pretrained":
        return f"`{spec.get('name_or_path')}` ({vocab_size:,} tokens)"
    if kind == "FrequentSubset":
        return f"the {vocab_size:,} most frequent tokens of `{spec.get('base')}`"
    return f"{vocab_size:,} tokens"


def _loss_line(metrics: dict[str, float], key: str) -> str:
    value = metrics.get(key)
    return "not recorded" if value is None else f"{value:.4f} nats/token (perplexity {math.exp(value):.2f})"


def model_card(model: Transformer, saved: dict[str, Any], fmt: str, repo_id: str | None = None) -> str:
    """README.md text. `saved` is the checkpoint (empty when exporting from a directory, which records less)."""
    cfg = model.cfg
    config = saved.get("config") or {}
    data, dataset = describe_data(config.get("data") or {})
    tokenizer = describe_tokenizer(config.get("tokenizer") or {}, cfg.vocab_size)
    metrics = saved.get("metrics") or {}
    params = sum(p.numel() for p in model.parameters())
    front = ["---", "pipeline_tag: text-generation", f"tags: [tinystories, {fmt}]"]
    if fmt == "hf":
        front.append("library_name: transformers")
    if dataset:
        front.append(f"datasets: [{dataset}]")
    front.append("---")
    name = repo_id or f"tinystories {cfg.family} model"
    use = {
        "hf": (
            "```python\nfrom transformers import AutoModelForCausalLM, AutoTokenizer\n\n"
            f'model = AutoModelForCausalLM.from_pretrained("{repo_id or "THIS_DIR"}")\n'
            f'tokenizer = AutoTokenizer.from_pretrained("{repo_id or "THIS_DIR"}")\n```'
        ),
        "gguf": "```sh\nllama-cli -m model.gguf -p 'Once upon a time' -n 200\n```",
        "llama2c": "```sh\n./run model.bin -z tokenizer.bin -i 'Once upon a time'\n```\n(llama2.c's `run.c`)",
    }[fmt]
    rows = [
        ("family", cfg.family),
        ("parameters", f"{params:,}"),
        ("layers x width", f"{cfg.n_layer} x {cfg.d_model} ({cfg.n_head} heads, {cfg.n_kv_head} key/value heads)"),
        ("context", f"{cfg.max_seq_len} tokens"),
        ("tokenizer", tokenizer),
        ("training data", data),
        ("tokens seen", f"{saved['tokens_seen']:,}" if "tokens_seen" in saved else "not recorded"),
        ("optimizer steps", f"{saved['global_step']:,}" if "global_step" in saved else "not recorded"),
        ("final training loss", _loss_line(metrics, "train/loss")),
        ("final validation loss", _loss_line(metrics, "val/loss")),
    ]
    table = "\n".join(["| | |", "|---|---|", *(f"| {k} | {v} |" for k, v in rows)])
    return "\n".join(
        [
            *front,
            f"# {name}",
            "",
            "A small language model of children's stories in the style of TinyStories (Eldan & Li, 2023), "
            "trained with the tinystories framework (PyTorch Lightning, Hydra, W&B).",
            "",
            table,
            "",
            "## Use",
            "",
            use,
            "",
        ]
    )
