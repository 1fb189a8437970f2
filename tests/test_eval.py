"""The probe suite and story quality: probe files are valid, the likelihood scorer picks what a model has learned
and counts right, and the quality figures are exact on fixed text."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from tinystories.errors import ConfigError
from tinystories.eval.probes import Probe, candidate_logprobs, load_probes, score_probes, wilson_interval
from tinystories.eval.quality import story_quality
from tinystories.model import ModelConfig, Transformer

SENTENCES = ["Tom has a red ball.", "Sue has a blue kite.", "The cat sat on the mat.", "The dog ran to the park."]


class Chars:
    """A character-level tokenizer (the interface the scorer uses: encode, decode, eot_id)."""

    eot_id = 0

    def encode(self, text: str) -> list[int]:
        return [ord(c) for c in text]

    def decode(self, ids: list[int]) -> str:
        return "".join(chr(i) for i in ids if i)


@pytest.fixture(scope="module")
def overfit() -> Transformer:
    """A tiny model trained until it knows four sentences by heart."""
    torch.manual_seed(0)
    model = Transformer(ModelConfig(family="llama", d_model=48, n_layer=2, n_head=4, max_seq_len=64, vocab_size=128))
    rows = [[0, *Chars().encode(s), 0] for s in SENTENCES]
    width = max(len(r) for r in rows)
    batch = torch.tensor([r + [0] * (width - len(r)) for r in rows])
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-2)
    for _ in range(300):
        logits = model(batch[:, :-1])
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, logits.size(-1)), batch[:, 1:].reshape(-1))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    assert loss.item() < 0.2
    return model.eval()


def test_the_probe_suite_has_the_power_to_tell_sizes_apart() -> None:
    probes = load_probes()
    categories = ("grammar", "knowledge", "reasoning", "context", "consistency")
    assert {p.category for p in probes} == set(categories)
    for category in categories:
        mine = [p for p in probes if p.category == category]
        assert len(mine) >= 200 and len({p.prompt for p in mine}) == len(mine)
        low, high = wilson_interval(len(mine) // 2, len(mine))
        assert high - low <= 0.14, category  # +-7 points where an interval is widest
        for p in mine:
            assert p.answer not in p.distractors and len(set(p.distractors)) == len(p.distractors) >= 1
            assert all(c.startswith(" ") and c.strip() for c in p.candidates)  # a continuation, after a space
    assert load_probes() == probes  # the same suite on every call and machine


def test_the_quick_subset_is_part_of_the_full_suite_and_mixes_its_families() -> None:
    quick, full = load_probes(per_category=24), load_probes()
    assert len(quick) == 5 * 24 and set(quick) <= set(full)
    reasoning = [p.prompt for p in quick if p.category == "reasoning"]
    for opening in ("wanted either", "gave one to", "So ", "The tallest is", " and felt sad"):
        assert any(opening in prompt for prompt in reasoning), opening  # every family, not the first one alone


@pytest.mark.parametrize(
    "body, message",
    [
        ("probes:\n  - {prompt: a, answer: b, distractors: [c]}", "needs `category:`"),
        ("category: x\nprobes:\n  - {prompt: a, answer: b}", "needs distinct distractors"),
        ("category: x\nprobes:\n  - {prompt: a, answer: b, distractors: [b]}", "none equal to the answer"),
        ("category: x\nprobes:\n  - {answer: b, distractors: [c]}", "needs a prompt"),
        (
            "category: x\nprobes:\n  - {prompt: a, answer: b, distractors: [c]}\n"
            "  - {prompt: a, answer: d, distractors: [e]}",
            "appears twice",
        ),
    ],
)
def test_bad_probe_files_are_refused(tmp_path: Path, body: str, message: str) -> None:
    (tmp_path / "bad.yaml").write_text(body)
    with pytest.raises(ConfigError, match=message):
        load_probes([tmp_path / "bad.yaml"])


def test_wilson_interval() -> None:
    assert wilson_interval(0, 10) == pytest.approx((0.0, 0.2775), abs=1e-4)
    assert wilson_interval(5, 10) == pytest.approx((0.2366, 0.7634), abs=1e-4)
    assert wilson_interval(16, 16)[1] == 1.0


def test_the_scorer_picks_what_the_model_learned_and_counts_right(overfit: Transformer) -> None:
    learned = [
        Probe("a", "Tom has a", " red ball.", (" blue kite.",)),
        Probe("a", "Sue has a", " blue kite.", (" red ball.",)),
        Probe("b", "The cat sat on the", " mat.", (" park.",)),
        Probe("b", "The dog ran to the", " park.", (" mat.", " ball.")),
    ]
    wrong = [Probe(p.category, p.prompt, p.distractors[0], (p.answer,)) for p in learned[::2]]
    scores = score_probes(overfit, Chars(), learned + wrong, greedy_tokens=12)
    assert scores["a"]["accuracy"] == pytest.approx(2 / 3) and scores["a"]["n"] == 3
    assert scores["b"]["accuracy"] == pytest.approx(2 / 3)
    assert scores["all"]["accuracy"] == pytest.approx(4 / 6) and scores["all"]["n"] == 6
    low, high = scores["all"]["ci95"]
    assert low < 4 / 6 < high
    assert scores["all"]["greedy_contains"] == pytest.approx(4 / 6)  # greedy text has the learned words


def test_quality_figures_on_fixed_text() -> None:
    texts = ["The cat sat. The cat sat.", "A dog ran!", "And then the"]
    quality = story_quality(texts)
    assert quality["distinct_1"] == pytest.approx(8 / 12)  # the cat sat a dog ran and then, of 12 words
    assert quality["ended"] == pytest.approx(2 / 3) and quality["mean_words"] == pytest.approx(4.0)
    assert story_quality(['He said, "Bye."'])["ended"] == 1.0


def test_candidates_scored_in_one_batch_as_one_at_a_time(overfit: Transformer) -> None:
    questions = [
        ("Tom has a red", (" ball.", " kite.")),
        ("The", (" cat sat", " dog", " mat on the cat")),
        ("S", ("ue",)),
    ]
    together = candidate_logprobs(overfit, Chars(), questions)
    alone = [candidate_logprobs(overfit, Chars(), [q], rows_per_batch=1)[0] for q in questions]
    assert [len(s) for s in together] == [2, 3, 1]
    for ours, theirs in zip(together, alone, strict=True):
        assert ours == pytest.approx(theirs, abs=1e-4)
    assert together[0][0] > together[0][1]  # it learned that Tom's is a ball
