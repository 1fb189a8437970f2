"""Write a built-in corpus to a file, or print its quality figures.

python -m tinystories.synth n=100000 seed=0 out=stories.txt              # the released .txt format
python -m tinystories.synth n=1000 format=jsonl out=stories.jsonl         # with words, features, summary
python -m tinystories.synth n=1000 format=instruct out=instruct.txt       # TinyStories-Instruct
python -m tinystories.synth n=10000 stats=true [compare=TinyStories-valid.txt]
OPENAI_BASE_URL=... python -m tinystories.synth backend=openai model=NAME n=1000 out=llm.jsonl
"""

from __future__ import annotations

import json
import random
import sys
from dataclasses import dataclass
from pathlib import Path

from tinystories import cli
from tinystories.atomic import write_text
from tinystories.errors import ConfigError, DataError
from tinystories.released_txt import NotUtf8Error, format_stories, read_stories
from tinystories.synth.instruct import instruct_record, instruct_text
from tinystories.synth.stats import corpus_stats, format_table
from tinystories.synth.stories import StoryGenerator
from tinystories.synth.words import FEATURES

PROG = "python -m tinystories.synth"
FORMATS = ("txt", "jsonl", "instruct")


@dataclass
class SynthSettings:
    n: int = cli.setting(1000, "number of stories")
    seed: int = cli.setting(0, "the corpus seed: the same seed always gives the same stories")
    stream: str = cli.setting("train", "a separate random stream of the same seed, e.g. val")
    out: str | None = cli.setting(None, "output file (default: standard output)")
    format: str = cli.setting("txt", "txt (the released format) | jsonl (with words, features, summary) | instruct")
    vocab_fraction: float = cli.setting(1.0, "share of the word lists in use (the breadth knob)")
    schema_fraction: float = cli.setting(1.0, "share of the plot schemas in use")
    stats: bool = cli.setting(False, "print quality figures instead of writing stories")
    compare: str | None = cli.setting(None, "with stats=true: a released .txt file to compare against")
    backend: str = cli.setting("builtin", "builtin | openai (an OpenAI-compatible endpoint writes the stories)")
    model: str | None = cli.setting(None, "with backend=openai: the model name the endpoint serves")
    concurrency: int = cli.setting(8, "with backend=openai: requests in flight")
    retries: int = cli.setting(2, "with backend=openai: ask again for a story that misses a word or feature")


def with_llm(args: SynthSettings) -> int:
    from tinystories.llm import ChatClient, LLMError
    from tinystories.synth.llm_stories import generate_with_llm

    if not args.model or not args.out:
        raise ConfigError("backend=openai needs model=NAME and out=FILE.jsonl")
    if args.retries < 0:
        raise ConfigError(f"retries={args.retries}: give 0 (never ask again) or more")
    try:
        client = ChatClient.from_env(args.model)
    except LLMError as e:
        raise ConfigError(str(e)) from None
    report = generate_with_llm(
        client,
        args.n,
        Path(args.out),
        args.seed,
        args.concurrency,
        args.vocab_fraction,
        args.retries,
        progress=lambda line: print(line, file=sys.stderr),
    )
    print(
        f"{args.out}: {report.written} new stories, {report.kept} kept from before, "
        f"{report.duplicates} duplicates dropped, {report.failed} failed",
        file=sys.stderr,
    )
    print(f"{args.out}: {report.misses()}", file=sys.stderr)
    if report.failed:
        print("error: some stories failed; run the same command again to ask for them", file=sys.stderr)
        return 1
    return 0


def render(args: SynthSettings, generator: StoryGenerator) -> str:
    rng = random.Random(f"instruct:{args.seed}")
    stories = generator.stories(args.n, args.seed, args.stream)
    if args.format == "jsonl":
        return "".join(json.dumps({**instruct_record(s, rng), "schema": s.schema}) + "\n" for s in stories)
    if args.format == "instruct":
        return format_stories(instruct_text(instruct_record(s, rng)) for s in stories)
    return format_stories(s.text for s in stories)


def stats(args: SynthSettings, generator: StoryGenerator) -> str:
    stories = list(generator.stories(args.n, args.seed, args.stream))
    columns = {"built-in": corpus_stats([s.text for s in stories])}
    if args.compare:
        if not Path(args.compare).is_file():
            raise DataError(f"compare={args.compare} does not exist; give a file in the released .txt format")
        try:
            real = list(read_stories(args.compare))
        except NotUtf8Error as e:
            raise DataError(str(e)) from None
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


def synth(args: SynthSettings) -> int:
    if args.format not in FORMATS:
        raise ConfigError(f"format={args.format}: use one of {', '.join(FORMATS)}")
    if args.backend == "openai":
        return with_llm(args)
    if args.backend != "builtin":
        raise ConfigError(f"backend={args.backend}: use builtin or openai")
    try:
        generator = StoryGenerator(args.vocab_fraction, args.schema_fraction)
    except ValueError as e:
        raise ConfigError(str(e)) from None
    if args.stats:
        print(stats(args, generator), end="")
        return 0
    text = render(args, generator)
    if args.out is None:
        sys.stdout.write(text)
        return 0
    write_text(args.out, text)  # a crash leaves no half-written corpus under the real name
    print(f"wrote {args.n} stories to {args.out}", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    return cli.main(synth, SynthSettings, argv, prog=PROG, doc=__doc__)


if __name__ == "__main__":
    sys.exit(main())
