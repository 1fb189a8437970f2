"""Export a trained model to where small-LM users run and share it, with a model card (README.md) in every form:

python -m tinystories.export ckpt=outputs/RUN/checkpoints/last.ckpt format=hf out=exported/hf
python -m tinystories.export ckpt=outputs/RUN/checkpoints/last.ckpt format=gguf out=exported/gguf
python -m tinystories.export ckpt=outputs/RUN/checkpoints/last.ckpt format=llama2c out=exported/llama2c
python -m tinystories.export ckpt=wandb:ENTITY/tinystories/model-RUNID:best format=hf out=exported/hf \\
    push_to_hub=USER/tinystories-260k

hf: config.json, model.safetensors and tokenizer files that `transformers` loads. gguf: model.gguf for llama.cpp,
Ollama, LM Studio and llama-cpp-python (Llama family). llama2c: model.bin and tokenizer.bin for llama2.c's run.c
(`./run model.bin -z tokenizer.bin`), plus a tokenizer.json in the same token order for `model.init_from`.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from tinystories import cli
from tinystories.atomic import atomic_path
from tinystories.data.tokenizer import TextTokenizer
from tinystories.errors import ConfigError
from tinystories.inference import load_model, read_saved
from tinystories.model import Transformer
from tinystories.model_card import model_card
from tinystories.released_txt import EOT
from tinystories.wandb_artifacts import is_wandb_ref, resolve_checkpoint

PROG = "python -m tinystories.export"
FORMATS = ("hf", "gguf", "llama2c")


@dataclass
class ExportSettings:
    ckpt: str | None = cli.setting(
        None, "a .ckpt file, a Hugging Face model directory, or wandb:ENTITY/PROJECT/NAME:ALIAS"
    )
    format: str = cli.setting("hf", "hf (transformers), gguf (llama.cpp), llama2c (run.c)")
    out: str | None = cli.setting(None, "the directory to write (replaced whole if it exists)")
    tokenizer: str | None = cli.setting(None, "another tokenizer folder (default: the one the checkpoint carries)")
    push_to_hub: str | None = cli.setting(None, "a Hugging Face hub repo (USER/NAME) to upload the directory to")
    private: bool = cli.setting(False, "with push_to_hub: create the repo private")
    llama2c_version: int = cli.setting(0, "llama2.c's file version: 0 (what run.c reads) or 1")


def how_to_run(fmt: str, out: Path) -> str:
    return {
        "hf": f"load it with AutoModelForCausalLM.from_pretrained({str(out)!r})",
        "gguf": f"run it with llama.cpp: llama-cli -m {out / 'model.gguf'} -p 'Once upon a time'",
        "llama2c": f"run it with llama2.c: ./run {out / 'model.bin'} -z {out / 'tokenizer.bin'} -i 'Once upon a time'",
    }[fmt]


def write_hf(model: Transformer, tok: TextTokenizer, folder: Path) -> None:
    from transformers import PreTrainedTokenizerFast

    from tinystories.hf import to_hf_model

    if tok.keep_ids is not None:
        raise ConfigError(
            "this model's tokenizer is a remapped subset (tokenizer=gpt-neo-10k), which has no tokenizer.json "
            "form that transformers can load; export supports tokenizers trained or loaded as a whole"
        )
    to_hf_model(model, tok.eot_id).save_pretrained(folder)
    PreTrainedTokenizerFast(tokenizer_object=tok.tokenizer, bos_token=EOT, eos_token=EOT).save_pretrained(folder)


def write_gguf(model: Transformer, tok: TextTokenizer, folder: Path, name: str) -> None:
    from tinystories.gguf_export import write_gguf as write

    write(model, tok, folder / "model.gguf", name)


def write_llama2c(model: Transformer, tok: TextTokenizer, folder: Path, version: int) -> None:
    from tinystories import llama2c

    order = llama2c.run_c_order(tok)
    (folder / "model.bin").write_bytes(llama2c.model_bin(model, order, version))
    (folder / "tokenizer.bin").write_bytes(llama2c.tokenizer_bin(tok, order))
    llama2c.reordered_tokenizer(tok, order).save(str(folder / "tokenizer.json"))


def export(
    ckpt: str | Path,
    out: str | Path,
    fmt: str = "hf",
    tokenizer: str | Path | None = None,
    repo_id: str | None = None,
    llama2c_version: int = 0,
) -> tuple[Path, str]:
    """Writes `out` in format `fmt` with its model card, all or nothing; returns it and how to use it."""
    if fmt not in FORMATS:
        raise ConfigError(f"format={fmt} is unknown; use one of {', '.join(FORMATS)}")
    source = resolve_checkpoint(str(ckpt)) if is_wandb_ref(ckpt) else Path(ckpt)
    model, tok = load_model(source, tokenizer)
    saved = read_saved(source) if source.is_file() else {}  # a directory records no training facts
    out = Path(out)
    with atomic_path(out, folder=True) as tmp:
        if fmt == "hf":
            write_hf(model, tok, tmp)
        elif fmt == "gguf":
            write_gguf(model, tok, tmp, repo_id or out.name)
        else:
            write_llama2c(model, tok, tmp, llama2c_version)
        (tmp / "README.md").write_text(model_card(model, saved, fmt, repo_id))
    return out, how_to_run(fmt, out)


def push(folder: Path, repo_id: str, private: bool = False) -> str:
    """Uploads `folder` to the hub repo `repo_id` (created if absent) through huggingface_hub; returns its URL."""
    from huggingface_hub import HfApi

    api = HfApi()
    try:
        api.create_repo(repo_id, private=private, exist_ok=True)
        api.upload_folder(repo_id=repo_id, folder_path=str(folder), commit_message="Upload from tinystories.export")
    except Exception as e:  # huggingface_hub's HTTP, offline-mode and auth errors: all mean "not pushed"
        reason = str(e).splitlines()[0] if str(e) else type(e).__name__
        raise ConfigError(
            f"could not push {folder} to the hub repo {repo_id} ({type(e).__name__}: {reason}). The export is "
            f"complete in {folder}: upload it once the hub is reachable and you are logged in (`hf auth login` or "
            f"HF_TOKEN), with this command again or `hf upload {repo_id} {folder}`"
        ) from None
    return f"https://huggingface.co/{repo_id}"


def export_command(args: ExportSettings) -> None:
    if not args.ckpt or not args.out:
        raise ConfigError(f"name the checkpoint and the directory to write: {PROG} ckpt=PATH format=hf out=DIR")
    out, how = export(args.ckpt, args.out, args.format, args.tokenizer, args.push_to_hub, args.llama2c_version)
    print(f"exported to {out} ({args.format}, with README.md); {how}")
    if args.push_to_hub:
        print(f"pushed to {push(out, args.push_to_hub, args.private)}")


def main(argv: list[str] | None = None) -> int:
    return cli.main(export_command, ExportSettings, argv, prog=PROG, doc=__doc__)


if __name__ == "__main__":
    sys.exit(main())
