"""Curricula: which stories the model sees, and in windows of what length, as training goes on.

A curriculum is a list of stages, each ending at a fraction of training and saying which stories are eligible (no
longer, or no harder, than a quantile of the corpus) and how long the windows are. What a micro-batch holds is a
pure function of (micro-batch number, seed, rank): a window packs whole eligible stories drawn by a generator seeded
with exactly those numbers, so resuming at any step gives the same batches, and each rank draws only from its own
share of the stories, so DDP ranks stay disjoint. The named curricula in `conf/curriculum/` are presets of `stages`.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
from torch.utils.data import Dataset, Sampler

from tinystories.errors import ConfigError
from tinystories.text_stats import words as text_words

SENTENCE_END = re.compile(r"[.!?]+")
SOURCES = ("story", "instruct")  # what a stage's windows can be packed from
PACINGS = {"linear": lambda x: x, "root": math.sqrt, "step": lambda x: 0.0 if x < 1 else 1.0}


@dataclass(frozen=True)
class Stage:
    until: float  # the fraction of training at which this stage ends
    max_len_quantile: float = 1.0  # eligible: stories no longer than this quantile of story lengths
    max_score_quantile: float = 1.0  # eligible: stories no harder than this quantile of difficulty
    seq_len: int | None = None  # window length in this stage; None: data.seq_len
    mix: dict[str, float] | None = None  # weights of the sources windows are packed from; None: stories only

    @property
    def instruct_share(self) -> float:
        """The share of windows packed from Instruct-format records instead of plain stories."""
        mix = self.mix or {"story": 1.0}
        return mix.get("instruct", 0.0) / sum(mix.values())


class Curriculum:
    """A validated list of stages; `Curriculum([{"until": 0.3, "max_len_quantile": 0.5}, {"until": 1.0}])`."""

    def __init__(self, stages: list[dict], name: str = "stages") -> None:
        if not stages:
            raise ConfigError(f"curriculum {name} has no stages; use curriculum=none for plain shuffled windows")
        try:
            self.stages = [s if isinstance(s, Stage) else Stage(**{**s, "mix": _plain(s.get("mix"))}) for s in stages]
        except TypeError as e:
            raise ConfigError(
                f"curriculum {name}: {e}; a stage has until, max_len_quantile, max_score_quantile, seq_len"
            ) from None
        self.name = name
        ends = [s.until for s in self.stages]
        if any(b <= a for a, b in zip(ends, ends[1:], strict=False)):
            raise ConfigError(f"curriculum {name}: stages out of order (until={ends}); each must end after the last")
        for s in self.stages:
            for field in ("until", "max_len_quantile", "max_score_quantile"):
                if not 0 < getattr(s, field) <= 1:
                    raise ConfigError(f"curriculum {name}: {field}={getattr(s, field)} is outside (0, 1]")
            if s.mix is not None:
                unknown = set(s.mix) - set(SOURCES)
                if unknown:
                    raise ConfigError(
                        f"curriculum {name}: unknown source {', '.join(sorted(unknown))} in mix; sources: "
                        f"{', '.join(SOURCES)}"
                    )
                if any(w < 0 for w in s.mix.values()) or sum(s.mix.values()) <= 0:
                    raise ConfigError(f"curriculum {name}: mix weights {dict(s.mix)} must be >= 0 with a positive sum")
            if s.seq_len is not None and s.seq_len < 2:
                raise ConfigError(f"curriculum {name}: seq_len={s.seq_len} is too short")
        if ends[-1] != 1.0:
            raise ConfigError(f"curriculum {name}: the last stage must end at until=1.0 (it ends at {ends[-1]})")

    @property
    def uses_instruct(self) -> bool:
        return any(s.instruct_share > 0 for s in self.stages)

    def stage_at(self, progress: float) -> tuple[int, Stage]:
        for i, s in enumerate(self.stages):
            if progress < s.until:
                return i, s
        return len(self.stages) - 1, self.stages[-1]


def length(widen_by: float = 0.5, start: float = 0.25, steps: int = 4) -> Curriculum:
    """Shortest stories first, widening to all of them by `widen_by` of training."""
    _check_fraction("widen_by", widen_by, "length")
    stages = [
        {"until": widen_by * (i + 1) / steps, "max_len_quantile": start + (1 - start) * i / steps} for i in range(steps)
    ]
    return Curriculum(_close(stages), "length")


def seq_len(start: int = 64, warmup: float = 0.25, steps: int = 3) -> Curriculum:
    """Short windows first, doubling `steps` times over `warmup` of training, then the full data.seq_len."""
    _check_fraction("warmup", warmup, "seq_len")
    stages = [{"until": warmup * (i + 1) / steps, "seq_len": start * 2**i} for i in range(steps)]
    return Curriculum(_close(stages), "seq_len")


def difficulty(pacing: str = "linear", warmup: float = 0.5, start: float = 0.2, steps: int = 5) -> Curriculum:
    """Easy stories first (rare words, long sentences make a story hard), admitting harder ones on a pacing
    function (linear, root or step) over `warmup` of training."""
    if pacing not in PACINGS:
        raise ConfigError(f"curriculum difficulty: pacing={pacing!r} is unknown; use one of {', '.join(PACINGS)}")
    _check_fraction("warmup", warmup, "difficulty")
    pace = PACINGS[pacing]
    stages = [
        {"until": warmup * (i + 1) / steps, "max_score_quantile": start + (1 - start) * pace(i / steps)}
        for i in range(steps)
    ]
    return Curriculum(_close(stages), "difficulty")


def instruct_mix(start: float = 0.5, end: float = 0.0, steps: int = 4) -> Curriculum:
    """A mixture of plain stories and Instruct-format records (Features:, Words:, Summary:, ...), whose share of
    Instruct records moves from `start` to `end` in `steps` stages over training."""
    for name, value in (("start", start), ("end", end)):
        if not 0 <= value <= 1:
            raise ConfigError(f"curriculum instruct_mix: {name}={value} is outside [0, 1]")
    shares = [start + (end - start) * i / max(1, steps - 1) for i in range(steps)]
    stages = [{"until": (i + 1) / steps, "mix": {"story": 1 - x, "instruct": x}} for i, x in enumerate(shares)]
    return Curriculum(stages, "instruct_mix")


def _plain(mix) -> dict[str, float] | None:
    return None if mix is None else {str(k): float(v) for k, v in dict(mix).items()}


def _check_fraction(name: str, value: float, curriculum: str) -> None:
    if not 0 < value <= 1:
        raise ConfigError(f"curriculum {curriculum}: {name}={value} is outside (0, 1]")


def _close(stages: list[dict]) -> list[dict]:
    """End with an unrestricted stage up to the end of training."""
    if stages[-1]["until"] >= 1.0:
        stages[-1] = {"until": 1.0}
    else:
        stages.append({"until": 1.0})
    return stages


def story_table(
    tokens: np.ndarray, eot_id: int, decode_batch: Callable[[list[list[int]]], list[str]], common: int
) -> dict[str, np.ndarray]:
    """Per story: where it starts, how many tokens it has (without its end-of-text), and a difficulty score in
    [0, 1]: the mean of its rank by share of words outside the corpus's `common` most frequent words, and its rank
    by mean sentence length in words."""
    ends = np.flatnonzero(tokens == eot_id)
    starts = np.concatenate([[0], ends[:-1] + 1])
    lengths = ends - starts
    words: list[list[str]] = []
    sentences: list[int] = []
    for at in range(0, len(starts), 1000):
        chunk = [
            tokens[a : a + n].tolist() for a, n in zip(starts[at : at + 1000], lengths[at : at + 1000], strict=True)
        ]
        for text in decode_batch(chunk):
            words.append(text_words(text))
            sentences.append(max(1, len(SENTENCE_END.findall(text))))
    frequent = {w for w, _ in Counter(w for ws in words for w in ws).most_common(common)}
    rare = np.array([sum(w not in frequent for w in ws) / max(1, len(ws)) for ws in words])
    sentence_len = np.array([len(ws) / n for ws, n in zip(words, sentences, strict=True)])

    def rank(x: np.ndarray) -> np.ndarray:
        return np.argsort(np.argsort(x, kind="stable"), kind="stable") / max(1, len(x) - 1)

    return {"starts": starts, "lengths": lengths, "score": (rank(rare) + rank(sentence_len)) / 2}


class CurriculumBatches(Sampler[list[tuple[int, int]]]):
    """Micro-batch `b` of this rank: items (b, 0..n-1), n chosen so every micro-batch holds the same number of
    tokens whatever its stage's window length."""

    def __init__(
        self, curriculum: Curriculum, batch_size: int, seq_len: int, max_steps: int, accumulate: int, start: int = 0
    ) -> None:
        self.curriculum, self.batch_size, self.seq_len = curriculum, batch_size, seq_len
        self.max_steps, self.accumulate, self.start = max_steps, accumulate, start
        for s in curriculum.stages:
            if s.seq_len and (s.seq_len > seq_len or (batch_size * seq_len) % s.seq_len):
                raise ConfigError(
                    f"curriculum {curriculum.name}: seq_len={s.seq_len} must divide data.batch_size x data.seq_len "
                    f"({batch_size} x {seq_len}) and not exceed data.seq_len"
                )

    def stage_of_batch(self, b: int) -> tuple[int, Stage]:
        return self.curriculum.stage_at((b // self.accumulate) / self.max_steps)

    def __len__(self) -> int:
        return self.max_steps * self.accumulate

    def __iter__(self):
        for b in range(self.start, len(self)):
            _, stage = self.stage_of_batch(b)
            n = self.batch_size * self.seq_len // (stage.seq_len or self.seq_len)
            yield [(b, j) for j in range(n)]


class CurriculumWindows(Dataset):
    """Item (b, j): a window of the stage's length + 1 tokens, packed from whole eligible stories of this rank."""

    def __init__(
        self,
        tokens: np.ndarray,
        table: dict[str, np.ndarray],
        batches: CurriculumBatches,
        seed: int,
        rank: int = 0,
        world_size: int = 1,
        instruct: tuple[np.ndarray, dict[str, np.ndarray]] | None = None,
    ) -> None:
        self.tokens, self.table, self.batches = tokens, table, batches
        self.seed, self.rank = seed, rank
        if batches.curriculum.uses_instruct and instruct is None:
            raise ConfigError(
                f"curriculum {batches.curriculum.name} mixes in Instruct records, which this data source does not "
                f"have; use data=builtin"
            )
        self.instruct = instruct
        if instruct is not None:
            self.instruct_mine = np.arange(len(instruct[1]["lengths"]))[rank::world_size]
        lengths, score = table["lengths"], table["score"]
        mine = np.arange(len(lengths))[rank::world_size]
        self.eligible = []
        self.limits = []
        for s in batches.curriculum.stages:
            max_len = np.quantile(lengths, s.max_len_quantile, method="higher")
            max_score = np.quantile(score, s.max_score_quantile, method="higher")
            ok = mine[(lengths[mine] <= max_len) & (score[mine] <= max_score)]
            if len(ok) == 0:
                raise ConfigError(f"curriculum {batches.curriculum.name}: a stage admits no stories on rank {rank}")
            self.eligible.append(ok)
            self.limits.append((int(max_len), float(max_score)))

    def __len__(self) -> int:
        return len(self.batches) * self.batches.batch_size

    def stories_for(self, b: int, j: int) -> tuple[str, list[int], int, int]:
        """Which pool item (b, j) packs from ("story" or "instruct"), which of its entries, where in the first one
        the window starts, and the window's length. Starting at a random point of the first entry lets windows
        cover whole stories, not only their beginnings."""
        index, stage = self.batches.stage_of_batch(b)
        need = (stage.seq_len or self.batches.seq_len) + 1
        rng = np.random.default_rng([self.seed, self.rank, b, j])
        if rng.random() < stage.instruct_share:
            pool, eligible, lengths = "instruct", self.instruct_mine, self.instruct[1]["lengths"]
        else:
            pool, eligible, lengths = "story", self.eligible[index], self.table["lengths"]
        picked = [int(eligible[rng.integers(len(eligible))])]
        offset = int(rng.integers(lengths[picked[0]] + 1))
        total = int(lengths[picked[0]]) + 1 - offset
        while total < need:
            picked.append(int(eligible[rng.integers(len(eligible))]))
            total += int(lengths[picked[-1]]) + 1
        return pool, picked, offset, need

    def __getitem__(self, item: tuple[int, int]) -> torch.Tensor:
        pool, picked, offset, need = self.stories_for(*item)
        tokens, table = (self.tokens, self.table) if pool == "story" else self.instruct
        starts, lengths = table["starts"], table["lengths"]
        parts = [tokens[starts[s] : starts[s] + lengths[s] + 1] for s in picked]  # each with its end-of-text
        return torch.from_numpy(np.concatenate(parts)[offset : offset + need].astype(np.int64))
