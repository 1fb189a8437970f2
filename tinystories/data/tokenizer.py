"""Tokenizers, all from the `tokenizers` library, behind one small interface.

A *spec* (what `conf/tokenizer/*.yaml` instantiates) says how to get a tokenizer: train a byte-level BPE on the
training text, load one (a `tokenizer.json` file or a hub name), or restrict a base tokenizer to the tokens most
frequent in the training text, as the TinyStories paper did with GPT-Neo's. `build` makes a `TextTokenizer`.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

from tinystories.atomic import atomic_path
from tinystories.errors import DataError
from tinystories.released_txt import EOT

StoryStream = Callable[[], Iterator[str]]  # a fresh iterator over the training stories each call


class TextTokenizer:
    """A `tokenizers.Tokenizer`, optionally with its ids remapped onto a smaller vocabulary.

    With `keep_ids`, token `keep_ids[i]` of the base tokenizer becomes id `i`, and every other base token becomes the
    fallback id `len(keep_ids)` (decoded as U+FFFD).
    """

    def __init__(self, tokenizer: Tokenizer, keep_ids: np.ndarray | None = None) -> None:
        self.tokenizer = tokenizer
        eot = tokenizer.token_to_id(EOT)
        if eot is None:
            raise DataError(
                f"the tokenizer has no {EOT} token; stories cannot be separated. Add it as a special token."
            )
        self.keep_ids = keep_ids
        if keep_ids is None:
            self.vocab_size = tokenizer.get_vocab_size()
            self.eot_id = eot
        else:
            self.vocab_size = len(keep_ids) + 1
            self.fallback_id = len(keep_ids)
            self._to_new = np.full(tokenizer.get_vocab_size(), self.fallback_id, dtype=np.int64)
            self._to_new[keep_ids] = np.arange(len(keep_ids))
            self.eot_id = int(self._to_new[eot])
            if self.eot_id == self.fallback_id:
                raise DataError(f"{EOT} must be among the kept tokens")

    def encode_batch(self, texts: list[str]) -> list[np.ndarray]:
        # The fast variant leaves out the character offsets, which nothing here uses.
        encodings = self.tokenizer.encode_batch_fast(texts, add_special_tokens=False)
        ids = [np.asarray(e.ids, dtype=np.int64) for e in encodings]
        return ids if self.keep_ids is None else [self._to_new[i] for i in ids]

    def encode(self, text: str) -> list[int]:
        return self.encode_batch([text])[0].tolist()

    def decode(self, ids: list[int]) -> str:
        if self.keep_ids is None:
            return self.tokenizer.decode(list(ids), skip_special_tokens=False)
        pieces, run = [], []
        for i in ids:
            if i == self.fallback_id:
                pieces.append(self.tokenizer.decode(run, skip_special_tokens=False) + "\ufffd")
                run = []
            else:
                run.append(int(self.keep_ids[i]))
        pieces.append(self.tokenizer.decode(run, skip_special_tokens=False))
        return "".join(pieces)

    def decode_batch(self, batch: list[list[int]]) -> list[str]:
        if self.keep_ids is None:
            return self.tokenizer.decode_batch(batch, skip_special_tokens=False)
        return [self.decode(ids) for ids in batch]

    def fingerprint(self) -> str:
        h = hashlib.sha256(self.tokenizer.to_str().encode())
        if self.keep_ids is not None:
            h.update(self.keep_ids.tobytes())
        return h.hexdigest()[:16]

    def save(self, directory: str | Path, replace: bool = True) -> Path:
        """Write `tokenizer.json` (and `keep_ids.json`) into `directory`, atomically: all files or none. Without
        `replace`, a tokenizer already there stays (a cache entry another process finished first)."""
        with atomic_path(directory, folder=True, replace=replace) as tmp:
            self.tokenizer.save(str(tmp / "tokenizer.json"))
            if self.keep_ids is not None:
                (tmp / "keep_ids.json").write_text(json.dumps(self.keep_ids.tolist()))
        return Path(directory)

    def to_dict(self) -> dict:
        """The tokenizer as plain data, for a checkpoint to carry (`from_dict` reads it back)."""
        keep = None if self.keep_ids is None else self.keep_ids.tolist()
        return {"tokenizer.json": self.tokenizer.to_str(), "keep_ids": keep}

    @classmethod
    def from_dict(cls, data: dict) -> TextTokenizer:
        keep = data.get("keep_ids")
        return cls(Tokenizer.from_str(data["tokenizer.json"]), None if keep is None else np.asarray(keep, np.int64))

    @classmethod
    def load(cls, directory: str | Path) -> TextTokenizer:
        directory = Path(directory)
        tok = _load_file(directory / "tokenizer.json")
        keep = directory / "keep_ids.json"
        return cls(tok, np.asarray(json.loads(keep.read_text()), dtype=np.int64) if keep.exists() else None)


def _load_file(path: Path) -> Tokenizer:
    if not path.exists():
        raise DataError(f"tokenizer file {path} does not exist; set tokenizer.name_or_path to a tokenizer.json")
    try:
        return Tokenizer.from_file(str(path))
    except Exception as e:
        raise DataError(f"{path} is not a tokenizer.json the tokenizers library can read: {e}") from None


def load_base(name_or_path: str) -> Tokenizer:
    """A tokenizer from a `tokenizer.json` path, a folder holding one, or a Hugging Face hub model name."""
    p = Path(os.path.expanduser(name_or_path))
    if p.is_dir():
        return _load_file(p / "tokenizer.json")
    if p.suffix == ".json" or p.exists():
        return _load_file(p)
    try:
        return Tokenizer.from_pretrained(name_or_path)
    except Exception as e:
        raise DataError(
            f"could not load tokenizer {name_or_path!r} from the Hugging Face hub ({type(e).__name__}). "
            f"Offline, point tokenizer.name_or_path at a local tokenizer.json, or use tokenizer=bpe-4096"
        ) from None


class TrainBPE:
    """Train a byte-level BPE on the training stories, with `<|endoftext|>` as its one special token."""

    def __init__(self, vocab_size: int = 4096, min_frequency: int = 2) -> None:
        self.vocab_size, self.min_frequency = vocab_size, min_frequency

    def fingerprint(self) -> str:
        return f"bpe:{self.vocab_size}:{self.min_frequency}"

    def depends_on_data(self) -> bool:
        return True

    def build(self, stories: StoryStream) -> TextTokenizer:
        tok = Tokenizer(models.BPE())
        tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
        tok.decoder = decoders.ByteLevel()
        trainer = trainers.BpeTrainer(
            vocab_size=self.vocab_size,
            min_frequency=self.min_frequency,
            special_tokens=[EOT],
            initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
            show_progress=True,
        )
        tok.train_from_iterator(stories(), trainer=trainer)
        return TextTokenizer(tok)


class Pretrained:
    """Use an existing tokenizer as it is: a `tokenizer.json` path or a hub model name."""

    def __init__(self, name_or_path: str) -> None:
        self.name_or_path = name_or_path

    def fingerprint(self) -> str:
        p = Path(os.path.expanduser(self.name_or_path))
        if p.is_file():
            return f"file:{hashlib.sha256(p.read_bytes()).hexdigest()[:16]}"
        return f"pretrained:{self.name_or_path}"

    def depends_on_data(self) -> bool:
        return False

    def build(self, stories: StoryStream) -> TextTokenizer:
        return TextTokenizer(load_base(self.name_or_path))


class FrequentSubset:
    """A base tokenizer restricted to its `vocab_size - 1` tokens most frequent in the training stories, plus a
    fallback id for the rest: the paper's GPT-Neo tokenizer cut to 10,000 tokens."""

    def __init__(self, base: str = "EleutherAI/gpt-neo-125M", vocab_size: int = 10_000) -> None:
        self.base, self.vocab_size = base, vocab_size

    def fingerprint(self) -> str:
        return f"subset:{Pretrained(self.base).fingerprint()}:{self.vocab_size}"

    def depends_on_data(self) -> bool:
        return True

    def build(self, stories: StoryStream) -> TextTokenizer:
        base = TextTokenizer(load_base(self.base))
        counts = np.zeros(base.vocab_size, dtype=np.int64)
        batch: list[str] = []
        for story in stories():
            batch.append(story)
            if len(batch) == 1000:
                for ids in base.encode_batch(batch):
                    counts += np.bincount(ids, minlength=len(counts))
                batch = []
        for ids in base.encode_batch(batch):
            counts += np.bincount(ids, minlength=len(counts))
        counts[base.eot_id] = counts.max() + 1  # always keep the story separator
        order = np.argsort(-counts, kind="stable")[: self.vocab_size - 1]
        return TextTokenizer(base.tokenizer, np.sort(order))
