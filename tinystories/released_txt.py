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


def read_stories(path: str | Path) -> Iterator[str]:
    """The stories of a released-format file, stripped of surrounding white space; empty stories are skipped."""
    lines: list[str] = []
    with open(path, "rb") as f:
        for number, raw in enumerate(f, start=1):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as e:
                raise NotUtf8Error(
                    f"{path} is not UTF-8 text (line {number}: byte {raw[e.start]:#04x}). Convert it first, e.g. "
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


def format_stories(stories: Iterable[str]) -> str:
    """Stories as the released files hold them: each one, then a line with the end-of-text marker."""
    return "".join(f"{story}\n{EOT}\n" for story in stories)
