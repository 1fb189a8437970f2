"""Write a built-in corpus to a file, or print its quality figures.

python -m tinystories.synth --n 100000 --seed 0 --out stories.txt             # the released .txt format
python -m tinystories.synth --n 1000 --format jsonl --out stories.jsonl        # with words, features, summary
python -m tinystories.synth --n 1000 --format instruct --out instruct.txt      # TinyStories-Instruct
python -m tinystories.synth --n 10000 --stats [--compare TinyStories-valid.txt]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
from pathlib import Path

from tinystories.synth.instruct import instruct_record, instruct_text
from tinystories.synth.stats import corpus_stats, format_table
from tinystories.synth.stories import StoryGenerator
from tinystories.synth.words import FEATURES

EOT = "<|endoftext|>"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m tinystories.synth", description=__doc__.split("\n")[0])
    p.add_argument("--n", type=int, default=1000, help="number of stories")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--stream", default="train", help="a separate random stream, e.g. val")
    p.add_argument("--out", type=Path, help="output file (default: standard output)")
    p.add_argument("--format", choices=["txt", "jsonl", "instruct"], default="txt")
    p.add_argument("--vocab-fraction", type=float, default=1.0, help="share of the word lists in use (breadth)")
    p.add_argument("--schema-fraction", type=float, default=1.0, help="share of the plot schemas in use")
    p.add_argument("--stats", action="store_true", help="print quality figures instead of writing stories")
    p.add_argument("--compare", type=Path, help="with --stats: a released .txt file to compare against")
    p.add_argument(
        "--backend",
        choices=["builtin", "openai"],
        default="builtin",
        help="openai: an OpenAI-compatible endpoint (OPENAI_BASE_URL, OPENAI_API_KEY) writes the stories",
    )
    p.add_argument("--model", help="with --backend openai: the model name the endpoint serves")
    p.add_argument("--concurrency", type=int, default=8, help="with --backend openai: requests in flight")
    return p.parse_args(argv)


def with_llm(args: argparse.Namespace) -> int:
    from tinystories.llm import ChatClient, LLMError
    from tinystories.synth.llm_stories import generate_with_llm

    if not args.model or not args.out:
        print("error: --backend openai needs --model NAME and --out FILE.jsonl", file=sys.stderr)
        return 2
    try:
        client = ChatClient.from_env(args.model)
    except LLMError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    report = generate_with_llm(
        client,
        args.n,
        args.out,
        args.seed,
        args.concurrency,
        args.vocab_fraction,
        progress=lambda line: print(line, file=sys.stderr),
    )
    print(
        f"{args.out}: {report.written} new stories, {report.kept} kept from before, "
        f"{report.duplicates} duplicates dropped, {report.failed} failed",
        file=sys.stderr,
    )
    if report.failed:
        print("error: some stories failed; run the same command again to ask for them", file=sys.stderr)
        return 1
    return 0


def render(args: argparse.Namespace, generator: StoryGenerator) -> str:
    rng = random.Random(f"instruct:{args.seed}")
    chunks = []
    for story in generator.stories(args.n, args.seed, args.stream):
        if args.format == "txt":
            chunks.append(f"{story.text}\n{EOT}\n")
        elif args.format == "jsonl":
            chunks.append(json.dumps({**instruct_record(story, rng), "schema": story.plot}) + "\n")
        else:
            chunks.append(f"{instruct_text(instruct_record(story, rng))}\n{EOT}\n")
    return "".join(chunks)


def stats(args: argparse.Namespace, generator: StoryGenerator) -> str:
    from tinystories.data.sources import read_released_txt

    stories = list(generator.stories(args.n, args.seed, args.stream))
    columns = {"built-in": corpus_stats([s.text for s in stories])}
    if args.compare:
        real = list(read_released_txt(args.compare))
        k = min(1000, len(real), len(stories))
        columns[f"built-in ({k})"] = corpus_stats([s.text for s in stories[:k]])
        columns[f"real ({k})"] = corpus_stats(real[:k])
    rows = []
    for f in FEATURES:
        asked = [s for s in stories if f in s.features]
        realised = sum(f in s.markers for s in asked) / max(1, len(asked))
        rows.append(f"  {f:<14} asked {len(asked) / len(stories):6.1%}   realised {realised:6.1%}")
    shares = "\n".join(rows)
    return f"{format_table(columns)}\n\nFeatures:\n{shares}\n"


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.backend == "openai":
        return with_llm(args)
    try:
        generator = StoryGenerator(args.vocab_fraction, args.schema_fraction)
    except ValueError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    if args.stats:
        print(stats(args, generator), end="")
        return 0
    text = render(args, generator)
    if args.out is None:
        sys.stdout.write(text)
        return 0
    args.out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{args.out.name}.", dir=args.out.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, args.out)  # a crash leaves no half-written corpus under the real name
    print(f"wrote {args.n} stories to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
