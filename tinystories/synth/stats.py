"""Quality figures of a corpus: length, vocabulary and n-gram diversity, the share of stories realising each
feature, and a side-by-side comparison with real TinyStories text."""

from __future__ import annotations

import statistics

from tinystories.text_stats import distinct_n, words


def corpus_stats(stories: list[str]) -> dict[str, float]:
    lengths = [len(words(s)) for s in stories]
    vocab = [w for s in stories for w in words(s)]
    return {
        "stories": len(stories),
        "words_min": min(lengths),
        "words_median": statistics.median(lengths),
        "words_max": max(lengths),
        "distinct_words": len(set(vocab)),
        "type_token_ratio": len(set(vocab)) / max(1, len(vocab)),
        "distinct_3grams": distinct_n(stories, 3),
        "distinct_4grams": distinct_n(stories, 4),
    }


def format_table(columns: dict[str, dict[str, float]]) -> str:
    names = list(columns)
    keys = list(next(iter(columns.values())))
    w = max(14, *(len(n) + 2 for n in names))
    lines = [f"{'':<18}" + "".join(f"{n:>{w}}" for n in names)]
    for k in keys:
        cells = "".join(
            f"{v:>{w}.3f}" if isinstance(v, float) and not v.is_integer() else f"{int(v):>{w},}"
            for v in (columns[n][k] for n in names)
        )
        lines.append(f"{k:<18}{cells}")
    return "\n".join(lines)
