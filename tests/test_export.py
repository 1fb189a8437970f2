"""Export to a Hugging Face directory that transformers loads offline, and generation from either form."""

import subprocess
import sys
from pathlib import Path

import pytest
import torch

from conftest import make_checkpoint
from tinystories.errors import ConfigError
from tinystories.inference import load_model
from tinystories.model import ModelConfig, Transformer
from tinystories.sampling import Sampling, generate

transformers = pytest.importorskip("transformers", reason="export needs the hf extra: pip install -e '.[hf]'")

SHAPES = {
    "gpt-neo": dict(family="gpt-neo", d_model=32, n_layer=2, n_head=4, max_seq_len=64, local_window=16),
    "llama": dict(family="llama", d_model=32, n_layer=2, n_head=4, n_kv_head=2, max_seq_len=64),
}


@pytest.fixture(params=list(SHAPES))
def checkpoint(request, tmp_path: Path) -> Path:
    return make_checkpoint(tmp_path / "run", SHAPES[request.param])


def run(module: str, *args: str) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    return subprocess.run([sys.executable, "-m", module, *args], capture_output=True, text=True, env=env)


def first_story(ids: list[int], eot: int) -> list[int]:
    return ids[: ids.index(eot) + 1] if eot in ids else ids


def test_export_loads_in_transformers_and_continues_the_same(checkpoint: Path, tmp_path: Path) -> None:
    out = tmp_path / "exported"
    proc = run("tinystories.export", f"ckpt={checkpoint}", f"out={out}")
    assert proc.returncode == 0, proc.stderr
    assert {"config.json", "model.safetensors", "tokenizer.json"} <= {p.name for p in out.iterdir()}

    hf_model = transformers.AutoModelForCausalLM.from_pretrained(out, local_files_only=True).eval()
    hf_tok = transformers.AutoTokenizer.from_pretrained(out, local_files_only=True)
    ours, tok = load_model(checkpoint)
    prompt = "Once upon a time, there was a little girl named Lily."
    ids = tok.encode(prompt)
    assert hf_tok(prompt)["input_ids"] == ids and hf_tok.decode(ids) == prompt

    new = 64 - len(ids)  # up to the model's context
    mine = generate(ours, torch.tensor(ids), Sampling(new, temperature=0), tok.eot_id)[0].tolist()
    theirs = hf_model.generate(torch.tensor([ids]), max_new_tokens=new, do_sample=False, pad_token_id=tok.eot_id)
    theirs = theirs[0, len(ids) :].tolist()
    assert len(first_story(mine, tok.eot_id)) > 10
    assert first_story(mine, tok.eot_id) == first_story(theirs, tok.eot_id)

    back, _ = load_model(out)  # and the exported directory loads into our model unchanged
    x = torch.tensor([ids])
    torch.testing.assert_close(back(x), ours(x))

    hf_tok.backend_tokenizer.model.save(str(tmp_path))  # a directory in the older vocab.json/merges.txt layout
    (out / "tokenizer.json").unlink()
    for f in ("vocab.json", "merges.txt"):
        (tmp_path / f).rename(out / f)
    (out / "tokenizer_config.json").unlink()
    _, old_layout = load_model(out)
    assert old_layout.encode(prompt) == ids


def test_generate_streams_from_a_checkpoint_and_from_a_hf_dir(checkpoint: Path, tmp_path: Path) -> None:
    args = ["prompt=One day", "n=2", "max_new_tokens=20", "seed=3"]
    first = run("tinystories.generate", f"ckpt={checkpoint}", *args)
    assert first.returncode == 0, first.stderr
    assert first.stdout.count("--- story") == 2 and "One day" in first.stdout and "tokens/s" in first.stderr
    from tinystories.export import main as export_main

    assert export_main([f"ckpt={checkpoint}", f"out={tmp_path / 'hf'}"]) == 0  # the CLI's path, in this process
    from_dir = run("tinystories.generate", f"ckpt={tmp_path / 'hf'}", *args)
    assert from_dir.returncode == 0 and from_dir.stdout == first.stdout  # seeded: the same stories, another process


