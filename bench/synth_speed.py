"""Stories per second of the built-in generator on one core (target: at least 2,000).

python bench/synth_speed.py [--n 20000]
"""

from __future__ import annotations

import argparse
import time

from tinystories.synth import StoryGenerator


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--n", type=int, default=20_000)
    args = p.parse_args()
    print(f"{'vocab_fraction':>15} {'schema_fraction':>16} {'stories':>9} {'seconds':>8} {'stories/s':>10}")
    for vocab, schema in ((1.0, 1.0), (0.5, 1.0), (0.25, 0.25)):
        generator = StoryGenerator(vocab, schema)
        start = time.perf_counter()
        for _ in generator.stories(args.n, seed=0):
            pass
        seconds = time.perf_counter() - start
        print(f"{vocab:>15} {schema:>16} {args.n:>9,} {seconds:>8.2f} {args.n / seconds:>10,.0f}")


if __name__ == "__main__":
    main()
