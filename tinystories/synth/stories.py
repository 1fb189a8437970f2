"""The generator: the paper's recipe without an LLM. Each story draws a (verb, noun, adjective) triple and a subset
of the story features from a seeded random stream, then a story schema renders it. Story `i` of seed `s` depends on
nothing else, so the same seed always gives the same bytes, and validation uses its own stream.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field

from tinystories.synth.childhood_schemas import CHILDHOOD_SCHEMAS
from tinystories.synth.home_schemas import HOME_SCHEMAS
from tinystories.synth.schemas import SCHEMAS as PLOT_SCHEMAS
from tinystories.synth.teller import Teller
from tinystories.synth.words import FEATURES, Vocabulary

VERSION = 17  # bump when the output changes, so token caches built from older stories are not reused
SCHEMAS = PLOT_SCHEMAS | HOME_SCHEMAS | CHILDHOOD_SCHEMAS
FEATURE_SHARE = {
    "Dialogue": 0.5,
    "BadEnding": 0.2,
    "MoralValue": 0.3,
    "Twist": 0.25,
    "Foreshadowing": 0.2,
    "Conflict": 0.25,
}


@dataclass
class Story:
    text: str
    words: tuple[str, str, str]  # (verb, noun, adjective), as drawn
    features: tuple[str, ...]
    summary: str
    schema: str  # the name of the story schema that rendered it
    markers: set[str] = field(default_factory=set)
    characters: dict[str, str] = field(default_factory=dict)  # name -> gender ("f", "m", "n")
    events: list[tuple] = field(default_factory=list)

    def sentences(self) -> list[str]:
        """The story's sentences; a quoted line stays in the sentence that introduces or attributes it."""
        text = self.text.replace("\n", " ")
        out, start, in_quote = [], 0, False
        for i, ch in enumerate(text):
            at_end = text[i + 1 : i + 2] in (" ", "")
            if ch == '"':
                in_quote = not in_quote
                opens_sentence = text[start:].lstrip().startswith('"')
                if not in_quote and text[i - 1] in ".!?" and at_end and not opens_sentence:
                    out.append(text[start : i + 1].strip())
                    start = i + 1
            elif ch in ".!?" and not in_quote and at_end:
                out.append(text[start : i + 1].strip())
                start = i + 1
        return [s for s in out if s]


class StoryGenerator:
    """Stories over a share of the vocabulary and of the schemas: `vocab_fraction` and `schema_fraction` are the
    breadth knob (1.0 uses everything; lower values give a narrower corpus that repeats the same skills)."""

    def __init__(self, vocab_fraction: float = 1.0, schema_fraction: float = 1.0) -> None:
        if not 0 < schema_fraction <= 1:
            raise ValueError(f"schema_fraction={schema_fraction} must be in (0, 1]")
        self.vocab = Vocabulary.with_fraction(vocab_fraction)
        names = list(SCHEMAS)
        self.schemas = names[: max(1, math.ceil(schema_fraction * len(names)))]

    def story(self, rng: random.Random) -> Story:
        verb = rng.choice(self.vocab.verbs)
        noun = rng.choice(self.vocab.nouns)
        adjective = rng.choice(self.vocab.adjectives)
        features = tuple(f for f in FEATURES if rng.random() < FEATURE_SHARE[f])
        schema = rng.choice(self.schemas)
        teller = Teller(rng, self.vocab, features, verb, noun, adjective)
        SCHEMAS[schema](teller)
        if {"foreshadow_hint", "foreshadow_payoff"} <= teller.markers:
            teller.markers.add("Foreshadowing")
        return Story(
            text=teller.finished_text(),
            words=(verb.base, noun, adjective),
            features=features,
            summary=teller.summary,
            schema=schema,
            markers=teller.markers,
            characters={c.name: c.gender for c in teller.characters},
            events=teller.events,
        )

    def stories(self, n: int, seed: int, stream: str = "train", start: int = 0) -> Iterator[Story]:
        """Stories `start` to `n` of one seeded stream; streams ("train", "val") never share a story's random
        draws. Each story has its own random stream, so any range can be made alone (by parallel workers)."""
        for i in range(start, n):
            yield self.story(random.Random(f"{stream}:{seed}:{i}"))
