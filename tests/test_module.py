import lightning as L
import pytest
import torch

from tinystories.module import LanguageModel

MODEL = dict(family="llama", d_model=32, n_layer=2, n_head=4, n_kv_head=2, max_seq_len=32)


def module(**kw) -> LanguageModel:
    torch.manual_seed(0)
    return LanguageModel(MODEL, vocab_size=50, **kw)


def test_lr_warms_up_then_decays_to_the_minimum() -> None:
    lm = module(lr=1e-2, min_lr=1e-3, warmup_steps=10)
    lm.trainer = L.Trainer(max_steps=100, logger=False, enable_progress_bar=False)
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


def test_generate_is_greedy_at_zero_temperature_and_stops_at_end_of_text() -> None:
    lm = module()
    prompt = torch.tensor([1, 2, 3])
    greedy = lm.generate(prompt, max_new_tokens=8, temperature=0)
    assert greedy.shape == (1, 8)
    assert torch.equal(lm.generate(prompt, max_new_tokens=8, temperature=1.0, top_k=1), greedy)
    assert torch.equal(lm.generate(prompt, max_new_tokens=8, temperature=1.0, top_p=1e-6), greedy)
    stop = int(greedy[0, 0])
    assert torch.equal(lm.generate(prompt, max_new_tokens=8, temperature=0, eot_id=stop), greedy[:, :1])
    batch = lm.generate(torch.stack([prompt, prompt]), max_new_tokens=4, temperature=0.8)
    assert batch.shape == (2, 4) and int(batch.max()) < 50


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


def test_cached_generation_matches_recomputing_everything() -> None:
    lm = module()
    prompt = torch.tensor([[1, 2, 3], [4, 5, 6]])
    idx = prompt.clone()
    for _ in range(40):  # past the 32-token context: the cache is refilled on the way
        logits = lm.model(idx[:, -lm.model.cfg.max_seq_len :])[:, -1]
        if idx.shape[1] >= lm.model.cfg.max_seq_len:
            break
        idx = torch.cat([idx, logits.argmax(-1, keepdim=True)], dim=1)
    naive = idx[:, 3:]
    cached = lm.generate(prompt, max_new_tokens=naive.shape[1], temperature=0)
    assert torch.equal(cached, naive)


def test_seeded_sampling_is_reproducible() -> None:
    lm = module()
    runs = [lm.generate(torch.tensor([1, 2]), 20, 1.0, generator=torch.Generator().manual_seed(7)) for _ in range(2)]
    assert torch.equal(runs[0], runs[1])
