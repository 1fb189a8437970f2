"""StoryDataModule: source -> tokenizer -> token cache -> windows -> per-rank order, as a LightningDataModule.

`prepare_data` (once per node) trains or loads the tokenizer and tokenizes the corpus into the cache; `setup` (every
rank) only opens what is cached. The tokenizer decides the model's vocabulary: the LightningModule asks this module
for `vocab_size` when it builds the network.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator
from pathlib import Path

import lightning as L
import numpy as np
from torch.utils.data import DataLoader

from tinystories.atomic import atomic_path
from tinystories.batch_plan import BatchPlan
from tinystories.data.cache import (
    build_token_cache,
    cache_key,
    default_workers,
    load_token_cache,
    token_cache_problem,
)
from tinystories.data.curriculum import Curriculum, CurriculumBatches, CurriculumWindows, story_table
from tinystories.data.repair import repair_mojibake
from tinystories.data.sources import SPLITS, BuiltinSource
from tinystories.data.tokenizer import TextTokenizer
from tinystories.data.windows import TokenWindows, WindowOrder
from tinystories.errors import ConfigError, DataError

# Lightning cannot see that our loader resumes mid-run (its position is derived from the restored global step, see
# windows.py) and warns that it does not; the resume test shows it does.
warnings.filterwarnings("ignore", message="You're resuming from a checkpoint that ended before the epoch ended")


class StoryDataModule(L.LightningDataModule):
    def __init__(
        self,
        source,
        tokenizer,
        seq_len: int = 256,
        batch_size: int = 32,
        num_workers: int = 0,
        num_proc: int | None = None,
        pin_memory: bool = False,
        cache_dir: str = ".cache/tinystories",
        run_dir: str | None = None,
        seed: int = 1337,
        repair_encoding: bool = True,
        curriculum: Curriculum | None = None,
        common_words: int = 1000,
    ) -> None:
        super().__init__()
        if seq_len < 1 or batch_size < 1:
            raise ConfigError(f"data.seq_len ({seq_len}) and data.batch_size ({batch_size}) must be positive")
        self.source, self.tokenizer_spec = source, tokenizer
        self.seq_len, self.batch_size = seq_len, batch_size
        self.num_workers, self.pin_memory = num_workers, pin_memory
        self.num_proc = num_proc  # processes that build the token cache; None: every core
        self.cache_dir = Path(os.path.expanduser(cache_dir))
        self.run_dir = Path(run_dir) if run_dir else None
        self.seed, self.repair_encoding = seed, repair_encoding
        self.curriculum = curriculum or None  # an empty config (curriculum=none) means plain shuffled windows
        self.common_words = common_words  # difficulty: words outside this many most frequent count as rare
        self.tokenizer: TextTokenizer | None = None
        self.tokens: dict[str, np.ndarray] = {}
        self.meta: dict = {}
        self.stories_table: dict[str, np.ndarray] | None = None
        self.instruct_table: dict[str, np.ndarray] | None = None
        self.curriculum_windows: CurriculumWindows | None = None
        self.plan: BatchPlan | None = None  # set by the BatchPlanner callback before the loaders are asked for

    # --- what the rest of the run asks for -------------------------------------------------------------------
    @property
    def vocab_size(self) -> int:
        self._require_setup()
        return self.tokenizer.vocab_size

    @property
    def val_bytes_per_token(self) -> float:
        """Bytes of UTF-8 text per token of the validation split, to turn nats per token into bits per byte."""
        self._require_setup()
        return self.meta["val"]["bytes"] / self.meta["val"]["tokens"]

    def _require_setup(self) -> None:
        if self.tokenizer is None:
            raise RuntimeError("StoryDataModule.setup() has not run yet")

    # --- preparing -------------------------------------------------------------------------------------------
    def stories(self, split: str) -> Iterator[str]:
        stories = self.source.stories(split)
        return map(repair_mojibake, stories) if self.repair_encoding else stories

    def _tokenizer_dir(self) -> Path:
        data = self.source.fingerprint() if self.tokenizer_spec.depends_on_data() else None
        return self.cache_dir / "tokenizers" / cache_key(self.tokenizer_spec.fingerprint(), data, self.repair_encoding)

    def _splits(self) -> tuple[str, ...]:
        """The instruct split is tokenized only for a curriculum that mixes it in."""
        wants = self.curriculum is not None and self.curriculum.uses_instruct
        return (*SPLITS, "instruct") if wants and "instruct" in getattr(self.source, "splits", ()) else SPLITS

    def _tokens_dir(self, tokenizer: TextTokenizer) -> Path:
        key = cache_key(self.source.fingerprint(), tokenizer.fingerprint(), self.repair_encoding, self._splits())
        return self.cache_dir / "tokens" / key

    def prepare_data(self) -> None:
        tok_dir = self._tokenizer_dir()
        if not (tok_dir / "tokenizer.json").exists():
            print(f"Building tokenizer from {self.source.describe()} -> {tok_dir}")
            self.tokenizer_spec.build(lambda: self.stories("train")).save(tok_dir, replace=False)
        tokenizer = TextTokenizer.load(tok_dir)
        tokens_dir = self._tokens_dir(tokenizer)
        damaged = tokens_dir.exists() and token_cache_problem(tokens_dir)
        if damaged:
            print(f"warning: the token cache entry {tokens_dir} is damaged ({damaged}); building it again", flush=True)
        if damaged or not tokens_dir.exists():
            print(f"Tokenizing {self.source.describe()} -> {tokens_dir}")
            workers = self.num_proc or default_workers()
            parts = self.source.parts(self._splits(), 4 * workers)  # several per worker: they end at once
            build_token_cache(
                tokens_dir,
                tokenizer,
                parts,
                self.source.describe(),
                self._splits(),
                self.repair_encoding,
                workers,
                replace=bool(damaged),
            )

    def setup(self, stage: str | None = None) -> None:
        if self.tokenizer is not None:
            return
        if self.trainer is None:
            self.prepare_data()  # outside a Trainer (scripts, tests) nobody else prepares; a no-op when cached
        tokenizer = TextTokenizer.load(self._tokenizer_dir())
        tokens_dir = self._tokens_dir(tokenizer)
        self.tokens, self.meta = load_token_cache(tokens_dir)
        for split, arr in self.tokens.items():
            if len(arr) < self.seq_len + 1:
                raise DataError(
                    f"the {split} split has {len(arr)} tokens, fewer than one window of data.seq_len+1="
                    f"{self.seq_len + 1}; use more data or a smaller data.seq_len"
                )
        self.tokenizer = tokenizer
        if self.curriculum is not None:
            self.stories_table = self._story_table(tokens_dir, tokenizer)
            if "instruct" in self.tokens:
                self.instruct_table = self._story_table(tokens_dir, tokenizer, "instruct")
        if self.run_dir is not None and (self.trainer is None or self.trainer.is_global_zero):
            tokenizer.save(self.run_dir / "tokenizer")

    def _story_table(self, tokens_dir: Path, tokenizer: TextTokenizer, split: str = "train") -> dict[str, np.ndarray]:
        """Per-story lengths and difficulty, computed once and cached beside the token arrays."""
        path = tokens_dir / f"stories-v3-{split}-{self.common_words}.npz"
        if not path.exists():
            table = story_table(
                np.asarray(self.tokens[split]), tokenizer.eot_id, tokenizer.decode_batch, self.common_words
            )
            with atomic_path(path) as tmp:
                np.savez(tmp, **table)
        with np.load(path) as data:
            return {k: data[k] for k in data.files}

    # --- loading ---------------------------------------------------------------------------------------------
    def _rank(self) -> tuple[int, int]:
        return (self.trainer.global_rank, self.trainer.world_size) if self.trainer else (0, 1)

    def _schedule(self) -> tuple[int, int, int]:
        """(max_steps, accumulation, global step) of the run being served: where a loader starts and ends. The
        step is the Trainer's, restored from a checkpoint on resume; the rest is the run's batch plan."""
        if self.trainer is None:
            return 1, 1, 0
        if self.plan is None:
            raise RuntimeError("StoryDataModule needs its BatchPlan: train with the BatchPlanner callback")
        return self.plan.max_steps, self.plan.accumulation, self.trainer.global_step

    def train_dataloader(self) -> DataLoader:
        rank, world = self._rank()
        max_steps, accumulate, step = self._schedule()
        micro_batch = self.plan.micro_batch if self.plan else self.batch_size  # the plan may lower it
        if self.curriculum is not None:
            batches = CurriculumBatches(
                self.curriculum, micro_batch, self.seq_len, max_steps, accumulate, step * accumulate
            )
            instruct = (self.tokens["instruct"], self.instruct_table) if self.instruct_table is not None else None
            windows = CurriculumWindows(
                self.tokens["train"], self.stories_table, batches, self.seed, rank, world, instruct=instruct
            )
            self.curriculum_windows = windows  # what the curriculum monitor reports
            return self._loader(windows, batch_sampler=batches)
        windows = TokenWindows(self.tokens["train"], self.seq_len)
        if len(windows) // world < micro_batch:
            raise DataError(
                f"the training split has {len(windows)} windows of {self.seq_len} tokens, too few for a batch of "
                f"{micro_batch} on each of {world} ranks; use more data or lower data.batch_size/seq_len"
            )
        per_step = accumulate * micro_batch
        num_samples = max_steps * per_step if self.trainer else len(windows) // world  # outside a run: one epoch
        order = WindowOrder(len(windows), num_samples, self.seed, rank, world, step * per_step, shuffle=True)
        return self._loader(windows, batch_size=micro_batch, sampler=order, drop_last=True)

    def val_dataloader(self) -> DataLoader:
        """Validation reads the same first windows for any device count: rank r takes windows r, r + world, ...
        in batches of data.batch_size, and the BatchPlanner divides trainer.limit_val_batches among the ranks."""
        windows = TokenWindows(self.tokens["val"], self.seq_len)
        rank, world = self._rank()
        order = WindowOrder(len(windows), len(windows) // world, self.seed, rank, world, shuffle=False)
        return self._loader(windows, batch_size=self.batch_size, sampler=order)

    def _loader(self, dataset, **sampling) -> DataLoader:
        return DataLoader(
            dataset,
            num_workers=self.num_workers,
            pin_memory=self.pin_memory,
            persistent_workers=self.num_workers > 0,
            **sampling,
        )


class BuiltinStoryDataModule(StoryDataModule):
    """The built-in corpus, whose size, seed and breadth are data settings of their own, so that
    `python train.py -m data.vocab_fraction=0.25,0.5,1.0` is a breadth experiment."""

    def __init__(
        self,
        n_train: int = 20_000,
        n_val: int = 500,
        corpus_seed: int = 0,
        vocab_fraction: float = 1.0,
        schema_fraction: float = 1.0,
        **kwargs,
    ) -> None:
        super().__init__(BuiltinSource(n_train, n_val, corpus_seed, vocab_fraction, schema_fraction), **kwargs)
