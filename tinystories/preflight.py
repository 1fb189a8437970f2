"""The checks a run's config can fail before anything is built, kept apart from the training code so that train.py
runs them before Lightning's import: a mistake in the model shape, the optimizer settings, the presets or the
checkpoint to resume from answers in a second or two, not after the training stack has loaded."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig, OmegaConf

from tinystories.config_types import check_values, parameter_hints
from tinystories.errors import ConfigError
from tinystories.model import ModelConfig
from tinystories.resume import check_checkpoint_fits, read_checkpoint, resolve_ckpt_path


@dataclass
class Checked:
    """What the checks found out on the way: the checkpoint the run resumes from (None: a fresh start) and its
    contents, memory-mapped."""

    ckpt_path: str | None = None
    checkpoint: dict = field(default_factory=dict)


def check_preset_choices(choices: Mapping[str, str | None]) -> None:
    """One model per run: a size preset selects the model preset of its name (with the devices and batch sized
    for it), so a different model chosen beside it, on the command line or by an experiment, is refused."""
    size, model = choices.get("size"), choices.get("model")
    if size and model != size:
        raise ConfigError(
            f"size={size} selects model={size} (with the devices and batch sized for it), but the model is {model}: "
            f"drop model={model} (or the experiment that sets it), or drop size={size} to train {model} as configured"
        )


def hydra_choices() -> Mapping[str, str | None]:
    """The config group choices of this run ({"model": "ts-8m", ...}); empty outside Hydra."""
    return HydraConfig.get().runtime.choices if HydraConfig.initialized() else {}


def check_optimizer_settings(
    lr: float, min_lr: float, warmup_steps: int, weight_decay: float, betas: tuple[float, float], eps: float
) -> None:
    """One ConfigError naming the module.* key whose value cannot train, before any work is done."""
    problems = [
        ("lr", lr, lr > 0, "a positive learning rate (3e-3)"),
        ("min_lr", min_lr, 0 <= min_lr <= lr, f"between 0 and module.lr={lr}"),
        ("warmup_steps", warmup_steps, warmup_steps >= 0, "0 or more steps"),
        ("weight_decay", weight_decay, weight_decay >= 0, "0 or more"),
        ("betas", list(betas), len(betas) == 2 and all(0 <= b < 1 for b in betas), "two numbers in [0, 1)"),
        ("eps", eps, eps > 0, "a small positive number (1e-8)"),
    ]
    for key, value, ok, wanted in problems:
        if not ok:
            raise ConfigError(f"module.{key}={value} cannot train: set {wanted}")


def model_config(model: Mapping, vocab_size: int) -> ModelConfig:
    """The network a `model` config node describes, or one ConfigError saying why it describes none."""
    shape = {k: v for k, v in dict(model).items() if k != "init_from"}
    try:
        return ModelConfig(**shape, vocab_size=vocab_size)
    except (TypeError, ValueError) as e:
        raise ConfigError(f"bad model config: {e}") from None


def preflight(cfg: DictConfig) -> Checked:
    """Everything a composed config can be refused for without building the run; the resume checks come before
    any data is prepared (tokenizing a corpus can take minutes)."""
    check_preset_choices(hydra_choices())
    check_values(cfg.model, parameter_hints(ModelConfig), "model.", "the model")  # a dict to the module, untyped
    optimizer = parameter_hints(check_optimizer_settings)
    check_values(cfg.module, optimizer, "module.", "the module")
    check_optimizer_settings(**{k: cfg.module[k] for k in optimizer})
    model_config(cfg.model, vocab_size=1)
    ckpt_path = resolve_ckpt_path(cfg.ckpt_path, Path(cfg.paths.output_dir) / "checkpoints")
    checkpoint = read_checkpoint(ckpt_path) if ckpt_path else {}  # memory-mapped: no tensor is read
    if checkpoint:
        model = OmegaConf.to_container(cfg.model, resolve=True)
        check_checkpoint_fits(checkpoint, model, (cfg.get("tokenizer") or {}).get("vocab_size"))
    return Checked(ckpt_path, checkpoint)
