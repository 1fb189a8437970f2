"""The batch plan: computed once from the config and the launch's device count, handed to the data module and the
module; and the order of Lightning's hooks that this relies on, pinned on a real Trainer."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import SMOKE, compose_train
from tinystories.batch_plan import plan_batches
from tinystories.callbacks import BatchPlanner
from tinystories.errors import ConfigError
from tinystories.training import build, run


def test_accumulation_keeps_the_global_batch_for_any_device_count() -> None:
    for devices, accumulation in ((1, 8), (2, 4), (8, 1)):
        plan = plan_batches(global_batch_tokens=8192, micro_batch=4, seq_len=256, devices=devices, max_steps=10)
        assert plan.accumulation == accumulation and plan.tokens == 81_920
    assert (
        "8,192 tokens per step = 4 x 256 tokens x 2 devices x 4 accumulation"
        in plan_batches(global_batch_tokens=8192, micro_batch=4, seq_len=256, devices=2, max_steps=10).describe()
    )


def test_the_length_comes_from_tokens_or_tokens_per_parameter() -> None:
    common = dict(global_batch_tokens=1024, micro_batch=16, seq_len=64, devices=1, max_steps=400)
    assert plan_batches(**common).max_steps == 400
    assert plan_batches(**common, max_tokens=5000).max_steps == 5  # rounded up to whole steps
    assert plan_batches(**common, tokens_per_param=2, num_params=lambda: 1000).max_steps == 2
    assert plan_batches(**common, val_every_steps=1000).val_every_steps == 400  # at most the run's length


@pytest.mark.parametrize(
    "settings, message",
    [
        (dict(global_batch_tokens=1000), "global_batch_tokens=1000 is not a multiple of one micro-step's tokens"),
        (dict(global_batch_tokens=96), "global_batch_tokens=96 is not a multiple"),
        (dict(max_tokens=10, tokens_per_param=2), "set max_tokens or tokens_per_param, not both"),
        (dict(max_steps=-1), "set the training length"),
        (dict(val_every_steps=0), "val_every_steps=0 must be a positive number"),
    ],
)
def test_bad_plans_are_refused_naming_the_setting(settings: dict, message: str) -> None:
    common = dict(global_batch_tokens=1024, micro_batch=16, seq_len=64, devices=1, max_steps=10)
    with pytest.raises(ConfigError, match=message):
        plan_batches(**{**common, **settings}, num_params=lambda: 100)


def record_calls(obj: object, label: str, names: list[str], log: list[tuple[str, bool]], plan_of: object) -> None:
    """Wraps methods of one of our objects so each call is logged with whether `plan_of` has its plan yet."""
    for name in names:
        original = getattr(obj, name)

        def wrapper(*args, _name=f"{label}.{name}", _original=original, **kwargs):
            log.append((_name, getattr(plan_of, "plan", None) is not None))
            return _original(*args, **kwargs)

        setattr(obj, name, wrapper)


def test_lightning_runs_the_hooks_in_the_order_the_plan_relies_on(tmp_path: Path, smoke_cache: Path) -> None:
    """The planner needs the data module set up (the tokenizer decides the parameter count) and must hand the
    plan over before the optimizer (its LR schedule) and the training loader (its length and start) exist."""
    cfg = compose_train(tmp_path, [*SMOKE, "logger=none", "trainer.max_steps=4", "val_every_steps=2"], smoke_cache)
    training = build(cfg)
    log: list[tuple[str, bool]] = []
    dm, module = training.datamodule, training.module
    (planner,) = [c for c in training.trainer.callbacks if isinstance(c, BatchPlanner)]
    record_calls(dm, "data", ["prepare_data", "setup", "train_dataloader"], log, dm)
    record_calls(planner, "planner", ["setup"], log, dm)
    record_calls(module, "module", ["configure_model", "configure_optimizers"], log, module)
    run(training)

    assert [name for name, _ in log[:6]] == [
        "data.prepare_data",
        "data.setup",
        "planner.setup",
        "module.configure_model",
        "module.configure_optimizers",
        "data.train_dataloader",
    ]
    has_plan = dict(log[:6])
    assert not has_plan["planner.setup"]  # nobody had a plan before the planner made it
    assert has_plan["module.configure_optimizers"] and has_plan["data.train_dataloader"]
    assert dm.plan is module.plan and module.plan.max_steps == 4
    assert training.trainer.accumulate_grad_batches == module.plan.accumulation == 1
    assert training.trainer.global_step == 4
