"""The built-in story generator: the recipe, its consistency, its quality figures, and its command line."""

import json
import math
import random
import re
import statistics
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from conftest import generate_stories
from tinystories.released_txt import read_stories
from tinystories.synth import StoryGenerator
from tinystories.synth.everyday import activity
from tinystories.synth.instruct import instruct_record, instruct_text
from tinystories.synth.knowledge import COLOR_OF, HOMES
from tinystories.synth.narration import aside
from tinystories.synth.stats import corpus_stats
from tinystories.synth.stories import SCHEMAS
from tinystories.synth.teller import Character, Teller, contract, join_sentences, pronouns_for_names, reword, vary
from tinystories.synth.words import ANIMAL_SOUNDS, BOY_NAMES, FEATURES, GIRL_NAMES, VERBS, Vocabulary
from tinystories.text_stats import distinct_n

N = 5_000


@pytest.fixture(scope="module")
def corpus():
    return list(StoryGenerator().stories(N, seed=0))


def test_word_lists_are_large_enough() -> None:
    v = Vocabulary.with_fraction(1.0)
    assert len(set(v.nouns)) >= 300 and len({x.base for x in v.verbs}) >= 150 and len(set(v.adjectives)) >= 100
    assert len(set(v.girls + v.boys)) >= 60 and v.places and v.animals and v.toys and v.foods
    verbs = {x.base: x for x in v.verbs}
    assert (verbs["run"].past, verbs["run"].ing) == ("ran", "running")
    assert (verbs["carry"].ing, verbs["dance"].ing, verbs["carry"].past) == ("carrying", "dancing", "carried")
    assert (verbs["hug"].ing, verbs["fold"].ing, verbs["stomp"].ing) == ("hugging", "folding", "stomping")
    assert FEATURES == ("Dialogue", "BadEnding", "MoralValue", "Twist", "Foreshadowing", "Conflict")


def test_choices_and_rewording() -> None:
    rng = random.Random(0)
    made = {vary(rng, "They [ran|walked [fast|slowly]] home.") for _ in range(200)}
    assert made == {"They ran home.", "They walked fast home.", "They walked slowly home."}
    reworded = {reword(rng, "It was a big day. Then Tom saw a big dog.") for _ in range(300)}
    assert all(r.startswith("It was a big day.") for r in reworded)  # "a big day" is a phrase, kept
    assert any("a huge dog" in r for r in reworded) and any("After that, Tom" in r for r in reworded)
    assert {reword(rng, "Tom saw a big dog.", frozenset({"big"})) for _ in range(50)} >= {"Tom saw a big dog."}
    assert all("big dog" in reword(rng, "Tom saw a big dog.", frozenset({"big"})) for _ in range(50))
    dogs = [reword(rng, "Tom saw a big dog.") for _ in range(1000)]
    assert 0.6 < sum("a big dog" in d for d in dogs) / len(dogs) < 0.8  # the plain word stays most of the time
    assert [activity("feed the ducks", f) for f in ("base", "past", "ing")] == [
        "feed the ducks",
        "fed the ducks",
        "feeding the ducks",
    ]


def test_contractions() -> None:
    rng = random.Random(0)
    long = "You will not win. Here it is. I am not sad. It is cold. Tom did not go. We cannot stay. Let us go."
    assert (
        contract(rng, long, share=1.0)
        == "You won't win. Here it is. I'm not sad. It's cold. Tom didn't go. We can't stay. Let's go."
    )
    assert (
        contract(rng, "The cat is not here. This is it. His notes.", share=1.0)
        == "The cat isn't here. This is it. His notes."
    )
    assert contract(rng, long, share=0.0) == long


def test_corpus_speaks_with_contractions_where_english_allows_them(corpus) -> None:
    text = "\n".join(s.text for s in corpus)
    assert text.count("didn't") > text.count("did not") > 0  # both forms, mostly the short one
    assert "I'm" in text and "Let's" in text and "can't" in text
    assert not re.search(r"\b(?:[Ii]t|[Tt]hat|[Tt]here|[Hh]e|[Ss]he)'s[.!?,]|\b[Yy]ou'll not\b", text)


