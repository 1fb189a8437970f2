"""Stream stories from a checkpoint or a Hugging Face model directory:

python -m tinystories.generate ckpt=PATH prompt="Once upon a time" n=3 temperature=0.8 top_p=0.9
"""

from __future__ import annotations

import sys
import time

import torch

from tinystories.errors import TinyStoriesError
from tinystories.inference import load_model, parse_key_values

DEFAULTS = {
    "ckpt": None,
    "tokenizer": None,
    "prompt": "Once upon a time",
    "n": 1,
    "max_new_tokens": 300,
    "temperature": 0.8,
    "top_k": None,
    "top_p": 0.95,
    "seed": 0,
    "device": "cpu",
}


def main(argv: list[str] | None = None) -> int:
    try:
        args = parse_key_values(sys.argv[1:] if argv is None else argv, DEFAULTS)
        if not args["ckpt"]:
            raise TinyStoriesError("name the model: ckpt=PATH (a .ckpt file or a Hugging Face model directory)")
        module, tok = load_model(args["ckpt"], args["tokenizer"])
    except TinyStoriesError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    module.to(args["device"])
    generator = torch.Generator(device=args["device"]).manual_seed(int(args["seed"]))
    prompt = torch.tensor(tok.encode(str(args["prompt"])))
    tokens, start = 0, time.perf_counter()
    for i in range(int(args["n"])):
        print(f"--- story {i + 1}\n{args['prompt']}", end="", flush=True)
        new: list[int] = []
        shown = ""
        for nxt in module.stream(
            prompt,
            int(args["max_new_tokens"]),
            float(args["temperature"]),
            args["top_k"],
            args["top_p"],
            tok.eot_id,
            generator,
        ):
            token = int(nxt[0])
            tokens += 1
            if token == tok.eot_id:
                break
            new.append(token)
            text = tok.decode(new)
            if not text.endswith("\ufffd"):  # wait for the rest of a multi-byte character
                print(text[len(shown) :], end="", flush=True)
                shown = text
        print("\n")
    seconds = time.perf_counter() - start
    print(f"{tokens} tokens in {seconds:.2f}s: {tokens / seconds:,.0f} tokens/s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
