"""Stories written by an LLM from the paper's prompt: three random words and a set of features per story.

The draws come from the same word lists and features as the built-in generator, per story index and seed, so a
run can stop and resume: records already in the output file are kept, only missing indices are asked for, and a
story identical to one already written is dropped.

Each story is checked for its three words and for signs of its features (story_checks.py). A story that misses
one is asked for again, up to `retries` times, and the attempt with the fewest misses is kept; what it still misses
is recorded with it (`missing`) and counted in the report, so a user sees how well the endpoint followed the
prompt instead of finding out from the trained model.
"""

from __future__ import annotations

import json
import random
import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from tinystories.llm import ChatClient, LLMError
from tinystories.synth.stories import FEATURE_SHARE
from tinystories.synth.story_checks import features_without_sign, missing_words
from tinystories.synth.words import FEATURES, Vocabulary

FEATURE_PROMPTS = {
    "Dialogue": "the story should contain at least one dialogue",
    "BadEnding": "the story has a bad ending",
    "MoralValue": "the story has a moral value",
    "Twist": "something unexpected happens in the story, or there is a plot twist",
    "Foreshadowing": "the narrative uses foreshadowing or setup and payoff",
    "Conflict": "the story has some form of conflict in it",
}


def paper_prompt(verb: str, noun: str, adjective: str, features: tuple[str, ...]) -> str:
    """The TinyStories paper's generation prompt."""
    prompt = (
        "Write a short story (3-5 paragraphs) which only uses very simple words that a 3 year old child would "
        f'likely understand. The story should use the verb "{verb}", the noun "{noun}" and the adjective '
        f'"{adjective}".'
    )
    if features:
        prompt += " The story should have the following features: " + ", ".join(FEATURE_PROMPTS[f] for f in features)
        prompt += "."
    return prompt + " Remember to only use simple words!"


def draw(index: int, seed: int, vocab: Vocabulary) -> tuple[tuple[str, str, str], tuple[str, ...]]:
    rng = random.Random(f"llm:{seed}:{index}")
    words = (rng.choice(vocab.verbs).base, rng.choice(vocab.nouns), rng.choice(vocab.adjectives))
    return words, tuple(f for f in FEATURES if rng.random() < FEATURE_SHARE[f])


@dataclass
class Report:
    written: int = 0
    kept: int = 0  # already in the file from an earlier run
    duplicates: int = 0
    failed: int = 0
    asked_again: int = 0  # stories asked for more than once because an attempt missed a word or feature
    missing_words: Counter = field(default_factory=Counter)  # verb/noun/adjective -> new stories without it
    no_feature_sign: Counter = field(default_factory=Counter)  # feature -> new stories asked for it with no sign
    asked_feature: Counter = field(default_factory=Counter)  # feature -> new stories asked for it

    def misses(self) -> str:
        """One line: what the new stories still miss after their retries."""
        if not self.written:
            return "no new stories to check"
        words = ", ".join(f"{k} {v}" for k, v in self.missing_words.items() if v) or "none"
        features = ", ".join(
            f"{f} {self.no_feature_sign[f]}/{n}" for f, n in self.asked_feature.items() if self.no_feature_sign[f]
        )
        return (
            f"stories missing an asked-for word: {words}; features asked for with no sign in the story: "
            f"{features or 'none'} ({self.asked_again} stories asked for again)"
        )


def generate_with_llm(
    client: ChatClient,
    n: int,
    out: Path,
    seed: int = 0,
    concurrency: int = 8,
    vocab_fraction: float = 1.0,
    retries: int = 2,
    progress: Callable[[str], None] = lambda line: None,
) -> Report:
    """Make sure `out` (JSONL) holds stories for indices 0..n-1, asking the endpoint only for missing ones."""
    vocab = Vocabulary.with_fraction(vocab_fraction)
    verbs = {v.base: v for v in vocab.verbs}
    report = Report()
    done: set[int] = set()
    seen: set[str] = set()
    if out.exists():
        for line in out.read_text(encoding="utf-8").splitlines():
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue  # a line cut short by an interrupted run: its index is asked for again
            done.add(record["index"])
            seen.add(record["story"])
        report.kept = len(done)
    todo = [i for i in range(n) if i not in done]
    out.parent.mkdir(parents=True, exist_ok=True)
    lock = threading.Lock()

    def one(index: int) -> dict:
        words, features = draw(index, seed, vocab)
        prompt = paper_prompt(*words, features)
        best: dict | None = None
        attempts = 0
        while attempts <= retries and (best is None or best["misses"]):
            try:
                story = client.complete(prompt).strip()
            except LLMError:
                if best is None:
                    raise
                break  # a retry that fails keeps the best story so far
            attempts += 1
            missing = {
                "words": missing_words(story, verbs[words[0]], words[1], words[2]),
                "features": features_without_sign(story, features),
            }
            misses = len(missing["words"]) + len(missing["features"])
            if best is None or misses < best["misses"]:
                best = {"story": story, "missing": missing, "misses": misses}
        return {
            "index": index,
            "words": list(words),
            "features": list(features),
            "prompt": prompt,
            "story": best["story"],
            "missing": best["missing"],
            "attempts": attempts,
            "model": client.model,
        }

    with open(out, "a", encoding="utf-8") as f, ThreadPoolExecutor(max_workers=concurrency) as pool:
        futures = {pool.submit(one, i): i for i in todo}
        for future in as_completed(futures):
            try:
                record = future.result()
            except LLMError as e:
                report.failed += 1
                progress(f"story {futures[future]} failed: {e}")
                continue
            with lock:
                if record["story"] in seen:
                    report.duplicates += 1
                    continue
                seen.add(record["story"])
                f.write(json.dumps(record) + "\n")
                f.flush()  # each finished story survives an interruption
                report.written += 1
                report.asked_again += record["attempts"] > 1
                for kind, word in zip(("verb", "noun", "adjective"), record["words"], strict=True):
                    report.missing_words[kind] += word in record["missing"]["words"]
                report.asked_feature.update(record["features"])
                report.no_feature_sign.update(record["missing"]["features"])
    return report
