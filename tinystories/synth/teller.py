"""The storyteller's state while one story is rendered: who is in it, who holds what, which features are asked
for, and what has been realised. Story schemas (`schemas.py`) write through it, so that a character keeps its
pronouns, an object given away changes hands, and every feature leaves a marker the tests can check.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

from tinystories.synth.words import SYNONYMS, Verb, Vocabulary, article

SPEECH_VERBS = ["said", "said", "said", "said", "shouted", "whispered", "cried", "called", "replied", "laughed"]
PRONOUNS = {
    "f": ("she", "her", "her", "herself"),
    "m": ("he", "him", "his", "himself"),
    "n": ("it", "it", "its", "itself"),
}


_CHOICE = re.compile(r"\[([^\[\]]*)\]")
_LEADING_WORD = re.compile(r"^\\b\(([\w ,]+)\)")
_LEADING_CHOICE = re.compile(r"^\\b\(\?:([\w|]+)\) \((\w+)\)")


def _literal_first(pattern: str) -> str:
    """`\\b(little) ...` as `(little)(?<=\\blittle) ...`, and `\\b(?:was|felt) (sad)` as `(sad)(?:(?<=\\bwas sad)|...)`:
    the same matches, but a pattern that starts with a literal lets the regex engine jump from one occurrence to
    the next instead of trying every position (~15x faster)."""
    pattern = _LEADING_WORD.sub(lambda m: f"({m.group(1)})(?<=\\b{m.group(1)})", pattern)

    def after(m: re.Match) -> str:
        word = m.group(2)
        return f"({word})(?:" + "|".join(f"(?<=\\b{w} {word})" for w in m.group(1).split("|")) + ")"

    return _LEADING_CHOICE.sub(after, pattern)


_SYNONYMS = [(ways[0].strip(" ,"), re.compile(_literal_first(pattern), re.M), ways) for pattern, ways in SYNONYMS]


PLAIN_SHARE = 0.7  # how often a common word stays as it is: stories for small children say "big" far more than "huge"


def reword(rng: random.Random, text: str, keep: frozenset[str] = frozenset()) -> str:
    """Some common words and phrases said another way (`SYNONYMS`), apart from the words in `keep` (a story's
    drawn words, which must appear as drawn). The plain word stays most of the time (`PLAIN_SHARE`): a model
    trained on text that spreads "big" evenly over four words expects "big" too rarely in real stories."""
    for plain, pattern, ways in _SYNONYMS:
        if plain not in text:  # most patterns have nothing to match: skip the scan
            continue

        def swap(m: re.Match, ways: list[str] = ways) -> str:
            word = m.group(1)
            if word.strip(" ,") in keep:
                return m.group(0)
            new = ways[0] if rng.random() < PLAIN_SHARE else rng.choice(ways[1:])
            if word.endswith(", ") and not new.endswith(" "):
                new += ", "
            elif word.endswith(" ") and not new.endswith(" "):
                new += " "
            return m.group(0).replace(word, new, 1)

        text = pattern.sub(swap, text)
    return text


_SHORTENED = re.compile(r" (not|am|is|are|will|us)\b")  # found first, then the word before is looked at: fast
_HEADS = {
    "not": set("did do does could would should was were is are had has have can will".split()),
    "am": {"i"},
    "is": {"it", "that", "there", "he", "she"},
    "are": {"you", "we", "they"},
    "will": {"i", "you", "we"},
    "us": {"let"},
}
_SUFFIX = {"not": "n't", "am": "'m", "is": "'s", "are": "'re", "will": "'ll", "us": "'s"}
_IRREGULAR = {"will not": "won't", "can not": "can't"}
_CANNOT = re.compile(r"\b([Cc])annot\b")


def contract(rng: random.Random, text: str, share: float = 0.75) -> str:
    """About `share` of "did not", "I am", "it is" and the like written as "didn't", "I'm", "it's": how children's
    stories are written, in speech and in telling, and a form a model trained only on the long one has never seen.
    A pronoun's verb is shortened only before a word ("it's cold", never "here it's.")."""
    if "annot" in text:
        text = _CANNOT.sub(lambda m: m.group(1) + "an't" if rng.random() < share else m.group(0), text)
    out, done = [], 0
    for m in _SHORTENED.finditer(text):
        tail, start = m.group(1), m.start()
        while start > 0 and text[start - 1].isalpha():
            start -= 1
        head = text[start : m.start()]
        if start < done or head.lower() not in _HEADS[tail] or (start > 0 and text[start - 1] == "'"):
            continue
        before_word = text[m.end() : m.end() + 1] == " " and text[m.end() + 1 : m.end() + 2].islower()
        if tail != "not" and (not before_word or (tail != "am" and text.startswith(" not", m.end()))):  # "you won't"
            continue
        if rng.random() >= share:
            continue
        short = _IRREGULAR.get(f"{head.lower()} {tail}") or head + _SUFFIX[tail]
        out += [text[done:start], short[0].upper() + short[1:] if head[0].isupper() else short]
        done = m.end()
    return "".join(out) + text[done:] if out else text


