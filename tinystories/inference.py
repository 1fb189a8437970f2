"""Loading a trained model for use outside training: from a Lightning checkpoint (with the tokenizer its run
saved), or from a Hugging Face model directory of either family (exported by us, or downloaded)."""

from __future__ import annotations

from pathlib import Path

from tokenizers import Tokenizer

from tinystories.data.tokenizer import TextTokenizer
from tinystories.errors import ConfigError
from tinystories.hf import load_hf_dir
from tinystories.module import LanguageModel


def load_model(source: str | Path, tokenizer: str | Path | None = None) -> tuple[LanguageModel, TextTokenizer]:
    """`source` is a `.ckpt` file (its tokenizer is RUN_DIR/tokenizer unless `tokenizer` names one) or a Hugging
    Face model directory holding config.json, weights and tokenizer.json."""
    source = Path(source)
    if source.is_dir():
        cfg, state = load_hf_dir(source)
        shape = {k: v for k, v in cfg.to_dict().items() if k != "vocab_size"}
        module = LanguageModel(shape, vocab_size=cfg.vocab_size)
        module.model.load_state_dict(state)
        tok_path = Path(tokenizer) if tokenizer else source
        tok_file = tok_path / "tokenizer.json" if tok_path.is_dir() else tok_path
        if not tok_file.is_file():
            raise ConfigError(f"no tokenizer.json in {tok_path}; name one with tokenizer=PATH")
        return module.eval(), TextTokenizer(Tokenizer.from_file(str(tok_file)))
    if not source.is_file():
        raise ConfigError(f"{source} is neither a checkpoint file nor a Hugging Face model directory")
    module = LanguageModel.load_from_checkpoint(source, map_location="cpu")
    tok_dir = Path(tokenizer) if tokenizer else source.parent.parent / "tokenizer"
    if not (tok_dir / "tokenizer.json").is_file():
        raise ConfigError(
            f"no tokenizer at {tok_dir} (a run saves it in RUN_DIR/tokenizer); name it with tokenizer=DIR"
        )
    tok = TextTokenizer.load(tok_dir)
    if tok.vocab_size != module.model.cfg.vocab_size:
        raise ConfigError(
            f"the tokenizer at {tok_dir} has {tok.vocab_size} tokens, the model {module.model.cfg.vocab_size}"
        )
    return module.eval(), tok


def parse_key_values(argv: list[str], defaults: dict) -> dict:
    """`key=value` arguments, Hydra style, over `defaults`; an unknown key is an error."""
    from omegaconf import OmegaConf

    try:
        given = OmegaConf.to_container(OmegaConf.from_dotlist(argv))
    except Exception as e:
        raise ConfigError(f"arguments must be key=value: {e}") from None
    unknown = set(given) - set(defaults)
    if unknown:
        raise ConfigError(f"unknown argument(s) {', '.join(sorted(unknown))}; known: {', '.join(defaults)}")
    return {**defaults, **given}
