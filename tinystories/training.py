"""The wiring of one training run, in two halves: `build` turns a composed config into the objects of a run (data
module, module, loggers, callbacks, Trainer) and `run` fits them, validates and writes the summary. train.py
composes the config with Hydra and calls both; tests call them on configs composed from the real conf/, so they
drive the same wiring a user's run does.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import lightning as L
from hydra.core.hydra_config import HydraConfig
from hydra.utils import instantiate
from lightning.pytorch.utilities import rank_zero_only
from omegaconf import DictConfig, OmegaConf, open_dict

from tinystories.atomic import write_text
from tinystories.callbacks import BatchPlanner
from tinystories.checkpoints import AtomicCheckpointIO, SelfContained
from tinystories.cluster import RUN_NAME_VAR, check_process_launch, cluster_plugins, spawns_processes
from tinystories.config_types import check_config_types, parameter_hints
from tinystories.console import quiet_console, to_log_file
from tinystories.data.datamodule import StoryDataModule
from tinystories.errors import StoppedBySignal
from tinystories.hf import HFWeights
from tinystories.llama2c import Llama2cWeights
from tinystories.module import LanguageModel
from tinystories.preemption import Preemption
from tinystories.preflight import Checked, preflight
from tinystories.summary import collect_summary, format_summary, write_summary

CONF_DIR = Path(__file__).resolve().parents[1] / "conf"


def compose(overrides: Sequence[str] = (), output_dir: Path | None = None, cache_dir: Path | None = None) -> DictConfig:
    """conf/train.yaml with `overrides`, composed through Hydra's compose API as train.py composes it, for code
    that drives a run in-process (tests, benchmarks, notebooks); `output_dir` and `cache_dir` replace the paths."""
    from hydra import compose as hydra_compose
    from hydra import initialize_config_dir

    from tinystories.resolvers import register_resolvers

    register_resolvers()
    with initialize_config_dir(str(CONF_DIR), version_base="1.3"):
        cfg = hydra_compose("train", overrides=list(overrides), return_hydra_config=True)
    HydraConfig.instance().set_config(cfg)  # what the run's resolvers and its preset check read
    with open_dict(cfg):
        if output_dir is not None:
            cfg.paths.output_dir = str(output_dir)
        if cache_dir is not None:
            cfg.paths.cache_dir = str(cache_dir)
        del cfg["hydra"]
    return cfg


@dataclass
class TrainingRun:
    cfg: DictConfig
    run_dir: Path
    datamodule: StoryDataModule
    module: LanguageModel
    trainer: L.Trainer
    ckpt_path: str | None  # the checkpoint to resume from, or None for a fresh start
    start_step: int  # the optimizer step the fit starts at: the checkpoint's, or 0
    loggers: list = field(default_factory=list)


@rank_zero_only
def save_config(cfg: DictConfig, run_dir: Path) -> None:
    write_text(run_dir / "config.yaml", OmegaConf.to_yaml(cfg, resolve=True))


def initial_weights(init_from: str) -> HFWeights | Llama2cWeights:
    """What `model.init_from` names: a llama2.c `.bin` or `.pt`, else a Hugging Face model directory."""
    return Llama2cWeights(init_from) if Path(init_from).suffix in (".bin", ".pt") else HFWeights(init_from)


def build(cfg: DictConfig, callbacks: Sequence[L.Callback] = (), checked: Checked | None = None) -> TrainingRun:
    """The run's objects from its composed config; `callbacks` are added to the configured ones. `checked`: what
    `preflight` found, where the caller ran it already (train.py runs it before importing this module)."""
    quiet_console()
    checked = checked or preflight(cfg)
    check_config_types(cfg, {"seed": int, **parameter_hints(BatchPlanner)})
    L.seed_everything(cfg.seed, workers=True)
    run_dir = Path(cfg.paths.output_dir)
    ckpt_path, resumed = checked.ckpt_path, checked.checkpoint
    if "wandb" in (cfg.get("logger") or {}) and ckpt_path and not cfg.logger.wandb.id:
        with open_dict(cfg):
            cfg.logger.wandb.id = resumed.get("wandb_run_id")  # a resumed run continues its W&B run

    datamodule = instantiate(cfg.data)
    init_from = cfg.model.get("init_from")
    # Through a partial: instantiate would turn an object passed to it into a config.
    make_module = instantiate(cfg.module, _convert_="all", _partial_=True)
    module = make_module(init_weights=initial_weights(init_from) if init_from else None)
    loggers = list(instantiate(cfg.get("logger") or {}).values())
    planner = BatchPlanner(cfg.global_batch_tokens, cfg.max_tokens, cfg.val_every_steps, cfg.tokens_per_param)
    trainer = instantiate(
        cfg.trainer,
        logger=loggers or False,
        callbacks=[
            planner,
            SelfContained(OmegaConf.to_container(cfg, resolve=True)),
            *instantiate(cfg.get("callbacks") or {}).values(),
            *callbacks,
        ],
        plugins=[*cluster_plugins(), AtomicCheckpointIO()],
    )
    check_process_launch(trainer)
    planner.plan(  # its errors now, before Lightning starts the other ranks
        micro_batch=cfg.data.batch_size,
        seq_len=cfg.data.seq_len,
        devices=trainer.world_size,
        max_steps=trainer.max_steps,
        num_params=lambda: 1,
    )
    if spawns_processes(trainer):
        os.environ[RUN_NAME_VAR] = cfg.run_name  # the ranks Lightning starts take rank 0's run dir
    return TrainingRun(cfg, run_dir, datamodule, module, trainer, ckpt_path, resumed.get("global_step", 0), loggers)


def final_val_loss(r: TrainingRun) -> float:
    """The validation loss of the weights the fit ended with: the fit's own when it validated at its last step
    (validation costs time on every run of a sweep; it is not done twice), else from one more validation. NaN
    when validation is off."""
    if r.module.validated_at_step == r.trainer.global_step and "val/loss" in r.trainer.callback_metrics:
        return float(r.trainer.callback_metrics["val/loss"])
    results = r.trainer.validate(r.module, datamodule=r.datamodule, verbose=False)
    return float(results[0]["val/loss"]) if results else float("nan")


def run(r: TrainingRun) -> float:
    """Fits, prints and writes the summary; the final validation loss (what Hydra's sweepers minimize), or NaN
    when the run stopped for a preemption (its checkpoint is saved and its job requeued). A stop request (TERM,
    INT) raises StoppedBySignal once its checkpoint is saved."""
    save_config(r.cfg, r.run_dir)
    for logger in r.loggers:
        if hasattr(logger, "resume_at"):  # a history on disk to continue (CSVHistoryLogger)
            logger.resume_at(r.start_step)
        logger.log_hyperparams(OmegaConf.to_container(r.cfg, resolve=True))
    try:
        r.trainer.fit(r.module, datamodule=r.datamodule, ckpt_path=r.ckpt_path)
    finally:
        os.environ.pop(RUN_NAME_VAR, None)  # the ranks have started; a later run in this process names its own
    for stop in (c for c in r.trainer.callbacks if isinstance(c, Preemption) and c.stopped):
        if stop.exit_code is not None:
            raise StoppedBySignal(stop.exit_code)
        return float("nan")
    val_loss = final_val_loss(r)

    summary = collect_summary(r.trainer, r.module, val_loss, r.run_dir)
    if r.trainer.is_global_zero:
        text = format_summary(**summary)
        print(text)
        to_log_file(text)
        write_summary(r.run_dir / "summary.json", summary)
    return val_loss
