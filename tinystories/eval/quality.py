"""Story quality figures computed from text alone: how varied (distinct n-grams), how repetitive (n-grams a story
repeats from itself), how long, and how many stories end as a sentence ends rather than being cut off."""

from __future__ import annotations

import re

from tinystories.text_stats import distinct_n, repetition_rate, words

ENDING = re.compile(r"[.!?][\"'”’)]*\s*$")


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
