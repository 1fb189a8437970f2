"""Stream stories from a checkpoint or a Hugging Face model directory:

python -m tinystories.generate ckpt=outputs/RUN/checkpoints/last.ckpt prompt="Once upon a time" n=3
python -m tinystories.generate ckpt=path/to/hf-dir temperature=0 max_new_tokens=100
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass

import torch

from tinystories import cli
from tinystories.errors import ConfigError
from tinystories.inference import load_model
from tinystories.sampling import Sampling, TextTokenizerLike, stream

PROG = "python -m tinystories.generate"


class TextStream:
    """Turns tokens into text as they come, decoding only the last few each time, so a story of n tokens costs
    O(n) to show, not O(n^2). Byte-level tokens can end inside a multi-byte character: text is held back until
    the character is whole. (The offsets scheme of text-generation-inference's incremental detokenizer.)"""

    def __init__(self, tokenizer: TextTokenizerLike) -> None:
        self.tokenizer = tokenizer
        self.ids: list[int] = []
        self.prefix = 0  # start of the tokens decoded for context (a token's text can depend on the one before)
        self.read = 0  # tokens before this have been shown

    def push(self, token: int) -> str:
        """The text that `token` completes (often empty while a character is incomplete)."""
        self.ids.append(token)
        shown = self.tokenizer.decode(self.ids[self.prefix : self.read])
        text = self.tokenizer.decode(self.ids[self.prefix :])
        if len(text) <= len(shown) or text.endswith("\ufffd"):
            return ""
        self.prefix, self.read = self.read, len(self.ids)
        return text[len(shown) :]

    def flush(self) -> str:
        """Whatever is held back, once no token will follow (an incomplete character shows as U+FFFD)."""
        shown = self.tokenizer.decode(self.ids[self.prefix : self.read])
        text = self.tokenizer.decode(self.ids[self.prefix :])
        self.prefix = self.read = len(self.ids)
        return text[len(shown) :]


@dataclass
class GenerateSettings:
    ckpt: str | None = cli.setting(
        None, "a .ckpt file, a Hugging Face model directory, or wandb:ENTITY/PROJECT/NAME:ALIAS"
    )
    tokenizer: str | None = cli.setting(None, "another tokenizer folder (default: the one the checkpoint carries)")
    prompt: str = cli.setting("Once upon a time", "the beginning of every story")
    n: int = cli.setting(1, "stories to write")
    max_new_tokens: int = cli.setting(300, "tokens per story at most")
    temperature: float = cli.setting(0.8, "0: greedy")
    top_k: int | None = cli.setting(None, "sample from the k likeliest tokens")
    top_p: float | None = cli.setting(0.95, "sample from the smallest set of tokens whose probability reaches p")
    seed: int = cli.setting(0, "the same seed gives the same stories")
    device: str = cli.setting("cpu", "cpu, cuda, cuda:1, mps")


def generate(args: GenerateSettings) -> int:
    if not args.ckpt:
        raise ConfigError("name the model: ckpt=PATH (a .ckpt file or a Hugging Face model directory)")
    model, tok = load_model(args.ckpt, args.tokenizer)
    model.to(args.device)
    sampling = Sampling(
        max_new_tokens=args.max_new_tokens,
        temperature=args.temperature,
        top_k=args.top_k,
        top_p=args.top_p,
        seed=args.seed,
    )
    generator = sampling.generator(args.device)  # one stream for all n stories
    prompt = torch.tensor(tok.encode(args.prompt))
    tokens, start = 0, time.perf_counter()
    for i in range(args.n):
        print(f"--- story {i + 1}\n{args.prompt}", end="", flush=True)
        text = TextStream(tok)
        for nxt in stream(model, prompt, sampling, tok.eot_id, generator):
            token = int(nxt[0])
            tokens += 1
            if token == tok.eot_id:
                break
            print(text.push(token), end="", flush=True)
        print(text.flush(), end="")
        print("\n")
    seconds = time.perf_counter() - start
    print(f"{tokens} tokens in {seconds:.2f}s: {tokens / seconds:,.0f} tokens/s", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    return cli.main(generate, GenerateSettings, argv, prog=PROG, doc=__doc__)


if __name__ == "__main__":
    sys.exit(main())
