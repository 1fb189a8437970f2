"""The token cache: each split of a corpus as one flat array of token ids on disk, stories joined by end-of-text.

A cache entry is a folder named by a hash of everything its contents depend on (source, tokenizer, settings). It
is written under a temporary name and renamed into place, so a crash never leaves a half-written entry that a
later run would trust. Its meta.json records each array's size in bytes; the build checks the arrays it wrote
against it (a write that came up short is an error, not a smaller corpus), and every use checks them again, so an
entry damaged later (a full disk, a copy cut short) is named and rebuilt rather than trained on.

The build uses every core: the source is cut into parts (stretches of a file, ranges of generated stories), and
worker processes each read, repair and encode parts in one pass that routes every story to its split, writing one
file per part and split. The parts' files are then joined in order, so the entry is the same for any number of
workers, and memory stays flat in the corpus's size: stories are encoded in batches and written as they go.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import shutil
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import numpy as np
from tqdm.auto import tqdm

from tinystories.atomic import atomic_path
from tinystories.data.repair import repair_mojibake
from tinystories.data.sources import SPLITS, StoryPart
from tinystories.data.tokenizer import TextTokenizer
from tinystories.errors import DataError

CACHE_VERSION = 1
BATCH_STORIES = 1024


def cache_key(*parts: object) -> str:
    return hashlib.sha256(repr((CACHE_VERSION, *parts)).encode()).hexdigest()[:20]


def token_dtype(vocab_size: int) -> np.dtype:
    return np.dtype(np.uint16) if vocab_size <= 2**16 else np.dtype(np.uint32)


def _encode_part(
    part: StoryPart, tokenizer: TextTokenizer, repair: bool, out: Path, splits: tuple[str, ...]
) -> dict[str, dict]:
    """Reads, repairs and encodes one part into `out`.{split}.bin, each story followed by end-of-text; its
    counts per split. Runs in a worker process."""
    dtype = token_dtype(tokenizer.vocab_size)
    eot = np.asarray([tokenizer.eot_id], dtype=dtype)
    counts = {split: {"tokens": 0, "bytes": 0, "stories": 0} for split in splits}
    files = {split: open(f"{out}.{split}.bin", "wb") for split in splits}
    batches: dict[str, list[str]] = {split: [] for split in splits}

    def flush(split: str) -> None:
        for ids in tokenizer.encode_batch(batches[split]):
            # Through Python's file, not ndarray.tofile: numpy's own buffered writes can lose a full disk's error.
            files[split].write(np.concatenate([ids.astype(dtype), eot]).tobytes())
            counts[split]["tokens"] += len(ids) + 1
        batches[split] = []

    try:
        for split, story in part():
            if split not in files:
                continue
            story = repair_mojibake(story) if repair else story
            batches[split].append(story)
            counts[split]["bytes"] += len(story.encode("utf-8")) + 1
            counts[split]["stories"] += 1
            if len(batches[split]) == BATCH_STORIES:
                flush(split)
        for split in splits:
            flush(split)
    finally:
        for f in files.values():
            f.close()
    return counts


def _one_thread_each() -> None:
    # Each worker encodes on one core; the processes, not the tokenizer's threads, share the machine.
    os.environ["TOKENIZERS_PARALLELISM"] = "false"


def _encode_in_workers(
    parts: list[StoryPart], tokenizer: TextTokenizer, repair: bool, outs: list[Path], splits, workers: int, bar
) -> list[dict[str, dict]]:
    context = multiprocessing.get_context("spawn")  # no fork of a process that holds threads (torch's, W&B's)
    try:
        with ProcessPoolExecutor(workers, mp_context=context, initializer=_one_thread_each) as pool:
            jobs = zip(parts, outs, strict=True)
            futures = [pool.submit(_encode_part, p, tokenizer, repair, o, splits) for p, o in jobs]
            for future in as_completed(futures):
                future.result()  # the first error stops the build
                bar.update()
            return [f.result() for f in futures]
    except BrokenProcessPool:
        raise DataError(
            "a process building the token cache died. If it ran out of memory, or your script runs without "
            "`if __name__ == '__main__':` around its top-level code (a new process re-imports it), fix that or "
            "build in one process with data.num_proc=1"
        ) from None


def default_workers() -> int:
    """The cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def build_token_cache(
    directory: Path,
    tokenizer: TextTokenizer,
    parts: list[StoryPart],
    describe: str,
    splits: tuple[str, ...] = SPLITS,
    repair: bool = True,
    workers: int | None = None,
    replace: bool = False,
) -> None:
    """Tokenize every split of the corpus that `parts` make up into `directory`/{split}.bin with `meta.json`,
    atomically, with `workers` processes (default: every core; 1: in this process). Another process that
    finished the same entry first keeps its copy: entries are named by everything their content depends on.
    `replace` puts the new entry in place of an existing one (a damaged entry being rebuilt)."""
    workers = max(1, min(workers or default_workers(), len(parts)))
    with atomic_path(directory, folder=True, replace=replace) as tmp:
        outs = [tmp / f"part-{i}" for i in range(len(parts))]
        with tqdm(desc="tokenizing", total=len(parts), unit=" parts", mininterval=2.0) as bar:
            if workers == 1:
                counts = []
                for part, out in zip(parts, outs, strict=True):
                    counts.append(_encode_part(part, tokenizer, repair, out, splits))
                    bar.update()
            else:
                counts = _encode_in_workers(parts, tokenizer, repair, outs, splits, workers, bar)
        meta = {}
        dtype = token_dtype(tokenizer.vocab_size)
        for split in splits:
            meta[split] = {key: sum(c[split][key] for c in counts) for key in ("tokens", "bytes", "stories")}
            if meta[split]["stories"] == 0:
                raise DataError(
                    f"the {split} split of {describe} is empty: no stories found. Check the data path and, for "
                    f".txt files, that stories are separated by <|endoftext|> lines"
                )
            meta[split].update(dtype=dtype.name, nbytes=meta[split]["tokens"] * dtype.itemsize)
            _join(tmp / f"{split}.bin", [Path(f"{out}.{split}.bin") for out in outs])
        meta["vocab_size"] = tokenizer.vocab_size
        problem = _size_problem(tmp, meta)
        if problem:
            raise DataError(
                f"writing the token cache came up short ({problem}): most likely the disk is full or over quota; "
                f"free space, or point paths.cache_dir at a disk that has it, and run again"
            )
        (tmp / "meta.json").write_text(json.dumps(meta, indent=2))