def test_bad_arguments_are_named(tmp_path: Path) -> None:
    proc = run("tinystories.generate", f"ckpt={tmp_path / 'none.ckpt'}")
    assert proc.returncode == 2 and "is neither a checkpoint file nor a Hugging Face model directory" in proc.stderr
    proc = run("tinystories.export", "ckpt=x", "out=y", "colour=red")
    assert proc.returncode == 2 and "unknown setting 'colour'" in proc.stderr


def test_init_from_a_hf_directory(tmp_path: Path) -> None:
    from tinystories.errors import ConfigError
    from tinystories.hf import init_from_hf, to_hf_model

    torch.manual_seed(0)
    source = Transformer(ModelConfig(**SHAPES["gpt-neo"], vocab_size=300))
    to_hf_model(source).save_pretrained(tmp_path / "hf")
    target = Transformer(ModelConfig(**{**SHAPES["gpt-neo"], "max_seq_len": 32}, vocab_size=300))  # fewer positions
    init_from_hf(target, tmp_path / "hf")
    x = torch.randint(0, 300, (1, 32))
    torch.testing.assert_close(target(x), source(x))
    wrong = Transformer(ModelConfig(**{**SHAPES["gpt-neo"], "d_model": 64}, vocab_size=300))
    with pytest.raises(ConfigError, match="does not fit the configured model: model.d_model=64 but it has 32"):
        init_from_hf(wrong, tmp_path / "hf")


def test_train_py_starts_from_init_from(tmp_path: Path, smoke_cache: Path) -> None:
    from hydra.utils import instantiate

    from conftest import SMOKE, compose_train, run_trains_side_by_side
    from tinystories.hf import to_hf_model

    cfg = compose_train(tmp_path, [*SMOKE])
    module = instantiate(cfg.module, _convert_="all", vocab_size=512)
    to_hf_model(module.model).save_pretrained(tmp_path / "hf")
    init = f"model.init_from={tmp_path / 'hf'}"
    done = run_trains_side_by_side(
        {
            "good": (tmp_path / "run", smoke_cache, [*SMOKE, "trainer.max_steps=2", init]),
            "bad": (tmp_path / "run2", smoke_cache, [*SMOKE, "model.d_model=64", init]),
        }
    )
    proc, bad = done["good"], done["bad"]
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert f"Initialized the model from {tmp_path / 'hf'}" in proc.stdout + proc.stderr
    assert bad.returncode != 0 and "model.d_model=64 but it has 32" in bad.stderr and "Traceback" not in bad.stderr


def test_a_checkpoint_copied_out_of_its_run_dir_still_works(trained_run: Path, tmp_path: Path) -> None:
    lonely = tmp_path / "elsewhere" / "model.ckpt"
    lonely.parent.mkdir()
    lonely.write_bytes((trained_run / "checkpoints" / "last.ckpt").read_bytes())
    model, tok = load_model(lonely)  # no run dir around it: the tokenizer comes from inside
    _, run_tok = load_model(trained_run / "checkpoints" / "last.ckpt", trained_run / "tokenizer")
    assert tok.fingerprint() == run_tok.fingerprint()
    proc = run("tinystories.generate", f"ckpt={lonely}", "max_new_tokens=10")
    assert proc.returncode == 0 and proc.stdout.startswith("--- story 1\nOnce upon a time"), proc.stderr

    saved = torch.load(lonely, map_location="cpu", weights_only=False)
    assert saved["config"]["model"]["d_model"] == model.cfg.d_model  # the resolved config of the run
    assert saved["config"]["data"]["_target_"].endswith("BuiltinStoryDataModule")
    assert saved["metrics"]["val/loss"] > 0 and saved["tokens_seen"] == 30 * 1024

    from tinystories.data.tokenizer import TextTokenizer

    del saved["tokenizer"]  # as checkpoints were before they carried it
    torch.save(saved, lonely)
    with pytest.raises(ConfigError, match="carries no tokenizer .* name the run's tokenizer folder with tokenizer=DIR"):
        load_model(lonely)
    assert (
        load_model(lonely, trained_run / "tokenizer")[1].fingerprint()
        == TextTokenizer.load(trained_run / "tokenizer").fingerprint()
    )