def test_joined_sentences_and_spoken_pronouns_keep_who_is_who(corpus) -> None:
    rng = random.Random(0)
    joined = {join_sentences(rng, 'Tom ran. He fell. "Hi!" They ran. Ben fell? He cried.') for _ in range(300)}
    assert 'Tom ran, and he fell. "Hi!" They ran. Ben fell? He cried.' in joined
    assert all('"Hi!" They' in j and "fell? He" in j for j in joined)  # never after a quote or a question
    said = 0
    for s in corpus:
        for m in re.finditer(r'[!?,]" (she|he) \w+\.|(?:^|[.!?] )(She|He) \w+, "', s.text, re.M):
            said += 1
            gender = "f" if (m.group(1) or m.group(2)).lower() == "she" else "m"
            so_far = s.text[: m.start()]
            met = [name for name, g in s.characters.items() if g == gender and name.capitalize() in so_far]
            assert len(met) <= 1, (met, so_far)  # never two people the pronoun could mean
    assert said > 100


def test_a_character_in_view_becomes_a_pronoun_only_where_it_can_mean_no_one_else() -> None:
    tom, mia, dog = Character("Tom", "m", "boy"), Character("Mia", "f", "girl"), Character("the dog", "n", "dog")
    rng = random.Random(0)
    told = "Tom sat down. Tom smiled. Tom's hat fell. Tom and the dog ran. Tom and the dog laughed. Mia came."
    assert (
        pronouns_for_names(rng, told, [tom, mia, dog], share=1.0)
        == "Tom sat down. He smiled. His hat fell. Tom and the dog ran. They laughed. Mia came."
    )
    kept = [
        'Mia said, "Tom ran. Tom fell." Tom cried.',  # inside a quote; then the previous sentence is the quote's
        "Tom sat.\nTom smiled.",  # a new paragraph names him again
        "Mia sat. Tom smiled.",  # the paragraph has not named him yet
        "Tom sat. Tom and Mia ran.",  # "he and Mia" is not how it is said
    ]
    for text in kept:
        assert pronouns_for_names(rng, text, [tom, mia, dog], share=1.0) == text, text
    assert (  # named earlier in the paragraph is enough: he is still the only boy in view
        pronouns_for_names(rng, "Tom sat. Mia came. Tom smiled.", [tom, mia], share=1.0)
        == "Tom sat. Mia came. He smiled."
    )
    ben = Character("Ben", "m", "boy")  # a second boy: "he" could mean either
    assert pronouns_for_names(rng, "Tom sat. Tom smiled.", [tom, ben], share=1.0) == "Tom sat. Tom smiled."
    assert pronouns_for_names(rng, "Tom sat. Tom smiled.", [tom], share=0.0) == "Tom sat. Tom smiled."


def test_free_narration_varies_and_keeps_who_is_who() -> None:
    mia, tom = Character("Mia", "f", "girl"), Character("Tom", "m", "boy")
    lines = []
    for i in range(400):
        t = Teller(random.Random(i), Vocabulary.with_fraction(1.0), (), VERBS[0], "ball", "red", characters=[mia, tom])
        aside(t, mia, tom)
        lines.append(t.paragraphs[-1][-1])
    assert len(set(lines)) > 350  # parts drawn apart: two stories rarely share such a sentence
    for line in lines:
        if line.startswith(("They ", "Mia and Tom ")) or ", they " in line:
            assert not re.search(r"\b(his|her|him)\b", line), line  # two doers: "their", "them"
        else:
            assert not re.search(r"\b(his|him|he)\b", line), line  # Mia's shoes are "her shoes"
    assert any(" because " in line for line in lines) and any(" and Tom " in line for line in lines)


