"""Where a model's bits go on a text: bits per byte by kind of text (the telling or inside quotes; a sentence's
first word, a word the built-in corpus never uses, punctuation, any other word), and each kind's share of all the
bits. It says what the built-in corpus lacks when a model trained on it is scored on real stories.

    python bench/loss_breakdown.py outputs/RUN/checkpoints/last.ckpt ../shared/data/tinystories-valid-sample.txt

A token's loss is spread over the bytes it covers and counted in the kind of its first non-space character; the
built-in corpus's words come from --corpus generated stories.
"""

from __future__ import annotations

import argparse
import math
import re
from collections import defaultdict
from pathlib import Path

import torch

from tinystories.inference import load_model
from tinystories.released_txt import read_stories
from tinystories.synth import StoryGenerator

WORD = re.compile(r"[A-Za-z']+")


def token_losses(model, tok, story: str) -> tuple[list[float], list[tuple[int, int]]]:
    """Nats of each token of `story` (after an end-of-text token), and the characters each token covers."""
    encoding = tok.tokenizer.encode(story, add_special_tokens=False)
    ids = [tok.eot_id, *tok.encode(story)]
    if len(ids) - 1 != len(encoding.offsets):
        raise SystemExit("the tokenizer's offsets do not line up with its ids")
    ids = ids[: model.cfg.max_seq_len + 1]
    with torch.no_grad():
        logits = model(torch.tensor([ids[:-1]]))[0].float()
    nats = torch.nn.functional.cross_entropy(logits, torch.tensor(ids[1:]), reduction="none")
    return nats.tolist(), encoding.offsets[: len(ids) - 1]


def kinds_of(story: str, known: set[str]) -> list[tuple[str, str]]:
    """For each character: (the telling or a quote, the kind of word or mark it is part of)."""
    out, in_quote, sentence_start = [], False, True
    words = {m.start(): m for m in WORD.finditer(story)}
    current = "punctuation"
    end = -1
    for i, ch in enumerate(story):
        if ch == '"':
            in_quote = not in_quote
        if i in words:
            m = words[i]
            end = m.end()
            if sentence_start:
                current = "first word of a sentence"
            elif m.group(0).lower() not in known:
                current = "word the corpus never uses"
            else:
                current = "other word"
            sentence_start = False
        elif i >= end:
            current = "punctuation, space, newline"
            if ch in ".!?\n":
                sentence_start = True
        out.append(("quote" if in_quote or ch == '"' else "telling", current))
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("ckpt")
    p.add_argument("text", type=Path, help="stories in the released .txt format")
    p.add_argument("--stories", type=int, default=1000)
    p.add_argument("--corpus", type=int, default=20_000, help="built-in stories whose words count as known")
    args = p.parse_args()

    model, tok = load_model(args.ckpt)
    known = {w.lower() for s in StoryGenerator().stories(args.corpus, seed=0) for w in WORD.findall(s.text)}
    bits, size = defaultdict(float), defaultdict(int)
    for story in list(read_stories(args.text))[: args.stories]:
        nats, offsets = token_losses(model, tok, story)
        kinds = kinds_of(story, known)
        for n, (a, b) in zip(nats, offsets, strict=True):
            span = story[a:b]
            first = a + (len(span) - len(span.lstrip())) if span.strip() else a
            where, what = kinds[min(first, len(story) - 1)]
            width = max(1, len(span.encode()))
            for key in (("all", "all"), ("where", where), ("what", what)):
                bits[key] += n / math.log(2)
                size[key] += width
    total_bits, total_bytes = bits[("all", "all")], size[("all", "all")]
    print(f"{'kind':<30} {'bytes':>7} {'bits/byte':>10} {'share of bits':>14}")
    for group in ("where", "what"):
        for (g, kind), b in sorted(bits.items(), key=lambda kv: -kv[1]):
            if g == group:
                share, rate = size[(g, kind)] / total_bytes, b / size[(g, kind)]
                print(f"{kind:<30} {share:>7.1%} {rate:>10.2f} {b / total_bits:>14.1%}")
        print()
    print(f"{'all':<30} {1:>7.0%} {total_bits / total_bytes:>10.2f}")


if __name__ == "__main__":
    main()
