"""Whether a story written by an LLM did what its prompt asked: used its three words and shows its features.

Small local models often leave a word out or ignore a feature; a corpus that claims "each story uses its words"
must check it. Words are checked exactly, in any of their forms (the verb's -s, past and -ing forms, the noun's
plural). Features are checked by signs in the text: quoted speech for Dialogue, cue words for the others (a moral
is usually "learned", a twist comes "suddenly" or "to her surprise"). A sign is evidence, not proof, so a feature
without one is reported as "no sign of", and a story with a sign may still lack the feature.
"""

from __future__ import annotations

import re

from tinystories.synth.words import Verb, plural

FEATURE_SIGNS = {
    "Dialogue": r"[\"“”]\s*\w[^\"“”]{0,400}[\"“”]",
    "BadEnding": (
        r"\b(sad(ly|ness)?|cr(y|ied|ying)|tears?|lost|broke(n)?|never (again|came back|saw|found)|too late|"
        r"gone|died|alone|ruined|unhappy|no longer)\b"
    ),
    "MoralValue": (
        r"\b(learn(ed|t|s)?|lesson|moral|important to|should (always|never)|always remember|from that day|"
        r"the right thing|kind(ness)?|shar(e|ing)|honest|sorry)\b"
    ),
    "Twist": (
        r"\b(sudden(ly)?|surpris(e|ed|ing)|unexpected(ly)?|turned out|to (his|her|their|everyone's) surprise|"
        r"but then|could not believe|couldn't believe|instead|it was not|it wasn't)\b"
    ),
    "Foreshadowing": (
        r"\b(remember(ed)?|later|little did|did not know|didn't know|would soon|"
        r"noticed|strange|something (was|would)|before long|warned|just in case)\b"
    ),
    "Conflict": (
        r"\b(argu(e|ed|ing)|fight|fought|angry|mad|yell(ed)?|shout(ed)?|problem|trouble|wanted the same|"
        r"refused|did not want|didn't want|would not|wouldn't|grabbed|mine)\b"
    ),
}


def verb_forms(verb: Verb) -> set[str]:
    b = verb.base
    third = b[:-1] + "ies" if b.endswith("y") and b[-2:-1] not in "aeiou" else b + "s"
    if b.endswith(("s", "sh", "ch", "x", "z", "o")):
        third = b + "es"
    return {b, third, verb.past, verb.ing}


def has_any(text: str, forms: set[str]) -> bool:
    return any(re.search(rf"(?<![\w-]){re.escape(f)}(?![\w-])", text, flags=re.IGNORECASE) for f in forms)


def missing_words(story: str, verb: Verb, noun: str, adjective: str) -> list[str]:
    """The asked-for words the story never uses, in any of their forms."""
    wanted = {verb.base: verb_forms(verb), noun: {noun, plural(noun)}, adjective: {adjective}}
    return [word for word, forms in wanted.items() if not has_any(story, forms)]


def features_without_sign(story: str, features: tuple[str, ...] | list[str]) -> list[str]:
    return [f for f in features if not re.search(FEATURE_SIGNS[f], story, flags=re.IGNORECASE)]