def test_everyday_knowledge_is_told_right(corpus) -> None:
    """What an animal says, where it lives and what colour a thing is come out the same every time they are told,
    so a model can learn them (and the knowledge probes can ask them)."""
    told = {"sound": 0, "home": 0, "color": 0}
    sounds = {sound.split()[0].lower() for sound, _ in ANIMAL_SOUNDS.values()}
    for s in corpus:
        for m in re.finditer(r"[Tt]he (\w+) (?:said|went|says),? \"?(\w+)", s.text):
            animal, sound = m.groups()
            if animal in ANIMAL_SOUNDS and sound.lower() in sounds:  # a talking animal may say "yes"
                told["sound"] += 1
                assert sound.lower() == ANIMAL_SOUNDS[animal][0].split()[0].lower(), m.group(0)
        for m in re.finditer(r"(?:an?|[Tt]he) (\w+)\. It lived in an? (\w+)\.", s.text):
            if m.group(1) in HOMES:
                told["home"] += 1
                assert HOMES[m.group(1)] == m.group(2), m.group(0)
        for m in re.finditer(
            r"\b(?:colored )?the (\w+)(?: was| is|) (red|blue|green|yellow|orange|white|brown)\b", s.text
        ):
            if m.group(1) in COLOR_OF:
                told["color"] += 1
                assert COLOR_OF[m.group(1)] == m.group(2), m.group(0)
    assert min(told.values()) > 50, told


def test_same_seed_same_bytes_other_seed_other_stories() -> None:
    a = "".join(generate_stories(300, seed=5))
    assert a == "".join(generate_stories(300, seed=5))
    assert a != "".join(generate_stories(300, seed=6))
    assert not set(generate_stories(300, seed=5)) & set(generate_stories(300, seed=5, stream="val"))


def test_corpus_quality(corpus) -> None:
    texts = [s.text for s in corpus]
    assert len(set(texts)) == N  # no two identical stories
    for t in texts:
        assert not re.search(r"[{}\[\]|]|  | ,| \.|\.\.|\bNone\b", t), t  # no unfilled slot or choice, doubled space
    stats = corpus_stats(texts)
    assert 60 <= stats["words_min"] and stats["words_max"] <= 450
    assert 130 <= stats["words_median"] <= 220
    assert stats["distinct_words"] >= 1500


def test_drawn_words_appear(corpus) -> None:
    vocab = Vocabulary.with_fraction(1.0)
    forms = {v.base: {v.base, v.past, v.ing} for v in vocab.verbs}
    for s in corpus[:2000]:
        verb, noun, adjective = s.words
        lower = s.text.lower()
        assert any(re.search(rf"\b{f}\b", lower) for f in forms[verb]), (verb, s.text)
        assert noun in lower and re.search(rf"\b{adjective}\b", lower), (noun, adjective, s.text)


def test_each_feature_is_realised_in_its_stories(corpus) -> None:
    for f in FEATURES:
        asked = [s for s in corpus if f in s.features]
        assert 0.1 * N < len(asked) < 0.6 * N
        assert all(f in s.markers for s in asked), f
        assert not any(f in s.markers for s in corpus if f not in s.features), f
    for s in corpus:
        assert ('"' in s.text) == ("Dialogue" in s.features)  # quotes only in Dialogue stories
        if "Foreshadowing" in s.features:
            assert {"foreshadow_hint", "foreshadow_payoff"} <= s.markers


def test_characters_keep_gender_and_pronouns(corpus) -> None:
    possessive, reflexive = {"f": "her", "m": "his"}, {"f": "herself", "m": "himself"}
    vocab = Vocabulary.with_fraction(1.0)
    owned = {w for x in vocab.things for w in x.split()} | set(vocab.adjectives) | {"knee", "hand", "pocket", "feet"}
    checked = 0
    for s in corpus[:3000]:
        for name, gender in s.characters.items():
            if name in GIRL_NAMES or name in BOY_NAMES:
                assert gender == ("f" if name in GIRL_NAMES else "m")
        for sentence in s.sentences():
            subject = sentence.split()[0].strip(",")
            gender = s.characters.get(subject)
            others = [n for n in s.characters if n != subject and n.split()[-1] in sentence]
            other_pronoun = {"f": r"\b[Hh]e\b", "m": r"\b[Ss]he\b"}.get(gender or "")  # "Sue needed help, and he..."
            if gender not in ("f", "m") or others or re.search(other_pronoun, sentence) or " told " in sentence:
                continue
            words = re.findall(r"[a-z']+", sentence.lower())
            for w, nxt in zip(words, words[1:] + [""], strict=True):
                if w in ("his", "her") and nxt in owned:
                    checked += 1
                    assert w == possessive[gender], sentence  # "Lily held her kite", never "his kite"
                if w in ("himself", "herself"):
                    checked += 1
                    assert w == reflexive[gender], sentence
    assert checked > 500


