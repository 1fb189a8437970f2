"""Story quality figures computed from text alone: how varied (distinct n-grams), how repetitive (n-grams a story
repeats from itself), how long, and how many stories end as a sentence ends rather than being cut off."""

from __future__ import annotations

import re

WORD = re.compile(r"[a-z0-9']+")
ENDING = re.compile(r"[.!?][\"'”’)]*\s*$")


def words(text: str) -> list[str]:
    return WORD.findall(text.lower())


def ngrams(tokens: list[str], n: int) -> list[tuple[str, ...]]:
    return [tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]


def distinct_n(texts: list[str], n: int) -> float:
    """Distinct word n-grams over all n-grams, pooled over the stories (Li et al., 2016)."""
    grams = [g for t in texts for g in ngrams(words(t), n)]
    return len(set(grams)) / len(grams) if grams else 0.0


def repetition_rate(texts: list[str], n: int = 4) -> float:
    """The share of word n-grams that repeat an earlier n-gram of the same story (loops, copied sentences)."""
    repeated = total = 0
    for text in texts:
        grams = ngrams(words(text), n)
        repeated += len(grams) - len(set(grams))
        total += len(grams)
    return repeated / total if total else 0.0


def story_quality(texts: list[str]) -> dict[str, float]:
    lengths = [len(words(t)) for t in texts]
    return {
        "distinct_1": distinct_n(texts, 1),
        "distinct_2": distinct_n(texts, 2),
        "distinct_3": distinct_n(texts, 3),
        "repetition_4": repetition_rate(texts, 4),
        "mean_words": sum(lengths) / len(lengths) if lengths else 0.0,
        "ended": sum(bool(ENDING.search(t)) for t in texts) / len(texts) if texts else 0.0,
    }
