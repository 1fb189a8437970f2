"""TinyStories-Instruct records: each story with the words and features it was made from, a summary and a random
sentence taken from it, as the released instruct data has them."""

from __future__ import annotations

import random

from tinystories.synth.stories import Story


def instruct_record(story: Story, rng: random.Random) -> dict[str, object]:
    return {
        "words": list(story.words),
        "features": list(story.features),
        "summary": story.summary,
        "random_sentence": rng.choice(story.sentences()),
        "story": story.text,
    }


def instruct_text(record: dict[str, object]) -> str:
    lines = []
    if record["features"]:
        lines.append("Features: " + ", ".join(record["features"]))
    lines += [
        "Words: " + ", ".join(record["words"]),
        "Summary: " + record["summary"],
        "Random sentence: " + record["random_sentence"],
        "Story: ",
        record["story"],
    ]
    return "\n".join(lines)
