"""The `.txt` format of the released TinyStories files: each story followed by a line `<|endoftext|>`.

One small module that depends on nothing else of ours, so that the data pipeline, the built-in generator and the
tests read and write stories the same way without importing each other.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

EOT = "<|endoftext|>"  # the end-of-text marker between stories, also the tokenizers' one special token


class NotUtf8Error(ValueError):
    """The file is not UTF-8 text; the message says where and how to convert it."""


def read_stories(path: str | Path, start: int = 0, end: int | None = None) -> Iterator[str]:
    """The stories of a released-format file, stripped of surrounding white space; empty stories are skipped.
    `start` and `end` read one stretch of the file: byte offsets from `story_boundaries`, so that reading the
    stretches one after another gives exactly the stories of reading the whole file."""
    lines: list[str] = []
    with open(path, "rb") as f:
        f.seek(start)
        at = start
        for number, raw in enumerate(f, start=1):
            if end is not None and at >= end:
                break
            at += len(raw)
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as e:
                where = f"line {number}" if start == 0 else f"line {number} after byte {start}"
                raise NotUtf8Error(
                    f"{path} is not UTF-8 text ({where}: byte {raw[e.start]:#04x}). Convert it first, e.g. "
                    f"`iconv -f latin1 -t utf-8 {path} > fixed.txt`, and point the data path at the result."
                ) from None
            if line.strip() == EOT:
                story = "".join(lines).strip()
                if story:
                    yield story
                lines = []
            else:
                lines.append(line)
    story = "".join(lines).strip()
    if story:
        yield story


def story_boundaries(path: str | Path, pieces: int) -> list[int]:
    """Byte offsets that cut a released-format file into about `pieces` stretches of whole stories: 0, then
    each just after an end-of-text line, then the file's size. Found by seeking, so the file is not read."""
    size = Path(path).stat().st_size
    cuts = [0]
    with open(path, "rb") as f:
        for k in range(1, pieces):
            f.seek(max(cuts[-1], size * k // pieces))
            f.readline()  # to the start of a line
            while line := f.readline():
                if line.strip() == EOT.encode():
                    break
            at = f.tell()
            if cuts[-1] < at < size:
                cuts.append(at)
    return [*cuts, size]


def format_stories(stories: Iterable[str]) -> str:
    """Stories as the released files hold them: each one, then a line with the end-of-text marker."""
    return "".join(f"{story}\n{EOT}\n" for story in stories)