_NEXT = re.compile(r"\. (She|He|They) (?=[a-z])")  # starts with a literal: fast to scan for
_JOIN_SHARE = {"She": 0.08, "He": 0.08, "They": 0.2}


def join_sentences(rng: random.Random, text: str) -> str:
    """Some short sentences joined as a storyteller joins them: "Tom found the ball, and he smiled." Only after a
    plain sentence, not a quote, question or exclamation; the pronoun is kept, so who it means does not change."""

    def join(m: re.Match) -> str:
        if not text[m.start() - 1].islower() or rng.random() >= _JOIN_SHARE[m.group(1)]:
            return m.group(0)
        return f", and {m.group(1).lower()} "

    return _NEXT.sub(join, text)


_SENTENCE_START = re.compile(r"[.!?] ([A-Z][a-z]+)")  # a literal class first: one fast scan of the text
_LEAD = re.compile(r"([A-Z][a-z]+)('s)? ([a-z]+)")


def pronouns_for_names(rng: random.Random, text: str, characters: list[Character], share: float = 0.6) -> str:
    """A character named again at the start of the next sentence is often "she", "he" or "they" instead ("Tom
    sat down. He smiled."; "Tom and the dog ran. They laughed."), as storytellers write once a character is in
    view. Only outside quotes, when the paragraph has named the same characters already, and for a pronoun that
    can mean no one else in the story (the only girl or woman for "she")."""
    first_words = {c.Name.split(" ")[0] for c in characters}
    alone = {c.name: c for c in characters if c.gender in "fm" and sum(d.gender == c.gender for d in characters) == 1}
    pairs = [(f"{a.Name} and {b.name} ", a.name, b.name) for a in characters for b in characters if a is not b]
    out, done = [], 0
    for m in _SENTENCE_START.finditer(text):
        if m.group(1) not in first_words:
            continue
        start = m.start(1)
        named, pronoun, length = _pronoun_for(text[start : start + 60], alone, pairs)
        if not named:
            continue
        paragraph = text.rfind("\n", 0, start) + 1
        if text.count('"', paragraph, start) % 2:  # inside a quote
            continue
        before = text[paragraph:start]
        if all(name in before for name in named) and rng.random() < share:
            out += [text[done:start], pronoun]
            done = start + length
    return "".join(out) + text[done:] if out else text


