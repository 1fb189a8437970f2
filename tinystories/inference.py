"""Loading a trained model for use outside training: from a Lightning checkpoint (with the tokenizer its run
saved), or from a Hugging Face model directory of either family (exported by us, or downloaded)."""

from __future__ import annotations

from pathlib import Path

from tokenizers import Tokenizer

from tinystories.data.tokenizer import TextTokenizer
from tinystories.errors import ConfigError
from tinystories.hf import load_hf_dir
from tinystories.model import Transformer
from tinystories.released_txt import EOT


def load_model(source: str | Path, tokenizer: str | Path | None = None) -> tuple[Transformer, TextTokenizer]:
    """The network, in eval mode on the CPU, and its tokenizer. `source` is a `.ckpt` file (its tokenizer is
    RUN_DIR/tokenizer unless `tokenizer` names one) or a Hugging Face model directory holding config.json,
    weights and tokenizer.json."""
    source = Path(source)
    if source.is_dir():
        cfg, state = load_hf_dir(source)
        model = Transformer(cfg)
        model.load_state_dict(state)
        return model.eval(), TextTokenizer(hf_dir_tokenizer(Path(tokenizer) if tokenizer else source))
    if not source.is_file():
        raise ConfigError(f"{source} is neither a checkpoint file nor a Hugging Face model directory")
    from tinystories.module import LanguageModel  # Lightning's checkpoint format; imported only for a .ckpt

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
    return module.model.eval(), tok


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