def _join(target: Path, pieces: list[Path]) -> None:
    """Concatenates `pieces` into `target` in order, deleting each as it goes, and flushes `target` to disk."""
    with open(target, "wb") as joined:
        for piece in pieces:
            with open(piece, "rb") as f:
                shutil.copyfileobj(f, joined, 16 << 20)
            os.remove(piece)
        joined.flush()
        os.fsync(joined.fileno())


def _splits_of(meta: dict) -> list[str]:
    return [s for s in meta if s != "vocab_size"]


def _size_problem(directory: Path, meta: dict) -> str | None:
    """What is wrong with the arrays' sizes against those `meta` records (entries from before sizes were
    recorded: their token count times the item size), or None."""
    for split in _splits_of(meta):
        path = directory / f"{split}.bin"
        expected = meta[split].get("nbytes", meta[split]["tokens"] * np.dtype(meta[split]["dtype"]).itemsize)
        found = path.stat().st_size if path.exists() else None
        if found != expected:
            has = "is missing" if found is None else f"has {found} bytes"
            return f"{path.name} {has}, meta.json records {expected}"
    return None


def _checked_meta(directory: Path) -> tuple[dict | None, str | None]:
    """The entry's meta.json and what is wrong with the entry (None when nothing is)."""
    try:
        meta = json.loads((directory / "meta.json").read_text())
        return meta, _size_problem(directory, meta)
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        return None, f"meta.json cannot be read ({error})"


def token_cache_problem(directory: Path) -> str | None:
    """Why the finished entry at `directory` cannot be trusted (an unreadable meta.json, an array of another size
    than recorded), or None when it can. Costs a stat per split."""
    return _checked_meta(directory)[1]


def load_token_cache(directory: Path) -> tuple[dict[str, np.ndarray], dict]:
    """Memory-maps a checked entry's arrays; a damaged entry is a DataError naming it."""
    meta, problem = _checked_meta(directory)
    if problem:
        raise DataError(
            f"the token cache entry {directory} is damaged: {problem}. Delete that folder and run again to rebuild it"
        )
    tokens = {s: np.memmap(directory / f"{s}.bin", dtype=meta[s]["dtype"], mode="r") for s in _splits_of(meta)}
    return tokens, meta
