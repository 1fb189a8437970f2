"""Render short stories from a seeded random generator, in the style of TinyStories.

Each story picks a hero, a friend, a place, a wanted object with an adjective, and a verb, and walks through a
beginning, a problem, what the characters do, and an ending. Names keep their pronouns throughout, so a model
trained on the corpus can learn to track who is who.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

VERSION = 1  # bump when the output changes, so token caches built from older stories are not reused

HEROES = [
    ("Lily", "she", "her"),
    ("Tom", "he", "his"),
    ("Mia", "she", "her"),
    ("Ben", "he", "his"),
    ("Sue", "she", "her"),
    ("Max", "he", "his"),
    ("Anna", "she", "her"),
    ("Sam", "he", "his"),
    ("Lucy", "she", "her"),
    ("Tim", "he", "his"),
    ("Emma", "she", "her"),
    ("Jack", "he", "his"),
    ("Zoe", "she", "her"),
    ("Leo", "he", "his"),
    ("Amy", "she", "her"),
    ("Bob", "he", "his"),
]
ANIMALS = ["cat", "dog", "bird", "bunny", "frog", "duck", "bear", "fox", "mouse", "owl", "pig", "lion"]
PLACES = ["park", "forest", "garden", "house", "beach", "farm", "town", "school", "hill", "lake"]
OBJECTS = ["ball", "kite", "box", "toy", "hat", "book", "cake", "flower", "car", "drum", "boat", "doll", "cup"]
ADJECTIVES = ["red", "big", "shiny", "soft", "little", "blue", "funny", "pretty", "old", "happy", "yellow", "new"]
VERBS = [
    ("play", "played"),
    ("run", "ran"),
    ("jump", "jumped"),
    ("sing", "sang"),
    ("dance", "danced"),
    ("climb", "climbed"),
    ("swim", "swam"),
    ("paint", "painted"),
    ("build", "built"),
    ("look", "looked"),
]
FEELINGS = ["happy", "glad", "excited", "proud"]
SAD = ["sad", "upset", "worried", "scared"]
PROBLEMS = [
    "the {obj} fell into a deep hole",
    "a strong wind blew the {obj} up into a tall tree",
    "the {obj} was stuck under a heavy rock",
    "the {obj} rolled far away into the tall grass",
]
FIXES = [
    "{friend} found a long stick, and together they got the {obj} back",
    "{friend} had a good idea. They asked a tall man for help, and he reached the {obj}",
    "They pushed and pulled together until the {obj} came free",
    "{friend} looked and looked until {fpron} found the {obj}",
]
MORALS = [
    "It is good to help your friends.",
    "Sharing makes everyone happy.",
    "When we work together, we can do big things.",
    "Being kind is the best thing to do.",
]


def _cap(s: str) -> str:
    return s[0].upper() + s[1:]


def render_story(rng: random.Random) -> str:
    """One story, drawn entirely from `rng`."""
    name, pron, poss = rng.choice(HEROES)
    friend_animal = rng.choice(ANIMALS)
    friend = f"the {friend_animal}"
    fpron = "it"
    place = rng.choice(PLACES)
    obj = rng.choice(OBJECTS)
    adj = rng.choice(ADJECTIVES)
    verb, verbed = rng.choice(VERBS)
    happy, sad = rng.choice(FEELINGS), rng.choice(SAD)
    opening = rng.choice(["Once upon a time", "One day", "Once", "One sunny morning"])

    p1 = (
        f"{opening}, there was a little {'girl' if pron == 'she' else 'boy'} named {name}. "
        f"{_cap(pron)} loved to {verb} in the {place}. "
        f"{name} had a {adj} {obj}. {_cap(pron)} took {poss} {obj} everywhere."
    )
    problem = rng.choice(PROBLEMS).format(obj=obj)
    p2 = (
        f"One day, {name} went to the {place} to {verb}. But {problem}! "
        f'{name} was very {sad}. "Oh no, my {obj}!" {pron} said.'
    )
    fix = rng.choice(FIXES).format(friend=_cap(friend), fpron=fpron, obj=obj)
    p3 = (
        f'Then {name} saw a {friend_animal}. "Why are you {sad}?" asked {friend}. '
        f"{name} told {friend} about {poss} {adj} {obj}. {_cap(fix)}."
    )
    if rng.random() < 0.2:
        p4 = (
            f"But the {obj} was broken. {name} was still {sad}, and {pron} did not {verb} that day. "
            f"{_cap(friend)} went home."
        )
    else:
        p4 = (
            f'{name} was so {happy}. {_cap(pron)} said, "Thank you!" '
            f"{name} and {friend} {verbed} in the {place} all day with the {adj} {obj}."
        )
        if rng.random() < 0.5:
            p4 += " " + rng.choice(MORALS)
    return "\n".join([p1, p2, p3, p4])


def generate_stories(n: int, seed: int) -> Iterator[str]:
    """`n` stories; the same (n, seed) always gives the same stories."""
    rng = random.Random(seed)
    for _ in range(n):
        yield render_story(rng)
