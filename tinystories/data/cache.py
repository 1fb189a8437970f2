"""The token cache: each split of a corpus as one flat array of token ids on disk, stories joined by end-of-text.

A cache entry is a folder named by a hash of everything its contents depend on (source, tokenizer, settings). It
is written under a temporary name and renamed into place, so a crash never leaves a half-written entry that a
later run would trust.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
from tqdm.auto import tqdm

from tinystories.atomic import atomic_path
from tinystories.data.sources import SPLITS
from tinystories.data.tokenizer import TextTokenizer
from tinystories.errors import DataError

CACHE_VERSION = 1
BATCH_STORIES = 1024


def cache_key(*parts: object) -> str:
    return hashlib.sha256(repr((CACHE_VERSION, *parts)).encode()).hexdigest()[:20]


def token_dtype(vocab_size: int) -> np.dtype:
    return np.dtype(np.uint16) if vocab_size <= 2**16 else np.dtype(np.uint32)


def _write_split(stories: Iterator[str], tokenizer: TextTokenizer, path: Path, desc: str) -> dict:
    dtype = token_dtype(tokenizer.vocab_size)
    eot = np.asarray([tokenizer.eot_id], dtype=dtype)
    n_tokens = n_bytes = n_stories = 0
    with open(path, "wb") as f, tqdm(desc=desc, unit=" stories", mininterval=2.0) as bar:

        def flush(batch: list[str]) -> None:
            nonlocal n_tokens
            for ids in tokenizer.encode_batch(batch):
                ids.astype(dtype).tofile(f)
                eot.tofile(f)
                n_tokens += len(ids) + 1
            bar.update(len(batch))

        batch: list[str] = []
        for story in stories:
            batch.append(story)
            n_bytes += len(story.encode("utf-8")) + 1
            n_stories += 1
            if len(batch) == BATCH_STORIES:
                flush(batch)
                batch = []
        flush(batch)
    return {"tokens": n_tokens, "bytes": n_bytes, "stories": n_stories, "dtype": dtype.name}


def build_token_cache(
    directory: Path,
    tokenizer: TextTokenizer,
    stories: Callable[[str], Iterator[str]],
    describe: str,
    splits: tuple[str, ...] = SPLITS,
) -> None:
    """Tokenize every split into `directory`/{split}.bin with `meta.json`, atomically. Another process that
    finished the same entry first keeps its copy: entries are named by everything their content depends on."""
    with atomic_path(directory, folder=True, replace=False) as tmp:
        meta = {}
        for split in splits:
            meta[split] = _write_split(stories(split), tokenizer, tmp / f"{split}.bin", f"tokenizing {split}")
            if meta[split]["stories"] == 0:
                raise DataError(
                    f"the {split} split of {describe} is empty: no stories found. Check the data path and, for "
                    f".txt files, that stories are separated by <|endoftext|> lines"
                )
        meta["vocab_size"] = tokenizer.vocab_size
        (tmp / "meta.json").write_text(json.dumps(meta, indent=2))


def load_token_cache(directory: Path) -> tuple[dict[str, np.ndarray], dict]:
    meta = json.loads((directory / "meta.json").read_text())
    splits = [s for s in meta if s != "vocab_size"]
    tokens = {s: np.memmap(directory / f"{s}.bin", dtype=meta[s]["dtype"], mode="r") for s in splits}
    return tokens, meta
