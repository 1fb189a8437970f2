"""Export a checkpoint as a Hugging Face model directory that `transformers` loads offline:

python -m tinystories.export ckpt=outputs/RUN/checkpoints/last.ckpt out=exported/ts-8m
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from tinystories import cli
from tinystories.atomic import atomic_path
from tinystories.errors import ConfigError
from tinystories.inference import load_model
from tinystories.released_txt import EOT

PROG = "python -m tinystories.export"


@dataclass
class ExportSettings:
    ckpt: str | None = cli.setting(None, "a .ckpt file of a run")
    out: str | None = cli.setting(None, "the directory to write (replaced whole if it exists)")
    tokenizer: str | None = cli.setting(None, "the tokenizer's folder (default: the checkpoint's run dir)")


def export(ckpt: str | Path, out: str | Path, tokenizer: str | Path | None = None) -> Path:
    """Write config.json, model.safetensors and the tokenizer files into `out`, all or nothing."""
    from transformers import PreTrainedTokenizerFast

    from tinystories.hf import to_hf_model

    model, tok = load_model(ckpt, tokenizer)
    if tok.keep_ids is not None:
        raise ConfigError(
            "this model's tokenizer is a remapped subset (tokenizer=gpt-neo-10k), which has no tokenizer.json "
            "form that transformers can load; export supports tokenizers trained or loaded as a whole"
        )
    with atomic_path(out, folder=True) as tmp:
        to_hf_model(model, tok.eot_id).save_pretrained(tmp)
        PreTrainedTokenizerFast(tokenizer_object=tok.tokenizer, bos_token=EOT, eos_token=EOT).save_pretrained(tmp)
    return Path(out)


def export_command(args: ExportSettings) -> None:
    if not args.ckpt or not args.out:
        raise ConfigError(f"name the checkpoint and the directory to write: {PROG} ckpt=PATH out=DIR")
    out = export(args.ckpt, args.out, args.tokenizer)
    print(f"exported to {out}; load it with AutoModelForCausalLM.from_pretrained({str(out)!r})")


def main(argv: list[str] | None = None) -> int:
    return cli.main(export_command, ExportSettings, argv, prog=PROG, doc=__doc__)


if __name__ == "__main__":
    sys.exit(main())
