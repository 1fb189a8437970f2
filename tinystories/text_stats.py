"""What a word is, and the measures built on words: distinct n-grams and repetition.

One definition for every figure the project reports about text (the built-in corpus's statistics, the quality of
sampled stories, the curriculum's difficulty), so that the same text gives the same figures wherever it is
measured.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# A run of letters or digits, with apostrophes inside it (don't, Lily's, Lily’s), in any script.
WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


def words(text: str) -> list[str]:
    """The words of `text`, lower-cased."""
    return WORD.findall(text.lower())


def ngrams(tokens: list[str], n: int) -> list[tuple[str, ...]]:
    return [tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]


def distinct_n(texts: Iterable[str], n: int) -> float:
    """Distinct word n-grams over all word n-grams, pooled over the texts (Li et al., 2016); n-grams never cross
    from one text into the next. 1.0 means nothing repeats; 0.0 for no n-grams at all."""
    seen: set[tuple[str, ...]] = set()
    total = 0
    for text in texts:
        grams = ngrams(words(text), n)
        seen.update(grams)
        total += len(grams)
    return len(seen) / total if total else 0.0


def repetition_rate(texts: Iterable[str], n: int = 4) -> float:
    """The share of word n-grams that repeat an earlier n-gram of the same text (loops, copied sentences)."""
    repeated = total = 0
    for text in texts:
        grams = ngrams(words(text), n)
        repeated += len(grams) - len(set(grams))
        total += len(grams)
    return repeated / total if total else 0.0
