"""Where stories come from: the Hugging Face hub, local files in the released formats, or the built-in generator.

A source yields plain story strings per split ("train", "val") and has a fingerprint: a string that changes
whenever the stories would, so the token cache knows when to rebuild without reading the data.
"""

from __future__ import annotations

import functools
import glob
import math
import os
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from tinystories.errors import DataError
from tinystories.released_txt import NotUtf8Error, read_stories, story_boundaries

SPLITS = ("train", "val")
TEXT_SUFFIXES = (".txt",)
JSON_SUFFIXES = (".json", ".jsonl")
PART_BYTES = 8 << 20  # a released-format file is cut into stretches of at least this many bytes
PART_STORIES = 5_000  # the built-in generator's stories are made in ranges of at least this many


class StoryPart(Protocol):
    """A piece of a corpus that a worker process reads alone: it yields (split, story) in the corpus's order,
    routing each story to its split in the same pass. Parts are picklable and, read one after another, give
    exactly the stories of each split in order, so the token cache is the same for any number of workers."""

    def __call__(self) -> Iterator[tuple[str, str]]: ...


def route(story: str, split: str | None, val_fraction: float) -> str:
    """`split`, or for a corpus without a validation split, the held-out share's split (`in_holdout`)."""
    return split or ("val" if in_holdout(story, val_fraction) else "train")


@dataclass(frozen=True)
class TxtStretch:
    """Whole stories of a released-format file, between two offsets from `story_boundaries`."""

    path: str
    start: int
    end: int
    split: str | None  # every story's split; None: held out by hash (`route`)
    val_fraction: float = 0.0

    def __call__(self) -> Iterator[tuple[str, str]]:
        try:
            for story in read_stories(self.path, self.start, self.end):
                yield route(story, self.split, self.val_fraction), story
        except NotUtf8Error as e:
            raise DataError(str(e)) from None


