"""Train a TinyStories language model: python train.py [group=choice ...] [key=value ...]

Composes the config (conf/train.yaml), instantiates the data module, the LightningModule, loggers, callbacks and
Trainer from it, fits, validates, and prints a summary. Returns the final validation loss for Hydra sweepers.
"""

from __future__ import annotations

from pathlib import Path

import hydra
import lightning as L
from hydra.utils import instantiate
from lightning.pytorch.utilities import rank_zero_only
from omegaconf import DictConfig, OmegaConf, open_dict

from tinystories.callbacks import TokenBudget
from tinystories.cluster import check_process_launch, cluster_plugins
from tinystories.config import register_resolvers
from tinystories.errors import TinyStoriesError
from tinystories.loggers import end_wandb_run
from tinystories.preemption import Preemption
from tinystories.resume import resolve_ckpt_path, wandb_run_id
from tinystories.summary import collect_summary, format_summary, write_summary

register_resolvers()


@rank_zero_only
def save_config(cfg: DictConfig, run_dir: Path) -> None:
    run_dir.mkdir(parents=True, exist_ok=True)
    OmegaConf.save(cfg, run_dir / "config.yaml", resolve=True)


def train(cfg: DictConfig) -> float:
    L.seed_everything(cfg.seed, workers=True)
    run_dir = Path(cfg.paths.output_dir)
    ckpt_path = resolve_ckpt_path(cfg.ckpt_path, run_dir / "checkpoints")
    if "wandb" in (cfg.get("logger") or {}) and ckpt_path and not cfg.logger.wandb.id:
        with open_dict(cfg):
            cfg.logger.wandb.id = wandb_run_id(ckpt_path)
    save_config(cfg, run_dir)

    datamodule = instantiate(cfg.data)
    module = instantiate(cfg.module, _convert_="all")
    loggers = list(instantiate(cfg.get("logger") or {}).values())
    callbacks = [
        TokenBudget(cfg.global_batch_tokens, cfg.max_tokens, cfg.val_every_steps, cfg.tokens_per_param),
        *instantiate(cfg.get("callbacks") or {}).values(),
    ]
    trainer = instantiate(cfg.trainer, logger=loggers or False, callbacks=callbacks, plugins=cluster_plugins())
    check_process_launch(trainer)
    for logger in loggers:
        logger.log_hyperparams(OmegaConf.to_container(cfg, resolve=True))

    trainer.fit(module, datamodule=datamodule, ckpt_path=ckpt_path)
    if any(isinstance(c, Preemption) and c.stopped for c in trainer.callbacks):
        return float("nan")  # preempted: checkpoint saved, job requeued where SLURM can
    val_loss = float(trainer.validate(module, datamodule=datamodule, verbose=False)[0]["val/loss"])

    summary = collect_summary(trainer, module, val_loss, run_dir)
    if trainer.is_global_zero:
        print(format_summary(**summary))
        write_summary(run_dir / "summary.json", summary)
    return val_loss


def user_error(e: BaseException) -> TinyStoriesError | None:
    """The error a user can fix behind `e`, also when Hydra's instantiate wrapped it."""
    while e is not None and not isinstance(e, TinyStoriesError):
        e = e.__cause__
    return e


@hydra.main(version_base="1.3", config_path="conf", config_name="train")
def main(cfg: DictConfig) -> float:
    try:
        val_loss = train(cfg)
    except Exception as e:
        end_wandb_run(exit_code=1)
        if (fixable := user_error(e)) is None:
            raise
        raise SystemExit(f"error: {fixable}") from None
    end_wandb_run()
    return val_loss


if __name__ == "__main__":
    main()
