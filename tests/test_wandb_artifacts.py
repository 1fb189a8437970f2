"""A W&B run holds its model: the best and last checkpoints and the tokenizer as artifacts, read back from the
offline run's own records, and `ckpt=wandb:...` resolving them as it would online."""

import subprocess
import sys
from pathlib import Path

import pytest
import torch

from tinystories.errors import ConfigError
from tinystories.inference import load_model
from tinystories.wandb_files import read_records


def logged_artifacts(run_dir: Path) -> list:
    (run_file,) = run_dir.glob("wandb/offline-run-*/run-*.wandb")
    return [r.artifact for r in read_records(run_file) if r.WhichOneof("record_type") == "artifact"]


def run_id(run_dir: Path) -> str:
    (folder,) = run_dir.glob("wandb/offline-run-*")
    return folder.name.rsplit("-", 1)[1]


def generate(cwd: Path, ckpt: str) -> subprocess.CompletedProcess:
    args = [f"ckpt={ckpt}", "max_new_tokens=15", "n=2", "seed=1"]
    return subprocess.run(
        [sys.executable, "-m", "tinystories.generate", *args], cwd=cwd, capture_output=True, text=True
    )


def test_checkpoints_and_tokenizer_are_logged_with_aliases(trained_run: Path) -> None:
    rid = run_id(trained_run)
    logged = logged_artifacts(trained_run)
    models = [a for a in logged if a.name == f"model-{rid}"]
    assert models and all(a.type == "model" for a in models)
    assert any("best" in a.aliases for a in models) and "latest" in models[-1].aliases
    for a in models:  # each version holds one checkpoint, staged for `wandb sync`
        (entry,) = a.manifest.contents
        assert entry.path == "model.ckpt" and Path(entry.local_path).stat().st_size == entry.size
    best = next(a for a in models if "best" in a.aliases)
    (best_file,) = trained_run.glob("checkpoints/best-*.ckpt")
    assert Path(best.manifest.contents[0].local_path).read_bytes() == best_file.read_bytes()

    (tokenizer,) = [a for a in logged if a.name == f"tokenizer-{rid}"]
    assert tokenizer.type == "tokenizer" and list(tokenizer.aliases) == ["latest"]
    (entry,) = tokenizer.manifest.contents
    assert entry.path == "tokenizer.json"
    assert Path(entry.local_path).read_bytes() == (trained_run / "tokenizer" / "tokenizer.json").read_bytes()


def test_a_wandb_artifact_name_works_where_a_checkpoint_path_does(trained_run: Path, monkeypatch) -> None:
    rid = run_id(trained_run)
    (best_file,) = trained_run.glob("checkpoints/best-*.ckpt")
    by_path = generate(trained_run.parent, str(best_file))
    by_name = generate(trained_run.parent, f"wandb:model-{rid}:best")  # the command, run beside the run dirs
    assert by_name.returncode == 0, by_name.stderr
    assert by_name.stdout == by_path.stdout

    monkeypatch.chdir(trained_run.parent)
    best, last = (load_model(f)[0].state_dict() for f in (best_file, trained_run / "checkpoints" / "last.ckpt"))
    for ref, same_as in [
        (f"wandb:someone/tinystories/model-{rid}:best", best),
        (f"wandb:model-{rid}:v0", best),  # the first version logged
        (f"wandb:model-{rid}", last),  # latest, as in W&B
    ]:
        for name, tensor in load_model(ref)[0].state_dict().items():
            assert torch.equal(tensor, same_as[name]), (ref, name)

    with pytest.raises(ConfigError, match="has no version 'v9' offline; it has best, latest, v0"):
        load_model(f"wandb:model-{rid}:v9")
    with pytest.raises(ConfigError, match="is not a W&B artifact name"):
        load_model("wandb:a/b/c/d:best")
    monkeypatch.chdir(trained_run / "checkpoints")
    with pytest.raises(ConfigError, match="no offline run under .* logged an artifact model-"):
        load_model(f"wandb:model-{rid}:best")


@pytest.mark.parametrize("ref", ["wandb:model-x", "wandb:me/proj/model-x:best"])
def test_artifact_names_parse_as_wandb_writes_them(ref: str) -> None:
    from tinystories.wandb_artifacts import parse

    art = parse(ref)
    assert art.name == "model-x" and art.alias == ("latest" if ref.count(":") == 1 else "best")
