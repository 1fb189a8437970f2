"""The built-in probe suite, made from templates: story beginnings in five categories (grammar, knowledge,
reasoning, context tracking, and the paper's consistency: what a story introduced is what returns), each with one
right continuation and distractors that are wrong by construction.

A template family repeats one skill over many fillings, so probes of one family are not independent draws: the
intervals measure how reliably a model shows the skill over these fillings, and knowledge rests on some fifty
facts, each asked with several names.

Why templates: 16 hand-written probes a category gave 95% intervals of about +-20 points, too wide to tell one
model size from the next. A few hundred per category bring them to +-7. Slots are filled from a small controlled
vocabulary (basic words a young child knows, common first names), so a probe tests the skill, not rare words.
Every family is enumerated in full, shuffled with a fixed seed and drawn round-robin, so each category mixes its
families and the suite is the same on every machine.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable, Iterator

Question = tuple[str, str, tuple[str, ...]]  # prompt, right continuation, distractors

GIRLS = ("Lily", "Mia", "Anna", "Sara", "Emma", "Lucy", "Zoe", "Amy", "Ella", "Rose", "Kate", "Nora")
BOYS = ("Tom", "Ben", "Max", "Sam", "Leo", "Jack", "Tim", "Finn", "Joe", "Dan", "Noah", "Luke")
THINGS = ("ball", "doll", "kite", "hat", "book", "car", "cup", "box", "drum", "bike", "sock", "bag", "shoe", "bell")
VOWEL_THINGS = ("apple", "egg", "orange", "umbrella", "owl", "ant", "acorn", "ice cream")
PLACES = ("park", "garden", "house", "forest", "kitchen", "school", "barn", "woods", "shop", "yard")  # all take "in"
SPOTS = ("bed", "table", "chair", "sofa", "tree", "rug", "box", "bench")
COLORS = ("red", "blue", "green", "yellow", "pink", "purple", "brown", "white")
ANIMALS = ("cat", "dog", "bird", "duck", "frog", "rabbit", "horse", "mouse", "fox", "bear")
PET_NAMES = ("Spot", "Fluffy", "Buddy", "Coco", "Sunny", "Pip", "Rex", "Bella")
LIKES = ("cats", "apples", "cake", "flowers", "trains", "birds", "cookies", "puppies", "boats", "bananas")
FEELINGS = ("happy", "sleepy", "hungry", "tired", "cold", "excited")
NUMBERS = ("zero", "one", "two", "three", "four")


def _person(name: str) -> dict[str, str]:
    girl = name in GIRLS
    return {
        "name": name,
        "sub": "she" if girl else "he",
        "obj": "her" if girl else "him",
        "pos": "her" if girl else "his",
    }


def _cap(word: str) -> str:
    return word[0].upper() + word[1:]


def _plural(thing: str) -> str:
    return thing + ("es" if thing.endswith(("s", "x", "sh", "ch")) else "s")


def _people() -> Iterator[dict[str, str]]:
    for name in GIRLS + BOYS:
        yield _person(name)


def _pairs(names: tuple[str, ...] = GIRLS + BOYS) -> Iterator[tuple[dict[str, str], dict[str, str]]]:
    for a, b in itertools.permutations(names, 2):
        yield _person(a), _person(b)


def _other(pool: tuple[str, ...], *used: str, k: int = 1, rng: random.Random) -> list[str]:
    return rng.sample([x for x in pool if x not in used], k)


# --- grammar: agreement, irregular past, articles, pronoun case, it/them -----------------------------------
def _agreement(rng: random.Random) -> Iterator[Question]:
    for p, place, feeling in itertools.product(_people(), PLACES, FEELINGS):
        yield (
            f"{p['name']} sat in the {place} all day. {_cap(p['sub'])}",
            f" was {feeling}.",
            (f" were {feeling}.", f" are {feeling}."),
        )
    for animal, place, feeling in itertools.product(ANIMALS, PLACES, FEELINGS):
        yield (
            f"The two {_plural(animal)} played in the {place}. They",
            f" were {feeling}.",
            (f" was {feeling}.", f" is {feeling}."),
        )


IRREGULAR = (("saw", "seed", "see"), ("found", "finded", "find"), ("took", "taked", "take"), ("made", "maked", "make"))
IRREGULAR += (("bought", "buyed", "buy"), ("drew", "drawed", "draw"))


def _irregular_past(rng: random.Random) -> Iterator[Question]:
    for p, place, (past, wrong, base), thing in itertools.product(_people(), PLACES, IRREGULAR, THINGS):
        yield (
            f"Yesterday, {p['name']} went to the {place} and",
            f" {past} a {thing}.",
            (f" {wrong} a {thing}.", f" {base} a {thing}."),
        )


def _articles(rng: random.Random) -> Iterator[Question]:
    for p, place in itertools.product(_people(), PLACES):
        for thing in VOWEL_THINGS:
            yield f"In the {place}, {p['name']} found", f" an {thing}.", (f" a {thing}.",)
        for thing in THINGS:
            yield f"In the {place}, {p['name']} saw", f" a {thing}.", (f" an {thing}.",)


def _object_pronoun(rng: random.Random) -> Iterator[Question]:
    for (a, b), thing in itertools.product(_pairs(), THINGS):
        right = a["obj"]
        wrong = ("she", "I") if right == "her" else ("he", "I")
        yield (
            f"{a['name']} could not reach the {thing}. {_cap(a['sub'])} asked {b['name']} to help",
            f" {right}.",
            (f" {wrong[0]}.", f" {wrong[1]}."),
        )


def _it_or_them(rng: random.Random) -> Iterator[Question]:
    for p, thing in itertools.product(_people(), THINGS):
        start = f"{p['name']} lost {p['pos']}"
        yield (
            f"{start} {thing}. {_cap(p['sub'])} looked for",
            " it everywhere.",
            (" them everywhere.", " its everywhere."),
        )
        yield (
            f"{start} {_plural(thing)}. {_cap(p['sub'])} looked for",
            " them everywhere.",
            (" it everywhere.", " they everywhere."),
        )


# --- knowledge: animal sounds, colours of things, what a need calls for ------------------------------------
SOUNDS = {"cow": "moo", "dog": "woof", "cat": "meow", "duck": "quack", "sheep": "baa", "pig": "oink", "owl": "hoot"}
SOUNDS |= {"bee": "buzz", "lion": "roar", "frog": "ribbit"}


def _animal_sounds(rng: random.Random) -> Iterator[Question]:
    for p, (animal, sound) in itertools.product(_people(), SOUNDS.items()):
        wrong = _other(tuple(SOUNDS.values()), sound, k=2, rng=rng)
        yield (
            f"{p['name']} visited the {animal}. The {animal} looked at {p['obj']} and said,",
            f' "{_cap(sound)}!"',
            tuple(f' "{_cap(w)}!"' for w in wrong),
        )


COLOR_OF = {"grass": "green", "sky": "blue", "snow": "white", "banana": "yellow", "carrot": "orange"}
COLOR_OF |= {"strawberry": "red", "chocolate": "brown", "sun": "yellow"}
NEVER = {  # colours each thing cannot be (a green banana or a grey sky can: those are left out)
    "grass": ("purple", "pink", "black"),
    "sky": ("green", "pink", "brown"),
    "snow": ("green", "black", "purple"),
    "banana": ("blue", "purple", "pink"),
    "carrot": ("blue", "purple", "pink"),
    "strawberry": ("blue", "black", "purple"),
    "chocolate": ("green", "blue", "pink"),
    "sun": ("green", "purple", "black"),
}


def _colors(rng: random.Random) -> Iterator[Question]:
    for p, (thing, color) in itertools.product(_people(), COLOR_OF.items()):
        wrong = rng.sample(NEVER[thing], 2)
        for frame in ("{name} looked at the {thing}. The {thing} was", "{name} drew the {thing} and colored it"):
            yield frame.format(name=p["name"], thing=thing), f" {color}.", tuple(f" {w}." for w in wrong)


NEEDS = (
    ("was very thirsty", "drank some water.", ("drank some sand.", "drank some mud.")),
    ("was very hungry", "ate some bread.", ("ate some rocks.", "ate some soap.")),
    ("was cold", "put on a warm coat.", ("took off {pos} coat.", "jumped into the lake.")),
    ("could not see in the dark room", "turned on the light.", ("turned off the light.", "closed {pos} eyes.")),
    ("was very tired", "went to bed.", ("went for a long run.", "drank a big cup of coffee.")),
    ("saw that it was raining", "took an umbrella.", ("took off {pos} shoes.", "put on sunglasses.")),
    ("had dirty hands", "washed them with soap.", ("rubbed them in the mud.", "put them in the sand.")),
)


def _needs(rng: random.Random) -> Iterator[Question]:
    for p, (state, right, wrong) in itertools.product(_people(), NEEDS):
        for opening in ("", "One day, "):
            name = p["name"]
            yield f"{opening}{name} {state}, so {p['sub']}", f" {right}", tuple(f" {w.format(**p)}" for w in wrong)


HOMES = {"fish": "pond", "bird": "nest", "bee": "hive", "bear": "cave", "rabbit": "hole", "cow": "barn"}
HOMES |= {"dog": "doghouse", "spider": "web"}


def _homes(rng: random.Random) -> Iterator[Question]:
    for p, (animal, home) in itertools.product(_people(), HOMES.items()):
        wrong = _other(tuple(HOMES.values()), home, k=2, rng=rng)
        yield f"{p['name']} saw a little {animal}. The {animal} lived in a", f" {home}.", tuple(f" {w}." for w in wrong)


TOOLS = {"scissors": "cut the paper", "spoon": "eat {pos} soup", "broom": "sweep the floor", "pen": "write a letter"}
TOOLS |= {"towel": "dry {pos} hands", "key": "open the door", "cup": "drink {pos} milk", "shovel": "dig a hole"}


def _tools(rng: random.Random) -> Iterator[Question]:
    for p, (tool, use) in itertools.product(_people(), TOOLS.items()):
        wrong = _other(tuple(TOOLS.values()), use, k=2, rng=rng)
        yield f"{p['name']} took the {tool} to", f" {use.format(**p)}.", tuple(f" {w.format(**p)}." for w in wrong)


SENSES = {"eyes": "see", "ears": "hear", "nose": "smell", "mouth": "eat", "legs": "run", "hands": "clap"}


def _senses(rng: random.Random) -> Iterator[Question]:
    for p, (part, verb) in itertools.product(_people(), SENSES.items()):
        wrong = _other(tuple(SENSES.values()), verb, k=2, rng=rng)
        yield f"{p['name']}'s mom said, \"We use our {part} to", f' {verb}."', tuple(f' {w}."' for w in wrong)


# --- reasoning: exclusion, counting, comparison, order, cause ----------------------------------------------
def _exclusion(rng: random.Random) -> Iterator[Question]:
    for p, (a, b) in itertools.product(_people(), itertools.permutations(THINGS, 2)):
        yield (
            f"{p['name']} wanted either a {a} or a {b}. {_cap(p['pos'])} mom did not let {p['obj']} get the {b}, "
            f"so {p['sub']} got the",
            f" {a}.",
            (f" {b}.",),
        )


def _counting(rng: random.Random) -> Iterator[Question]:
    for (a, b), thing in itertools.product(_pairs(), THINGS):
        n = rng.randint(2, 4)
        left = NUMBERS[n - 1]
        things = _plural(thing)
        right = f" {left} {thing if n - 1 == 1 else things}."
        wrong = (f" {NUMBERS[n]} {things}.", f" {NUMBERS[n + 1] if n < 4 else NUMBERS[n - 2]} {things}.")
        yield (
            f"{a['name']} had {NUMBERS[n]} {things}. {_cap(a['sub'])} gave one to {b['name']}. Now {a['name']} has",
            right,
            tuple(w for w in wrong if w != right),
        )


COMPARE = (("taller", "shorter"), ("older", "younger"), ("faster", "slower"), ("bigger", "smaller"))
COMPARE += (("stronger", "weaker"),)


def _comparison(rng: random.Random) -> Iterator[Question]:
    for (a, b), (more, less) in itertools.product(_pairs(), COMPARE):
        yield (
            f"{a['name']} is {more} than {b['name']}. So {b['name']} is",
            f" {less} than {a['name']}.",
            (f" {more} than {a['name']}.",),
        )


def _order(rng: random.Random) -> Iterator[Question]:
    for (a, b), (more, _) in itertools.product(_pairs(), COMPARE):
        (c,) = _other(GIRLS + BOYS, a["name"], b["name"], rng=rng)
        most = {"taller": "tallest", "older": "oldest", "faster": "fastest", "bigger": "biggest"}.get(more, "strongest")
        yield (
            f"{a['name']} is {more} than {b['name']}, and {b['name']} is {more} than {c}. The {most} is",
            f" {a['name']}.",
            (f" {b['name']}.", f" {c}."),
        )


def _cause(rng: random.Random) -> Iterator[Question]:
    for p, thing in itertools.product(_people(), THINGS):
        yield (
            f"{p['name']} lost {p['pos']} {thing} and felt sad. Then {p['sub']} found it under the bed, and "
            f"{p['sub']} felt",
            " happy again.",
            (" sad again.", " scared again."),
        )
        yield (
            f"{p['name']} dropped {p['pos']} {thing} in the mud. Now the {thing} was",
            " dirty.",
            (" clean.", " new."),
        )


# --- context: who has what, where things are, what was said, whose is which ---------------------------------
def _transfer(rng: random.Random) -> Iterator[Question]:
    for (a, b), thing in itertools.product(_pairs(), THINGS):
        (c,) = _other(GIRLS + BOYS, a["name"], b["name"], rng=rng)
        yield (
            f"{a['name']} gave {a['pos']} {thing} to {b['name']}. Now the {thing} belongs to",
            f" {b['name']}.",
            (f" {a['name']}.", f" {c}."),
        )


def _location(rng: random.Random) -> Iterator[Question]:
    for p, thing, spot in itertools.product(_people(), THINGS, SPOTS):
        if thing == spot:
            continue
        wrong = _other(SPOTS, spot, thing, k=2, rng=rng)
        yield (
            f"{p['name']} put the {thing} under the {spot}. Later, {p['sub']} looked for it under the",
            f" {spot}.",
            tuple(f" {w}." for w in wrong),
        )


def _said(rng: random.Random) -> Iterator[Question]:
    for (a, b), like in itertools.product(_pairs(), LIKES):
        wrong = _other(LIKES, like, k=2, rng=rng)
        yield (
            f'{a["name"]} said, "I love {like}." Later, {b["name"]} asked {a["name"]} what {a["sub"]} loved. '
            f"{a['name']} said {a['sub']} loved",
            f" {like}.",
            tuple(f" {w}." for w in wrong),
        )


def _whose(rng: random.Random) -> Iterator[Question]:
    for (a, b), thing in itertools.product(_pairs(), THINGS):
        c1, c2, c3 = rng.sample(COLORS, 3)
        yield (
            f"{a['name']} had a {c1} {thing}, and {b['name']} had a {c2} {thing}. {a['name']}'s {thing} was",
            f" {c1}.",
            (f" {c2}.", f" {c3}."),
        )


def _pet(rng: random.Random) -> Iterator[Question]:
    for p, animal, pet in itertools.product(_people(), ANIMALS, PET_NAMES):
        (other,) = _other(PET_NAMES, pet, rng=rng)
        yield f"{p['name']} has a {animal} named {pet}. Every morning, {p['name']} feeds", f" {pet}.", (f" {other}.",)


# --- consistency: what the story introduced is what returns --------------------------------------------------
def _pronoun_returns(rng: random.Random) -> Iterator[Question]:
    for p, place in itertools.product(_people(), PLACES):
        kind = "girl" if p["sub"] == "she" else "boy"
        wrong = "he" if p["sub"] == "she" else "she"
        yield (
            f"Once upon a time, there was a little {kind} named {p['name']}. Every morning,",
            f" {p['sub']} went to the {place}.",
            (f" {wrong} went to the {place}.",),
        )


def _animal_returns(rng: random.Random) -> Iterator[Question]:
    for p, animal, place in itertools.product(_people(), ANIMALS, PLACES):
        wrong = _other(ANIMALS, animal, k=2, rng=rng)
        yield (
            f"There was a {animal} who lived in the {place}. One day, {p['name']} walked into the {place} and saw the",
            f" {animal}.",
            tuple(f" {w}." for w in wrong),
        )


def _thing_returns(rng: random.Random) -> Iterator[Question]:
    for p, thing in itertools.product(_people(), THINGS):
        wrong = _other(THINGS, thing, k=2, rng=rng)
        yield (
            f"{p['name']} got a new {thing} for {p['pos']} birthday. {_cap(p['sub'])} loved it and took {p['pos']} new",
            f" {thing} everywhere.",
            tuple(f" {w} everywhere." for w in wrong),
        )


def _friend_returns(rng: random.Random) -> Iterator[Question]:
    for (a, b), thing in itertools.product(_pairs(), THINGS):
        place = rng.choice(PLACES)
        (c,) = _other(GIRLS + BOYS, a["name"], b["name"], rng=rng)
        yield (
            f"{a['name']} and {a['pos']} friend {b['name']} went to the {place}. There, {b['name']} found a {thing} "
            f"and showed it to",
            f" {a['name']}.",
            (f" {c}.",),
        )


FAMILIES: dict[str, tuple[Callable[[random.Random], Iterator[Question]], ...]] = {
    "grammar": (_agreement, _irregular_past, _articles, _object_pronoun, _it_or_them),
    "knowledge": (_animal_sounds, _colors, _needs, _homes, _tools, _senses),
    "reasoning": (_exclusion, _counting, _comparison, _order, _cause),
    "context": (_transfer, _location, _said, _whose, _pet),
    "consistency": (_pronoun_returns, _animal_returns, _thing_returns, _friend_returns),
}


def template_questions(category: str, n: int, seed: int = 0) -> list[Question]:
    """`n` questions of `category`, its families in turn, each family's enumeration shuffled with `seed`;
    prompts never repeat."""
    rng = random.Random(f"{seed}-{category}")
    pools = []
    for family in FAMILIES[category]:
        pool = list(family(random.Random(f"{seed}-{family.__name__}")))
        rng.shuffle(pool)
        pools.append(iter(pool))
    questions, seen = [], set()
    while len(questions) < n and pools:
        for pool in list(pools):
            question = next((q for q in pool if q[0] not in seen), None)
            if question is None:
                pools.remove(pool)
                continue
            seen.add(question[0])
            questions.append(question)
            if len(questions) == n:
                break
    return questions
