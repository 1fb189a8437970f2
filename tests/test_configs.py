"""Every choice in every config group composes through Hydra and instantiates (the pattern of litgpt's config
hub test): a typo in a yaml fails here, not in a user's run."""

from pathlib import Path

import lightning as L
import pytest
import torch
from hydra.core.hydra_config import HydraConfig
from hydra.utils import instantiate

from conftest import ROOT, compose_train
from tinystories.data.datamodule import StoryDataModule
from tinystories.errors import ConfigError
from tinystories.module import LanguageModel
from tinystories.preflight import check_preset_choices
from tinystories.training import build


def options(group: str) -> list[str]:
    return sorted(p.stem for p in (ROOT / "conf" / group).glob("*.yaml"))


def can_build_trainer(cfg) -> bool:
    return cfg.trainer.accelerator != "gpu" or torch.cuda.is_available()


@pytest.mark.parametrize("name", options("model"))
def test_model_presets(tmp_path: Path, name: str) -> None:
    for job in ([], ["experiment=smoke"]):  # the smoke job sets no shape: it runs under every preset
        cfg = compose_train(tmp_path, [f"model={name}", *job])
        module = instantiate(cfg.module, _convert_="all", vocab_size=512)
        assert isinstance(module, LanguageModel) and module.num_params() > 0
        assert module.model.cfg.max_seq_len >= cfg.data.seq_len
        assert cfg.data.batch_size * cfg.data.seq_len <= cfg.global_batch_tokens


@pytest.mark.parametrize("name", options("size"))
def test_a_size_preset_selects_the_model_preset_of_its_name(tmp_path: Path, name: str) -> None:
    assert (ROOT / "conf" / "model" / f"{name}.yaml").is_file()
    cfg = compose_train(tmp_path, [f"size={name}"])
    assert HydraConfig.get().runtime.choices["model"] == name
    check_preset_choices(HydraConfig.get().runtime.choices)
    assert cfg.model == compose_train(tmp_path, [f"model={name}"]).model
    smoke = compose_train(tmp_path, [f"size={name}", "experiment=smoke"])  # the job's batch, the size's model
    assert HydraConfig.get().runtime.choices["model"] == name and smoke.data.batch_size == 16


@pytest.mark.parametrize(
    "overrides, model",
    [(["size=ts-8m", "model=ts-1m"], "ts-1m"), (["experiment=paper-28m", "size=ts-8m"], "ts-28m")],
)
def test_a_size_beside_another_model_is_refused(tmp_path: Path, overrides: list[str], model: str) -> None:
    cfg = compose_train(tmp_path, overrides)
    with pytest.raises(ConfigError, match=f"size=ts-8m selects model=ts-8m .* but the model is {model}"):
        build(cfg)


@pytest.mark.parametrize("name", options("tokenizer"))
def test_tokenizers(tmp_path: Path, name: str) -> None:
    cfg = compose_train(
        tmp_path, [f"tokenizer={name}", "tokenizer.name_or_path=tok.json"] if name == "file" else [f"tokenizer={name}"]
    )
    spec = instantiate(cfg.tokenizer)
    assert spec.fingerprint() and hasattr(spec, "build")


@pytest.mark.parametrize("name", options("data"))
def test_data_sources(tmp_path: Path, name: str) -> None:
    story = tmp_path / "stories.txt"
    story.write_text("A story.\n<|endoftext|>\n")
    cfg = compose_train(tmp_path, [f"data={name}"] + ([f"data.source.train_path={story}"] if name == "local" else []))
    dm = instantiate(cfg.data)
    assert isinstance(dm, StoryDataModule) and dm.source.fingerprint()


@pytest.mark.parametrize("name", options("trainer"))
def test_trainers(tmp_path: Path, name: str) -> None:
    cfg = compose_train(tmp_path, [f"trainer={name}"])
    if not can_build_trainer(cfg):
        pytest.skip("no CUDA GPU here")
    trainer = instantiate(cfg.trainer)
    assert isinstance(trainer, L.Trainer) and trainer.max_steps == cfg.trainer.max_steps


@pytest.mark.parametrize("name", options("logger"))
def test_loggers(tmp_path: Path, name: str) -> None:
    cfg = compose_train(tmp_path, [f"logger={name}"])
    loggers = instantiate(cfg.get("logger") or {})
    assert len(loggers) == (0 if name == "none" else 1)


@pytest.mark.parametrize("name", options("callbacks"))
def test_callbacks(tmp_path: Path, name: str) -> None:
    cfg = compose_train(tmp_path, [f"callbacks={name}"])
    assert all(isinstance(c, L.Callback) for c in instantiate(cfg.callbacks).values())


@pytest.mark.parametrize("group", ["experiment", "debug"])
def test_experiments_and_debug_modes(tmp_path: Path, group: str) -> None:
    for name in options(group):
        cfg = compose_train(tmp_path, [f"{group}={name}"])
        instantiate(cfg.module, _convert_="all", vocab_size=512)
        instantiate(cfg.data)
        if can_build_trainer(cfg):
            instantiate(cfg.trainer)


def test_unknown_preset_lists_the_choices(tmp_path: Path) -> None:
    from hydra.errors import MissingConfigException

    with pytest.raises(MissingConfigException, match="(?s)Could not find 'model/ts-9m'.*ts-8m"):
        compose_train(tmp_path, ["model=ts-9m"])


@pytest.mark.parametrize("name", options("curriculum"))
def test_curricula(tmp_path: Path, name: str) -> None:
    cfg = compose_train(tmp_path, [f"curriculum={name}"])
    curriculum = instantiate(cfg.data.curriculum) if cfg.data.curriculum else None
    assert name == "none" or curriculum.stages[-1].until == 1.0