def txt_stretches(path: Path, split: str | None, val_fraction: float, pieces: int) -> list[TxtStretch]:
    size = path.stat().st_size
    cuts = story_boundaries(path, max(1, min(pieces, size // PART_BYTES)))
    return [TxtStretch(str(path), a, b, split, val_fraction) for a, b in zip(cuts, cuts[1:], strict=False)]


@dataclass(frozen=True)
class WholeSplits:
    """Every story of the named splits of a source, read in one process (sources that cannot be cut)."""

    source: object
    splits: tuple[str, ...]

    def __call__(self) -> Iterator[tuple[str, str]]:
        for split in self.splits:
            yield from ((split, story) for story in self.source.stories(split))


def read_json_records(paths: list[Path], text_field: str | None) -> Iterator[str]:
    """Stories from `.jsonl`/`.json` files (records, or a JSON array of records as in `TinyStories_all_data`)."""
    import datasets

    try:
        ds = datasets.load_dataset("json", data_files=[str(p) for p in paths], split="train")
    except Exception as e:  # datasets wraps decode errors in several exception types
        if "utf-8" in str(e).lower() or isinstance(e.__cause__, UnicodeDecodeError):
            raise DataError(f"{', '.join(map(str, paths))}: not UTF-8 JSON. Convert the files to UTF-8.") from None
        raise DataError(f"could not read {', '.join(map(str, paths))} as JSON records: {e}") from None
    field = text_field or next((f for f in ("text", "story") if f in ds.column_names), None)
    if field not in ds.column_names:
        raise DataError(
            f"{paths[0]} has no field {field or 'text/story'!r} (fields: {', '.join(ds.column_names)}); "
            f"name the text field with data.source.text_field=NAME"
        )
    for batch in ds.iter(batch_size=1000):
        yield from (s for s in batch[field] if s)


def in_holdout(story: str, fraction: float) -> bool:
    """A deterministic, order-free assignment of a story to the held-out validation share."""
    return zlib.crc32(story.encode("utf-8")) % 10_000 < fraction * 10_000


def holdout(stories: Iterable[str], split: str, fraction: float) -> Iterator[str]:
    return (s for s in stories if route(s, None, fraction) == split)


def _expand(paths: str | list[str] | None) -> list[Path]:
    if paths is None:
        return []
    out: list[Path] = []
    for p in [paths] if isinstance(paths, str) else list(paths):
        p = os.path.expanduser(str(p))
        matches = sorted(glob.glob(p)) if glob.has_magic(p) else [p]
        if not matches or not Path(matches[0]).exists():
            raise DataError(
                f"data path {p} does not exist. Point data.source.train_path (and data.source.val_path) at the "
                f"released TinyStories files (.txt, .json or .jsonl), "
                f"e.g. data.source.train_path=/data/TinyStories-train.txt"
            )
        for m in map(Path, matches):
            if m.is_dir():
                out += sorted(f for f in m.iterdir() if f.suffix in TEXT_SUFFIXES + JSON_SUFFIXES)
            else:
                out.append(m)
    return out


def _read_files(files: list[Path], text_field: str | None) -> Iterator[str]:
    bad = [f for f in files if f.suffix not in TEXT_SUFFIXES + JSON_SUFFIXES]
    if bad:
        raise DataError(f"{bad[0]}: unsupported file type; use the released .txt format, .json or .jsonl")
    for f in files:
        if f.suffix in TEXT_SUFFIXES:
            try:
                yield from read_stories(f)
            except NotUtf8Error as e:
                raise DataError(str(e)) from None
    json_files = [f for f in files if f.suffix in JSON_SUFFIXES]
    if json_files:
        yield from read_json_records(json_files, text_field)


class LocalSource:
    """Local files: one path, a glob, a folder, or a list of them per split.

    Without `val_path`, a fixed `val_fraction` of the training stories (chosen by hash) is held out.
    """

    def __init__(
        self,
        train_path: str | list[str],
        val_path: str | list[str] | None = None,
        text_field: str | None = None,
        val_fraction: float = 0.01,
    ) -> None:
        self.train_files = _expand(train_path)
        self.val_files = _expand(val_path)
        if not self.train_files:
            raise DataError(f"no data files found at {train_path}; set data.source.train_path to your files")
        self.text_field = text_field
        self.val_fraction = val_fraction

    def fingerprint(self) -> str:
        stats = [(str(f.resolve()), f.stat().st_size, f.stat().st_mtime_ns) for f in self.train_files + self.val_files]
        return f"local:{stats}:{self.text_field}:{self.val_fraction if not self.val_files else ''}"

    def describe(self) -> str:
        return f"local files {', '.join(map(str, self.train_files[:3]))}{' ...' if len(self.train_files) > 3 else ''}"

    def stories(self, split: str) -> Iterator[str]:
        if self.val_files:
            return _read_files(self.train_files if split == "train" else self.val_files, self.text_field)
        return holdout(_read_files(self.train_files, self.text_field), split, self.val_fraction)

    def parts(self, splits: tuple[str, ...], pieces: int) -> list[StoryPart]:
        """Stretches of the .txt files (each read once, its stories routed to train and val as they come);
        JSON records are read through `datasets` in one part."""
        files = self.train_files + self.val_files
        if any(f.suffix not in TEXT_SUFFIXES for f in files):
            return [WholeSplits(self, splits)]
        named = [(f, "train" if self.val_files else None) for f in self.train_files]
        named += [(f, "val") for f in self.val_files]
        per_file = max(1, math.ceil(pieces / len(named)))
        return [p for f, split in named for p in txt_stretches(f, split, self.val_fraction, per_file)]


class HubSource:
    """A dataset on the Hugging Face hub, by default `roneneldan/TinyStories`.

    `data_files` picks files within the dataset repo per split (e.g. the `TinyStoriesV2-GPT4-*.txt` files); `.txt`
    files are read in the released format, anything else through `datasets`.
    """

    def __init__(
        self,
        name: str = "roneneldan/TinyStories",
        config: str | None = None,
        train_split: str = "train",
        val_split: str | None = "validation",
        text_field: str = "text",
        data_files: dict[str, str] | None = None,
        revision: str | None = None,
        val_fraction: float = 0.01,
    ) -> None:
        self.name, self.config, self.revision = name, config, revision
        self.splits = {"train": train_split, "val": val_split}
        self.text_field = text_field
        self.data_files = dict(data_files) if data_files else None
        self.val_fraction = val_fraction

    def fingerprint(self) -> str:
        return f"hub:{self.name}:{self.config}:{self.splits}:{self.data_files}:{self.revision}:{self.text_field}"

    def describe(self) -> str:
        return f"hub dataset {self.name}"

    def _unreachable(self, e: Exception) -> DataError:
        return DataError(
            f"could not load {self.name!r} from the Hugging Face hub ({type(e).__name__}: {str(e).splitlines()[0]}). "
            f"If this machine is offline, download the released files elsewhere and train on local copies: "
            f"python train.py data=local data.source.train_path=/path/TinyStories-train.txt "
            f"data.source.val_path=/path/TinyStories-valid.txt"
        )

    def _download(self, split: str) -> Path:
        """The local copy of the `data_files` file of `split`, downloaded once by huggingface_hub."""
        filename = self.data_files.get(split)
        if filename is None:
            raise DataError(f"data.source.data_files has no entry for split {split!r}")
        try:
            from huggingface_hub import hf_hub_download

            return Path(hf_hub_download(self.name, filename, repo_type="dataset", revision=self.revision))
        except Exception as e:
            raise self._unreachable(e) from None

    def _split_stories(self, split: str) -> Iterator[str]:
        if self.data_files:
            return _read_files([self._download(split)], self.text_field)
        import datasets

        try:
            ds = datasets.load_dataset(self.name, self.config, split=self.splits[split], revision=self.revision)
        except Exception as e:
            raise self._unreachable(e) from None
        if self.text_field not in ds.column_names:
            raise DataError(f"{self.name} has no field {self.text_field!r} (fields: {', '.join(ds.column_names)})")
        return (s for batch in ds.iter(batch_size=1000) for s in batch[self.text_field] if s)

    def stories(self, split: str) -> Iterator[str]:
        if self._has_val():
            return self._split_stories(split)
        return holdout(self._split_stories("train"), split, self.val_fraction)

    def _has_val(self) -> bool:
        return self.splits["val"] is not None or bool(self.data_files and "val" in self.data_files)

    def parts(self, splits: tuple[str, ...], pieces: int) -> list[StoryPart]:
        """Released .txt files (`data_files`) are downloaded, then cut like local ones; a `datasets` dataset is
        read in one part."""
        if not self.data_files or not all(str(f).endswith(TEXT_SUFFIXES) for f in self.data_files.values()):
            return [WholeSplits(self, splits)]
        named = [("train", "train" if self._has_val() else None)] + [("val", "val")] * self._has_val()
        pieces = max(1, pieces // len(named))
        return [p for key, split in named for p in txt_stretches(self._download(key), split, self.val_fraction, pieces)]


class BuiltinSource:
    """Stories from the built-in generator (`tinystories.synth`): no network, always the same for a seed.
    Validation stories come from their own random stream, never from the training one. It also offers an
    `instruct` split: the training stories as TinyStories-Instruct records."""

    splits = (*SPLITS, "instruct")

    def __init__(
        self,
        n_train: int = 20_000,
        n_val: int = 500,
        seed: int = 0,
        vocab_fraction: float = 1.0,
        schema_fraction: float = 1.0,
    ) -> None:
        from tinystories.synth import StoryGenerator

        self.n_train, self.n_val, self.seed = n_train, n_val, seed
        self.vocab_fraction, self.schema_fraction = vocab_fraction, schema_fraction
        try:
            self.generator = StoryGenerator(vocab_fraction, schema_fraction)
        except ValueError as e:
            raise DataError(f"data.{e}") from None

    def fingerprint(self) -> str:
        from tinystories.synth import VERSION

        return (
            f"builtin:v{VERSION}:{self.n_train}:{self.n_val}:{self.seed}:{self.vocab_fraction}:{self.schema_fraction}"
        )

    def describe(self) -> str:
        return f"built-in generator ({self.n_train} train stories)"

    def stories(self, split: str) -> Iterator[str]:
        if split == "instruct":  # the training stories as TinyStories-Instruct records
            import random

            from tinystories.synth.instruct import instruct_record, instruct_text

            rng = random.Random(f"instruct:{self.seed}")
            return (instruct_text(instruct_record(s, rng)) for s in self.generator.stories(self.n_train, self.seed))
        n = self.n_train if split == "train" else self.n_val
        return (s.text for s in self.generator.stories(n, self.seed, stream=split))

    def parts(self, splits: tuple[str, ...], pieces: int) -> list[StoryPart]:
        """Ranges of story numbers (each story has its own random stream, so a range is made alone); the
        instruct split, whose records share one stream, in one part."""
        settings = (self.vocab_fraction, self.schema_fraction, self.seed)
        out: list[StoryPart] = []
        for split in (s for s in splits if s in SPLITS):
            n = self.n_train if split == "train" else self.n_val
            step = max(PART_STORIES, math.ceil(n / pieces))
            out += [GeneratedRange(*settings, split, a, min(n, a + step)) for a in range(0, n, step)]
        if "instruct" in splits:
            out.append(WholeSplits(self, ("instruct",)))
        return out


@functools.cache
def _generator(vocab_fraction: float, schema_fraction: float):
    from tinystories.synth import StoryGenerator

    return StoryGenerator(vocab_fraction, schema_fraction)


@dataclass(frozen=True)
class GeneratedRange:
    """Built-in stories number `start` to `stop` of one stream."""

    vocab_fraction: float
    schema_fraction: float
    seed: int
    split: str
    start: int
    stop: int

    def __call__(self) -> Iterator[tuple[str, str]]:
        generator = _generator(self.vocab_fraction, self.schema_fraction)
        for story in generator.stories(self.stop, self.seed, stream=self.split, start=self.start):
            yield self.split, story.text
