"""Export a checkpoint as a Hugging Face model directory that `transformers` loads offline:

python -m tinystories.export ckpt=outputs/run/checkpoints/last.ckpt out=exported/ts-8m
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from tinystories.data.sources import EOT
from tinystories.errors import ConfigError, TinyStoriesError
from tinystories.inference import load_model, parse_key_values

DEFAULTS = {"ckpt": None, "out": None, "tokenizer": None}


def export(ckpt: str | Path, out: str | Path, tokenizer: str | Path | None = None) -> Path:
    """Write config.json, model.safetensors and the tokenizer files into `out`, all or nothing."""
    from transformers import PreTrainedTokenizerFast

    from tinystories.hf import to_hf_model

    module, tok = load_model(ckpt, tokenizer)
    if tok.keep_ids is not None:
        raise ConfigError(
            "this model's tokenizer is a remapped subset (tokenizer=gpt-neo-10k), which has no tokenizer.json "
            "form that transformers can load; export supports tokenizers trained or loaded as a whole"
        )
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        to_hf_model(module.model, tok.eot_id).save_pretrained(tmp)
        PreTrainedTokenizerFast(tokenizer_object=tok.tokenizer, bos_token=EOT, eos_token=EOT).save_pretrained(tmp)
        if out.exists():
            shutil.rmtree(out)
        tmp.rename(out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return out


def main(argv: list[str] | None = None) -> int:
    try:
        args = parse_key_values(sys.argv[1:] if argv is None else argv, DEFAULTS)
        if not args["ckpt"] or not args["out"]:
            raise ConfigError("usage: python -m tinystories.export ckpt=PATH out=DIR [tokenizer=DIR]")
        out = export(args["ckpt"], args["out"], args["tokenizer"])
    except TinyStoriesError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(f"exported to {out}; load it with AutoModelForCausalLM.from_pretrained({str(out)!r})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