def _pronoun_for(head: str, alone: dict[str, Character], pairs: list) -> tuple[tuple[str, ...], str, int]:
    """For a sentence that starts with `head`: the names the paragraph must have said before, the pronoun, and how many
    characters of `head` it replaces; no names if the sentence does not start with a character as its subject."""
    for lead, a, b in pairs:
        if head.startswith(lead):
            return ((a, b), "They", len(lead) - 1) if head[len(lead) : len(lead) + 1].islower() else ((), "", 0)
    m = _LEAD.match(head)
    if not m or m.group(1) not in alone or m.group(3) in ("and", "or"):
        return (), "", 0
    who = alone[m.group(1)]
    return (m.group(1),), who.His if m.group(2) else who.He, m.end(2) if m.group(2) else m.end(1)


def vary(rng: random.Random, text: str) -> str:
    """Expand each `[a|b|c]` in `text` to one of its options (innermost first, so options may nest): how a
    sentence is written in many ways at once, which is what keeps a corpus of templates from repeating itself."""
    while "[" in text:
        text = _CHOICE.sub(lambda m: rng.choice(m.group(1).split("|")), text)
    return " ".join(text.split())


@dataclass
class Character:
    name: str  # "Lily", or "the cat" for an unnamed animal
    gender: str  # "f", "m" or "n"
    kind: str  # girl, boy, mom, cat, ...

    @property
    def he(self) -> str:
        return PRONOUNS[self.gender][0]

    @property
    def him(self) -> str:
        return PRONOUNS[self.gender][1]

    @property
    def his(self) -> str:
        return PRONOUNS[self.gender][2]

    @property
    def himself(self) -> str:
        return PRONOUNS[self.gender][3]

    @property
    def He(self) -> str:
        return self.he.capitalize()

    @property
    def His(self) -> str:
        return self.his.capitalize()

    @property
    def Name(self) -> str:
        return self.name[0].upper() + self.name[1:]


