"""Curricula: the windows drawn at chosen steps obey the stage, resuming gives the same batches, ranks stay
disjoint, and bad curricula are refused with a clear message."""

import csv
from pathlib import Path

import numpy as np
import pytest
import torch
from hydra.utils import instantiate

from conftest import SMOKE, compose_train, run_train
from tinystories.data.curriculum import (
    Curriculum,
    CurriculumBatches,
    CurriculumWindows,
    difficulty,
    instruct_mix,
    length,
    seq_len,
)
from tinystories.errors import ConfigError

STEPS, ACCUMULATE = 100, 2


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    """The smoke corpus, tokenized once, with its per-story table."""
    tmp = tmp_path_factory.mktemp("curriculum")
    cfg = compose_train(tmp, [*SMOKE, "curriculum=length", "data.n_train=2000", "data.n_val=50"])
    dm = instantiate(cfg.data)
    dm.setup()
    return dm


def windows(dm, curriculum: Curriculum, rank: int = 0, world: int = 1, start: int = 0):
    batches = CurriculumBatches(curriculum, dm.batch_size, dm.seq_len, STEPS, ACCUMULATE, start)
    return batches, CurriculumWindows(
        dm.tokens["train"], dm.stories_table, batches, seed=1, rank=rank, world_size=world
    )


def test_length_stages_admit_only_short_stories(data) -> None:
    batches, ds = windows(data, length(widen_by=0.5, start=0.25, steps=4))
    lengths = data.stories_table["lengths"]
    limit = np.quantile(lengths, 0.25, method="higher")
    assert ds.limits[0][0] == limit < lengths.max()
    for b in (0, 5, 11):  # steps 0..5: the first stage ends at 0.125 of 100 steps
        for j in range(data.batch_size):
            _, stories, _, _ = ds.stories_for(b, j)
            assert all(lengths[s] <= limit for s in stories)
            window = ds[(b, j)]
            pieces = np.split(window.numpy(), np.flatnonzero(window.numpy() == data.tokenizer.eot_id) + 1)
            assert all(len(p) <= limit + 1 for p in pieces)  # no story in the window is longer than the limit
    late = {s for j in range(data.batch_size) for s in ds.stories_for(2 * 90, j)[1]}
    assert max(lengths[s] for s in late) > limit  # the last stage admits them all


def test_difficulty_stages_admit_only_easy_stories(data) -> None:
    _, ds = windows(data, difficulty(pacing="root", warmup=0.5, start=0.2, steps=5))
    score = data.stories_table["score"]
    assert 0 <= score.min() and score.max() <= 1
    limit = ds.limits[0][1]
    for j in range(data.batch_size):
        assert all(score[s] <= limit for s in ds.stories_for(0, j)[1])


def test_seq_len_batches_have_the_scheduled_length_and_the_same_tokens() -> None:
    curriculum = seq_len(start=16, warmup=0.5, steps=2)  # 16, then 32, then the full 64
    batches = CurriculumBatches(curriculum, batch_size=8, seq_len=64, max_steps=STEPS, accumulate=ACCUMULATE)
    plan = list(batches)
    assert len(plan) == STEPS * ACCUMULATE
    for b, want in ((0, 16), (2 * 30, 32), (2 * 80, 64)):
        assert len(plan[b]) * want == 8 * 64 and plan[b][0] == (b, 0)


def test_seq_len_windows(data) -> None:
    _, ds = windows(data, seq_len(start=16, warmup=0.5, steps=2))
    assert ds[(0, 0)].shape == (17,) and ds[(2 * 90, 0)].shape == (data.seq_len + 1,)


def test_resume_mid_stage_gives_the_same_batches(data) -> None:
    curriculum = length(widen_by=0.5)
    full_batches, full = windows(data, curriculum)
    resumed_batches, resumed = windows(data, curriculum, start=37)
    assert list(resumed_batches) == list(full_batches)[37:]
    for items in list(resumed_batches)[:5]:
        for item in items:
            assert torch.equal(resumed[item], full[item])


