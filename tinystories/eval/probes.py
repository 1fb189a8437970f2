"""The probe suite: story beginnings whose right continuation needs a skill (grammar, knowledge, reasoning, context
tracking, consistency), each with distractors. A model passes a probe when it gives the right continuation a
higher log-likelihood than every distractor; accuracy per category comes with a Wilson 95% interval. The greedy
completion is also checked for the answer's words.

The built-in suite is made from templates (probe_templates.py), 240 a category, so that the intervals (about +-6
points) can tell one model size from the next; training scores a fixed quick subset at every validation. Users'
own probes come as YAML files (`category:` and a list of `probes:` with prompt, answer, distractors).
"""

from __future__ import annotations

import math
import string
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import torch
import yaml

from tinystories.errors import ConfigError
from tinystories.eval.probe_templates import FAMILIES, template_questions
from tinystories.model import Transformer
from tinystories.sampling import Sampling, continue_texts

PER_CATEGORY = 240  # a Wilson interval of at most +-6.3 points at any accuracy


@dataclass(frozen=True)
class Probe:
    category: str
    prompt: str
    answer: str
    distractors: tuple[str, ...]

    @property
    def candidates(self) -> tuple[str, ...]:
        return (self.answer, *self.distractors)


def _check(prompt: object, answer: object, distractors: list, where: str, seen: set[str]) -> None:
    """One right answer: a prompt and its answer, distinct distractors none equal to it, a prompt not seen before."""
    if not prompt or not answer:
        raise ConfigError(f"{where}: needs a prompt and its right continuation (answer)")
    if not distractors or answer in distractors or len(set(distractors)) != len(distractors):
        raise ConfigError(f"{where}: needs distinct distractors, none equal to the answer")
    if prompt in seen:
        raise ConfigError(f"{where}: the prompt {prompt!r} appears twice")
    seen.add(prompt)


def builtin_probes(per_category: int = PER_CATEGORY, seed: int = 0) -> list[Probe]:
    """The template suite, `per_category` of each category; a smaller count gives a prefix of the same draw, so
    the quick subset scored during training is part of the full suite."""
    probes, seen = [], set()
    for category in FAMILIES:
        for i, (prompt, answer, distractors) in enumerate(template_questions(category, per_category, seed)):
            _check(prompt, answer, list(distractors), f"built-in {category} probe {i + 1}", seen)
            probes.append(Probe(category, prompt, answer, distractors))
    return probes


def load_probes(paths: list[Path] | None = None, per_category: int | None = None) -> list[Probe]:
    """The built-in suite (`paths` None), or probes from YAML files (`category:` and a list of `probes:`), checked:
    every prompt has an answer and at least one distractor different from it, and no prompt appears twice. With
    `per_category`, the first that many of each category."""
    if paths is None:
        return builtin_probes(per_category or PER_CATEGORY)
    probes, seen = [], set()
    for path in [Path(p) for p in paths]:
        spec = yaml.safe_load(path.read_text())
        category = spec.get("category") if isinstance(spec, dict) else None
        if not category or not isinstance(spec.get("probes"), list):
            raise ConfigError(f"{path}: a probe file needs `category:` and a list `probes:`")
        for i, p in enumerate(spec["probes"]):
            prompt, answer, distractors = p.get("prompt"), p.get("answer"), p.get("distractors") or []
            _check(prompt, answer, distractors, f"{path}, probe {i + 1}", seen)
            probes.append(Probe(category, prompt, answer, tuple(distractors)))
    if per_category:
        counts: Counter[str] = Counter()
        kept = []
        for probe in probes:
            counts[probe.category] += 1
            if counts[probe.category] <= per_category:
                kept.append(probe)
        probes = kept
    return probes


def wilson_interval(correct: int, total: int, z: float = 1.96) -> tuple[float, float]:
    """The Wilson score interval of a proportion: sensible at 0, 1 and small counts, unlike the normal one."""
    if total == 0:
        return (0.0, 1.0)
    p = correct / total
    centre = (p + z * z / (2 * total)) / (1 + z * z / total)
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / (1 + z * z / total)
    return (max(0.0, centre - half), min(1.0, centre + half))


