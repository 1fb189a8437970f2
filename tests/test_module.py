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
