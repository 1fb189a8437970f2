import lightning as L
import pytest
import torch

from tinystories.batch_plan import plan_batches
from tinystories.inference import network_of
from tinystories.module import LanguageModel

MODEL = dict(family="llama", d_model=32, n_layer=2, n_head=4, n_kv_head=2, max_seq_len=32)


def module(**kw) -> LanguageModel:
    torch.manual_seed(0)
    return LanguageModel(MODEL, vocab_size=50, **kw)


def test_lr_warms_up_then_decays_to_the_minimum() -> None:
    lm = module(lr=1e-2, min_lr=1e-3, warmup_steps=10)
    lm.plan = plan_batches(global_batch_tokens=64, micro_batch=2, seq_len=32, devices=1, max_steps=100)
    lm.trainer = L.Trainer(logger=False, enable_progress_bar=False)
    config = lm.configure_optimizers()
    optimizer, scheduler = config["optimizer"], config["lr_scheduler"]["scheduler"]
    lrs = []
    for _ in range(100):
        lrs.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        scheduler.step()
    assert lrs[0] == pytest.approx(1e-3) and lrs[9] == pytest.approx(1e-2)
    assert all(a >= b for a, b in zip(lrs[9:-1], lrs[10:], strict=True))  # cosine: never rises after warmup
    assert lrs[-1] == pytest.approx(1e-3, rel=0.01)
    decayed, plain = optimizer.param_groups
    assert decayed["weight_decay"] == 0.1 and all(p.dim() == 2 for p in decayed["params"])
    assert plain["weight_decay"] == 0.0 and all(p.dim() == 1 for p in plain["params"])  # norms: no decay


def test_compiled_model_saves_plain_weights() -> None:
    lm = module(compile=True)
    assert not any("_orig_mod" in k for k in lm.state_dict())
    assert lm._net is not lm.model  # the compiled wrapper is used for the forward pass


def test_checkpoint_rebuilds_the_network(tmp_path) -> None:
    lm = module()
    path = tmp_path / "m.ckpt"
    checkpoint = {"state_dict": lm.state_dict(), "hyper_parameters": dict(lm.hparams)}
    torch.save({**checkpoint, "pytorch-lightning_version": L.__version__}, path)
    again = LanguageModel.load_from_checkpoint(path)
    assert again.model.cfg == lm.model.cfg
    for a, b in zip(lm.state_dict().values(), again.state_dict().values(), strict=True):
        assert torch.equal(a, b)
    # the inference commands rebuild it without Lightning: the same network
    alone = network_of(torch.load(path, weights_only=False), path)
    assert alone.cfg == lm.model.cfg
    for a, b in zip(lm.model.state_dict().values(), alone.state_dict().values(), strict=True):
        assert torch.equal(a, b)


class PoisonGradients(L.Callback):
    """A NaN in one gradient at the given optimizer steps: a step that diverges, on cue."""

    def __init__(self, steps: tuple[int, ...]) -> None:
        self.steps = steps

    def on_after_backward(self, trainer: L.Trainer, pl_module: L.LightningModule) -> None:
        if trainer.global_step in self.steps:
            next(pl_module.parameters()).grad.view(-1)[0] = float("nan")


def fit_poisoned(fused: bool, skip: bool, steps: int = 10, poison: tuple[int, ...] = (3, 7)) -> LanguageModel:
    lm = module(lr=1e-2, warmup_steps=1, fused=fused, skip_nonfinite=skip)
    lm.plan = plan_batches(global_batch_tokens=64, micro_batch=2, seq_len=32, devices=1, max_steps=steps)
    tokens = torch.randint(0, 50, (2 * steps, 33), generator=torch.Generator().manual_seed(0))
    trainer = L.Trainer(
        accelerator="cpu",
        max_steps=steps,
        log_every_n_steps=5,
        gradient_clip_val=1.0,
        logger=False,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
        callbacks=[PoisonGradients(poison)],
    )
    trainer.fit(lm, torch.utils.data.DataLoader(tokens, batch_size=2))
    return lm


def test_fused_adamw_skips_a_nonfinite_step_on_the_device_as_the_plain_path_does() -> None:
    """Fused AdamW is told of a non-finite step through `found_inf` (no host sync per step); it must leave the
    same weights as the unfused path, which checks the norm on the host and drops the gradients."""
    plain, fused = fit_poisoned(fused=False, skip=True), fit_poisoned(fused=True, skip=True)
    assert plain.skipped_steps == fused.skipped_steps == 2
    for a, b in zip(plain.state_dict().values(), fused.state_dict().values(), strict=True):
        assert torch.isfinite(b).all()
        torch.testing.assert_close(a, b, rtol=1e-5, atol=1e-6)
    clean = fit_poisoned(fused=True, skip=True, poison=())
    assert clean.skipped_steps == 0
    pairs = zip(clean.state_dict().values(), fused.state_dict().values(), strict=True)
    assert not all(torch.equal(a, b) for a, b in pairs)  # the skipped steps were steps


@pytest.mark.parametrize("fused", [False, True])
def test_a_nonfinite_step_stops_the_run_naming_it(fused: bool) -> None:
    from tinystories.errors import NonFiniteLoss

    with pytest.raises(NonFiniteLoss, match="the gradients are nan at step 3 .*no update with them was applied"):
        fit_poisoned(fused=fused, skip=False)