def test_a_few_names_come_back_often_and_the_rest_rarely(corpus) -> None:
    heroes = Counter(name for s in corpus for name in s.characters if name in GIRL_NAMES or name in BOY_NAMES)
    stories = len(corpus)
    assert heroes[GIRL_NAMES[0]] > 0.1 * stories and heroes[BOY_NAMES[0]] > 0.1 * stories
    assert heroes[GIRL_NAMES[0]] > 5 * heroes[GIRL_NAMES[60]] > 0 and len(heroes) > 200


def test_gifts_change_hands_and_exclusion_picks_something_else(corpus) -> None:
    gifts = exclusions = 0
    for s in corpus:
        for event in s.events:
            if event[0] == "gave":
                _, giver, receiver, thing = event
                gifts += 1
                assert re.search(rf"Now {receiver} had the {thing}, and {giver} did(?: not|n't)\.", s.text)
            elif event[0] == "instead":
                _, wanted, chosen = event
                exclusions += 1
                assert wanted != chosen
    assert gifts > 200 and exclusions > 500


def test_breadth_knob() -> None:
    narrow = [s.text for s in StoryGenerator(vocab_fraction=0.25).stories(2000, seed=0)]
    wide = [s.text for s in StoryGenerator(vocab_fraction=1.0).stories(2000, seed=0)]
    assert corpus_stats(narrow)["distinct_words"] < 0.7 * corpus_stats(wide)["distinct_words"]
    few = {s.schema for s in StoryGenerator(schema_fraction=0.25).stories(500, seed=0)}
    assert len(few) == math.ceil(0.25 * len(SCHEMAS)) < len(SCHEMAS)
    with pytest.raises(ValueError, match="vocab_fraction=0 must be in"):
        StoryGenerator(vocab_fraction=0)


def test_instruct_records(corpus) -> None:
    import random

    record = instruct_record(corpus[0], random.Random(0))
    assert record["words"] == list(corpus[0].words) and record["story"] == corpus[0].text
    assert record["random_sentence"] in corpus[0].text and record["summary"]
    text = instruct_text(record)
    assert re.match(r"(Features: .*\n)?Words: .*\nSummary: .*\nRandom sentence: .*\nStory: \n", text)


def test_diversity_against_the_real_sample(corpus, shared_sample: Path) -> None:
    real = list(read_stories(shared_sample))
    k = min(1000, len(real))
    ours = distinct_n([s.text for s in corpus[:k]], 4)
    theirs = distinct_n(real[:k], 4)
    assert ours >= 0.7 * theirs, (ours, theirs)
    real_median = statistics.median(len(s.split()) for s in real)
    assert abs(corpus_stats([s.text for s in corpus])["words_median"] - real_median) < 60


def synth(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tinystories.synth", *args], capture_output=True, text=True)


def test_cli_writes_the_three_formats(tmp_path: Path) -> None:
    assert synth("n=30", "seed=1", f"out={tmp_path / 's.txt'}").returncode == 0
    stories = list(read_stories(tmp_path / "s.txt"))
    assert stories == list(generate_stories(30, seed=1))

    assert synth("n=5", "format=jsonl", f"out={tmp_path / 's.jsonl'}").returncode == 0
    records = [json.loads(line) for line in (tmp_path / "s.jsonl").read_text().splitlines()]
    assert len(records) == 5
    assert set(records[0]) == {"story", "words", "features", "summary", "random_sentence", "schema"}

    proc = synth("n=3", "format=instruct")
    assert proc.returncode == 0 and proc.stdout.count("Random sentence: ") == 3 and "<|endoftext|>" in proc.stdout
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary files left


def test_cli_stats_and_bad_input() -> None:
    proc = synth("n=300", "stats=true")
    assert proc.returncode == 0 and "distinct_4grams" in proc.stdout and "Foreshadowing" in proc.stdout
    bad = synth("vocab_fraction=1.5")
    assert bad.returncode == 2 and "vocab_fraction=1.5 must be in (0, 1]" in bad.stderr
