"""Finding the checkpoint to resume from, and what it remembers about its run."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import torch

from tinystories.errors import ConfigError
from tinystories.model import ModelConfig


def read_checkpoint(path: str | Path) -> dict:
    """The checkpoint at `path`, memory-mapped (no tensor is read until used), or one ConfigError naming the file
    when it is truncated, not a checkpoint, or unreadable."""
    try:
        checkpoint = torch.load(path, map_location="cpu", mmap=True, weights_only=False)
    except Exception as e:  # torch raises RuntimeError, pickle and zip errors, OSError: all mean "unusable"
        reason = str(e).splitlines()[0] if str(e) else type(e).__name__
        raise ConfigError(f"checkpoint {path} cannot be read ({reason})") from None
    if not isinstance(checkpoint, dict) or "state_dict" not in checkpoint or "global_step" not in checkpoint:
        raise ConfigError(f"checkpoint {path} cannot be read (not a Lightning training checkpoint)")
    return checkpoint


def resolve_ckpt_path(ckpt_path: str | None, checkpoint_dir: str | Path) -> str | None:
    """`auto` means the newest readable checkpoint of this run's checkpoint folder (last.ckpt unless it is
    damaged, then the newest other one, saying so), or a fresh start if the folder has none."""
    if ckpt_path in (None, "", "None", "null"):
        return None
    if ckpt_path == "auto":
        candidates = sorted(Path(checkpoint_dir).glob("*.ckpt"), key=lambda p: (p.stat().st_mtime, "last" in p.name))
        unreadable = []
        for path in reversed(candidates):
            try:
                read_checkpoint(path)
            except ConfigError as e:
                unreadable.append(str(e))
                continue
            if unreadable:
                from lightning.pytorch.utilities import rank_zero_info  # only to warn: resuming needs no Lightning

                rank_zero_info(f"warning: {'; '.join(unreadable)}: resuming from {path} instead")
            return str(path)
        if unreadable:
            raise ConfigError(
                f"no checkpoint in {checkpoint_dir} can be read ({'; '.join(unreadable)}); move them aside to start "
                f"over, or give ckpt_path=FILE"
            )
        return None
    if not Path(ckpt_path).is_file():
        raise ConfigError(
            f"ckpt_path={ckpt_path} does not exist; give the path of a .ckpt file, or ckpt_path=auto to resume "
            f"from the newest last.ckpt of the run dir (set run_name=NAME to reuse a run dir)"
        )
    read_checkpoint(ckpt_path)
    return ckpt_path


SHAPE_KEYS = ("family", "d_model", "n_layer", "n_head", "n_kv_head", "d_ff", "tie_embeddings")


def _shape(model: dict) -> ModelConfig | None:
    """The model a config describes, with its derived sizes (d_ff, n_kv_head) filled in; None if it describes
    none (the module reports that itself)."""
    names = {f.name for f in dataclasses.fields(ModelConfig)}
    try:
        return ModelConfig(**{k: v for k, v in model.items() if k in names})
    except (TypeError, ValueError):
        return None


def check_checkpoint_fits(checkpoint: dict, model: dict, tokenizer_vocab: int | None) -> None:
    """Refuses, before any data is prepared (tokenizing a corpus can take minutes), a resume whose configured
    model shape or vocabulary differs from the checkpoint's own. The module checks the weights themselves when
    they load; this is the early answer for what the config alone tells."""
    saved = checkpoint.get("hyper_parameters", {})
    theirs = saved.get("vocab_size")
    if theirs is not None and tokenizer_vocab is not None and theirs != tokenizer_vocab:
        raise ConfigError(vocabulary_mismatch(theirs, tokenizer_vocab))
    old, new = _shape(saved.get("model") or {}), _shape(model)
    if old is None or new is None or not saved.get("model"):
        return
    differ = [
        f"model.{k}={getattr(new, k)} (checkpoint: {getattr(old, k)})"
        for k in SHAPE_KEYS
        if getattr(old, k) != getattr(new, k)
    ]
    if differ:
        raise ConfigError(
            f"the checkpoint's weights do not fit the configured model ({', '.join(differ)}): resume with the model "
            f"of the original run (its run dir's config.yaml), or start a new run (another run_name, or ckpt_path=null)"
        )


def vocabulary_mismatch(theirs: int, ours: int) -> str:
    return (
        f"the checkpoint's model has a {theirs}-token vocabulary, but the configured tokenizer has {ours}. "
        f"Resume with the tokenizer of the original run (saved in its run dir: "
        f"tokenizer=file tokenizer.name_or_path=RUN_DIR/tokenizer/tokenizer.json)"
    )