@dataclass
class Teller:
    rng: random.Random
    vocab: Vocabulary
    features: tuple[str, ...]
    verb: Verb
    noun: str
    adjective: str
    paragraphs: list[list[str]] = field(default_factory=lambda: [[]])
    markers: set[str] = field(default_factory=set)
    holds: dict[str, set[str]] = field(default_factory=dict)
    characters: list[Character] = field(default_factory=list)
    summary: str = ""
    verb_object: str | None = None  # the plural object the drawn verb takes, chosen once per story
    events: list[tuple] = field(default_factory=list)  # ("gave", giver, receiver, thing), ("instead", want, got)

    @property
    def keep(self) -> frozenset[str]:
        """The drawn words, which `reword` leaves as they are."""
        return frozenset((self.verb.base, self.verb.past, self.verb.ing, self.noun, self.adjective))

    # --- choosing -----------------------------------------------------------------------------------------------
    def pick(self, options: list):
        return self.rng.choice(options)

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def has(self, feature: str) -> bool:
        return feature in self.features

    def other(self, options: list, *exclude):
        """A choice different from everything in `exclude` (the exclusion the paper probes). A few draws first,
        which nearly always succeed on long lists; the filtered list only when they do not."""
        for _ in range(4):
            choice = self.rng.choice(options)
            if choice not in exclude:
                return choice
        rest = [o for o in options if o not in exclude]
        return self.pick(rest or options)

    def thing(self, *exclude: str) -> str:
        return self.other(self.vocab.things, *exclude)

    def thing_adj(self, *exclude: str) -> str:
        return self.other(self.vocab.thing_adjectives, *exclude)

    def name(self, gender: str, taken: set[str]) -> str:
        """A name no one in the story has, common names far more often than rare ones (`words.name_weights`)."""
        names, weights = (
            (self.vocab.girls, self.vocab.girl_weights) if gender == "f" else (self.vocab.boys, self.vocab.boy_weights)
        )
        for _ in range(8):
            name = self.rng.choices(names, cum_weights=weights)[0]
            if name not in taken:
                return name
        return self.other(names, *taken)

    def person(self, gender: str | None = None, *, kind: str | None = None) -> Character:
        taken = {c.name for c in self.characters}
        gender = gender or self.pick("fm")
        name = self.name(gender, taken)
        c = Character(name, gender, kind or ("girl" if gender == "f" else "boy"))
        self.characters.append(c)
        return c

    def animal(self, kind: str | None = None, named: bool | None = None) -> Character:
        kind = kind or self.pick(self.vocab.animals)
        gender = self.pick("fm")
        if named if named is not None else self.chance(0.5):
            name = self.name(gender, {c.name for c in self.characters})
        else:
            name, gender = f"the {kind}", "n"
        c = Character(name, gender, kind)
        self.characters.append(c)
        return c

    def parent(self) -> Character:
        mom = self.chance(0.75)
        name = ("Mom" if mom else "Dad") if self.chance(0.6) else ("Mommy" if mom else "Daddy")
        c = Character(name, "f" if mom else "m", "mom" if mom else "dad")
        self.characters.append(c)
        return c

    # --- what is held -------------------------------------------------------------------------------------------
    def give(self, who: Character, thing: str) -> None:
        self.holds.setdefault(who.name, set()).add(thing)

    def take_from(self, who: Character, thing: str) -> None:
        self.holds.get(who.name, set()).discard(thing)

    def hand_over(self, giver: Character, receiver: Character, thing: str) -> None:
        self.take_from(giver, thing)
        self.give(receiver, thing)
        self.markers.add("gave_away")
        self.events.append(("gave", giver.name, receiver.name, thing))

    def instead(self, wanted: str, chosen: str) -> None:
        """Record a choice made because the wanted thing could not be had (the exclusion the paper probes)."""
        self.markers.add("exclusion")
        self.events.append(("instead", wanted, chosen))

    # --- writing ------------------------------------------------------------------------------------------------
    def add(self, *sentences: str) -> None:
        """Sentences to the story, each `[a|b]` choice in them made (`vary`)."""
        self.paragraphs[-1].extend(vary(self.rng, s) for s in sentences if s)

    def new_paragraph(self) -> None:
        if self.paragraphs[-1]:
            self.paragraphs.append([])

    def say(self, who: Character, quote: str, reported: str, how: str | None = None) -> None:
        """A quoted line when the story has Dialogue, else the same thing told (stories without it have no
        quotes at all)."""
        if not self.has("Dialogue"):
            self.add(reported)
            return
        self.markers.add("Dialogue")
        quote = vary(self.rng, quote)
        how = how or ("asked" if quote.endswith("?") else self.pick(SPEECH_VERBS))
        lead_in = quote[:-1] + "," if quote.endswith(".") else quote  # "We can share," said Tom.
        form = self.rng.randrange(3)
        pronoun = self.unambiguous(who) and self.chance(0.5)  # "Let's go," she said.
        if form == 0:
            self.add(f'{who.He if pronoun and self.chance(0.5) else who.Name} {how}, "{quote}"')
        elif form == 1:
            self.add(f'"{lead_in}" {who.he if pronoun else who.name} {how}.')
        else:
            self.add(f'"{lead_in}" {how} {who.name}.')

    def unambiguous(self, who: Character) -> bool:
        """Whether "she" or "he" can only mean `who`: `who` has been named, and no one else in the story so far
        has the same pronoun."""
        if who.gender == "n" or any(c.gender == who.gender and c is not who for c in self.characters):
            return False
        return any(who.name in line or who.Name in line for lines in self.paragraphs for line in lines)

    def a(self, word: str) -> str:
        return f"{article(word)} {word}"

    def text(self) -> str:
        return "\n".join(" ".join(p) for p in self.paragraphs if p)

    def finished_text(self) -> str:
        """The story as told: a character in view often called "she" or "they" (`pronouns_for_names`), its common
        words said in varied ways (`reword`, once over the whole text), some short sentences joined
        (`join_sentences`) and its "did not" and "I am" often shortened (`contract`)."""
        told = pronouns_for_names(self.rng, self.text(), self.characters)
        return contract(self.rng, join_sentences(self.rng, reword(self.rng, told, self.keep)))
