"""Loading a trained model for use outside training: from a Lightning checkpoint (with the tokenizer its run
saved), or from a Hugging Face model directory of either family (exported by us, or downloaded)."""

from __future__ import annotations

from pathlib import Path

from tokenizers import Tokenizer

from tinystories.data.tokenizer import TextTokenizer
from tinystories.errors import ConfigError
from tinystories.hf import load_hf_dir
from tinystories.model import ModelConfig, Transformer
from tinystories.released_txt import EOT
from tinystories.wandb_artifacts import is_wandb_ref, resolve_checkpoint


def load_model(source: str | Path, tokenizer: str | Path | None = None) -> tuple[Transformer, TextTokenizer]:
    """The network, in eval mode on the CPU, and its tokenizer. `source` is a `.ckpt` file (it carries its
    tokenizer; one saved before checkpoints did finds it in RUN_DIR/tokenizer) or a Hugging Face model directory
    holding config.json, weights and tokenizer.json, or a W&B model artifact (`wandb:ENTITY/PROJECT/NAME:ALIAS`);
    `tokenizer` names another tokenizer folder."""
    if is_wandb_ref(source):
        source = resolve_checkpoint(str(source))
    source = Path(source)
    if source.is_dir():
        cfg, state = load_hf_dir(source)
        model = Transformer(cfg)
        model.load_state_dict(state)
        return model.eval(), TextTokenizer(hf_dir_tokenizer(Path(tokenizer) if tokenizer else source))
    if not source.is_file():
        raise ConfigError(f"{source} is neither a checkpoint file nor a Hugging Face model directory")
    saved = read_saved(source)
    model, carried = network_of(saved, source), saved.get("tokenizer")
    if tokenizer is None and carried is not None:
        tok, where = TextTokenizer.from_dict(carried), f"the tokenizer inside {source}"
    else:
        tok_dir = Path(tokenizer) if tokenizer else source.parent.parent / "tokenizer"
        if not (tok_dir / "tokenizer.json").is_file():
            raise ConfigError(
                f"{source} carries no tokenizer (it was saved before checkpoints did) and there is none at "
                f"{tok_dir}, where its run saved it: name the run's tokenizer folder with tokenizer=DIR"
            )
        tok, where = TextTokenizer.load(tok_dir), f"the tokenizer at {tok_dir}"
    if tok.vocab_size != model.cfg.vocab_size:
        raise ConfigError(f"{where} has {tok.vocab_size} tokens, the model {model.cfg.vocab_size}")
    return model.eval(), tok


def network_of(saved: dict, path: Path) -> Transformer:
    """The Transformer inside a Lightning checkpoint of `LanguageModel`, rebuilt from its hyperparameters (the
    model's shape and vocabulary size) and the `model.` weights, without importing Lightning: a command that only
    reads a checkpoint starts in a second or two instead of paying for the training stack."""
    hparams = saved.get("hyper_parameters") or {}
    if "model" not in hparams or not hparams.get("vocab_size"):
        raise ConfigError(f"{path} is not a checkpoint of a tinystories run (no model shape or vocabulary size)")
    shape = {k: v for k, v in dict(hparams["model"]).items() if k != "init_from"}
    try:
        model = Transformer(ModelConfig(**shape, vocab_size=hparams["vocab_size"]))
    except (TypeError, ValueError) as e:
        raise ConfigError(f"{path} holds a model config this version cannot build: {e}") from None
    state = {k.removeprefix("model."): v for k, v in saved["state_dict"].items() if k.startswith("model.")}
    model.load_state_dict(state)
    return model


def read_saved(path: Path) -> dict:
    """A `.ckpt` file's contents, memory-mapped (no tensor is read until used), or one ConfigError naming it."""
    import torch

    try:
        saved = torch.load(path, map_location="cpu", mmap=True, weights_only=False)
    except Exception as e:  # torch raises RuntimeError, pickle and zip errors, OSError: all mean "unusable"
        raise ConfigError(
            f"{path} cannot be read as a checkpoint ({str(e).splitlines()[0] if str(e) else e!r})"
        ) from None
    if not isinstance(saved, dict) or "state_dict" not in saved:
        raise ConfigError(f"{path} is not a Lightning checkpoint (it has no state_dict)")
    return saved


def hf_dir_tokenizer(path: Path) -> Tokenizer:
    """The tokenizer of a Hugging Face directory: its tokenizer.json, or, for checkpoints in the older GPT-2
    layout (e.g. the released TinyStories models), the byte-level BPE of its vocab.json and merges.txt."""
    tok_file = path / "tokenizer.json" if path.is_dir() else path
    if tok_file.is_file():
        return Tokenizer.from_file(str(tok_file))
    if path.is_dir() and (path / "vocab.json").is_file() and (path / "merges.txt").is_file():
        from tokenizers import decoders, models, pre_tokenizers

        tok = Tokenizer(models.BPE.from_file(str(path / "vocab.json"), str(path / "merges.txt")))
        tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
        tok.decoder = decoders.ByteLevel()
        tok.add_special_tokens([EOT])
        return tok
    raise ConfigError(f"no tokenizer.json (or vocab.json and merges.txt) in {path}; name one with tokenizer=PATH")