def test_ranks_draw_disjoint_stories(data) -> None:
    curriculum = length(widen_by=0.5)
    used = []
    for rank in (0, 1):
        _, ds = windows(data, curriculum, rank=rank, world=2)
        used.append({s for b in range(0, 40) for j in range(data.batch_size) for s in ds.stories_for(b, j)[1]})
    assert used[0] and used[1] and not used[0] & used[1]


def test_instruct_mix_draws_instruct_records_at_the_scheduled_share(tmp_path: Path) -> None:
    cfg = compose_train(tmp_path, [*SMOKE, "curriculum=instruct_mix", "data.n_train=500", "data.n_val=50"])
    dm = instantiate(cfg.data)
    dm.setup()
    curriculum = instruct_mix(start=1.0, end=0.0, steps=2)
    batches = CurriculumBatches(curriculum, dm.batch_size, dm.seq_len, STEPS, ACCUMULATE)
    ds = CurriculumWindows(
        dm.tokens["train"], dm.stories_table, batches, seed=1, instruct=(dm.tokens["instruct"], dm.instruct_table)
    )
    early = [ds.stories_for(b, j)[0] for b in range(20) for j in range(dm.batch_size)]
    late = [ds.stories_for(b, j)[0] for b in range(150, 170) for j in range(dm.batch_size)]
    assert set(early) == {"instruct"} and set(late) == {"story"}
    text = dm.tokenizer.decode(ds[(0, 0)].tolist() + ds[(0, 1)].tolist() + ds[(0, 2)].tolist())
    assert any(marker in text for marker in ("Words:", "Summary:", "Random sentence:", "Story:"))
    half = Curriculum([{"until": 1.0, "mix": {"story": 1, "instruct": 1}}])
    ds = CurriculumWindows(
        dm.tokens["train"],
        dm.stories_table,
        CurriculumBatches(half, dm.batch_size, dm.seq_len, STEPS, ACCUMULATE),
        seed=1,
        instruct=(dm.tokens["instruct"], dm.instruct_table),
    )
    share = sum(ds.stories_for(b, j)[0] == "instruct" for b in range(50) for j in range(dm.batch_size)) / (50 * 16)
    assert 0.4 < share < 0.6
    with pytest.raises(ConfigError, match="mixes in Instruct records, which this data source does not have"):
        CurriculumWindows(dm.tokens["train"], dm.stories_table, batches, seed=1)


@pytest.mark.parametrize(
    "stages, message",
    [
        ([{"until": 0.6}, {"until": 0.4}, {"until": 1.0}], "stages out of order"),
        ([{"until": 0.5, "max_len_quantile": 1.5}, {"until": 1.0}], "max_len_quantile=1.5 is outside"),
        ([{"until": 0.5}], "the last stage must end at until=1.0"),
        ([{"until": 1.0, "mix": {"story": 1, "web": 1}}], "unknown source web in mix; sources: story, instruct"),
        ([{"until": 1.0, "mix": {"story": 0}}], "must be >= 0 with a positive sum"),
        ([{"until": 1.0, "colour": "red"}], "unexpected keyword argument 'colour'"),
    ],
)
def test_bad_curricula_are_refused(stages: list, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        Curriculum(stages)


def test_train_py_with_a_curriculum_logs_its_stage(tmp_path: Path, smoke_cache: Path) -> None:
    proc = run_train(tmp_path / "run", smoke_cache, *SMOKE, "curriculum=length")
    assert proc.returncode == 0, proc.stderr[-2000:]
    with open(tmp_path / "run" / "csv" / "metrics.csv") as f:
        stages = [float(r["curriculum/stage"]) for r in csv.DictReader(f) if r.get("curriculum/stage")]
    assert stages[0] == 0 and stages[-1] > stages[0]
    bad = run_train(tmp_path / "bad", smoke_cache, *SMOKE, "curriculum=length", "curriculum.widen_by=1.5")
    assert bad.returncode != 0 and "curriculum length: widen_by=1.5 is outside (0, 1]" in bad.stderr
    assert "Traceback" not in bad.stderr