@torch.no_grad()
def candidate_logprobs(
    model: Transformer, tokenizer, questions: list[tuple[str, tuple[str, ...]]], rows_per_batch: int = 256
) -> list[list[float]]:
    """log p(candidate | prompt), summed over the candidate's tokens, for each candidate of each (prompt,
    candidates) question; every prompt-candidate pair is a row, and rows go through the network in batches of
    `rows_per_batch` (padding after a row's end changes nothing before it in a causal model). Prompt and
    candidate are tokenized apart, the same way for every candidate, so no candidate gains from where BPE draws a
    boundary."""
    device = next(model.parameters()).device
    context = model.cfg.max_seq_len
    rows, ending_lengths, owners = [], [], []
    for q, (prompt, candidates) in enumerate(questions):
        # Stories follow an end-of-text token in training; so does a probe, which starts a story.
        prompt_ids = [tokenizer.eot_id, *tokenizer.encode(prompt)]
        for candidate in candidates:
            ending = tokenizer.encode(candidate)
            rows.append((prompt_ids + ending)[-(context + 1) :])  # a prompt past the context loses its start
            ending_lengths.append(len(ending))
            owners.append(q)
    scores: list[list[float]] = [[] for _ in questions]
    for first in range(0, len(rows), rows_per_batch):
        chunk = rows[first : first + rows_per_batch]
        width = max(len(r) for r in chunk)
        batch = torch.zeros(len(chunk), width, dtype=torch.long)
        for i, r in enumerate(chunk):
            batch[i, : len(r)] = torch.tensor(r)
        batch = batch.to(device)
        logprobs = torch.log_softmax(model(batch[:, :-1]).float(), dim=-1)
        picked = logprobs.gather(-1, batch[:, 1:, None])[..., 0].cpu()  # log p of each next token
        for i, r in enumerate(chunk):
            n = ending_lengths[first + i]
            scores[owners[first + i]].append(float(picked[i, len(r) - 1 - n : len(r) - 1].sum()))
    return scores


def answer_words(answer: str) -> str:
    return answer.strip().strip(string.punctuation + " ").lower()


def score_probes(model: Transformer, tokenizer, probes: list[Probe], greedy_tokens: int = 0) -> dict[str, dict]:
    """Accuracy by likelihood per category and over all (`all`), with Wilson intervals; with `greedy_tokens`,
    also the share of greedy completions (that many tokens) that contain the answer's words. `model` is the
    plain network: a compiled one would recompile for every prompt length."""
    was_training = model.training
    model.eval()
    greedy = Sampling(max_new_tokens=greedy_tokens, temperature=0.0)
    tallies: dict[str, list[int]] = {}
    all_scores = candidate_logprobs(model, tokenizer, [(p.prompt, p.candidates) for p in probes])
    completions = [""] * len(probes)
    if greedy_tokens:
        for first in range(0, len(probes), 64):
            prompts = [p.prompt for p in probes[first : first + 64]]
            completions[first : first + 64] = continue_texts(model, tokenizer, prompts, greedy)
    for probe, scores, completion in zip(probes, all_scores, completions, strict=True):
        right = int(scores[0] > max(scores[1:]))
        contains = int(answer_words(probe.answer) in completion.lower()) if greedy_tokens else 0
        for key in (probe.category, "all"):
            t = tallies.setdefault(key, [0, 0, 0])
            t[0], t[1], t[2] = t[0] + right, t[1] + contains, t[2] + 1
    model.train(was_training)
    results = {}
    for key, (right, contains, total) in tallies.items():
        low, high = wilson_interval(right, total)
        results[key] = {"accuracy": right / total, "ci95": [low, high], "n": total}
        if greedy_tokens:
            results[key]["greedy_contains"] = contains / total
    return results
