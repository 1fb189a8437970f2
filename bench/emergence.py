"""The emergence table: probe accuracy per category against model size, with 95% intervals, from the run dirs of
a size sweep, and for each category whether it rises with size by more than the intervals.

    python train.py -m model=llama-40k,llama-260k,llama-1m,llama-4m trainer.max_steps=2000 val_every_steps=1000 \
        callbacks.probes.per_category=null logger=csv hydra.sweep.dir=multirun/emergence
    python bench/emergence.py multirun/emergence
    python -m tinystories.scaling multirun/emergence out=docs/emergence      # the plots (probes_vs_params.png)

`callbacks.probes.per_category=null` makes every validation score the whole probe suite, so each run's
summary.json holds its final accuracy on all of it. A category "rises" when the largest model's interval lies
wholly above the smallest model's: the difference is more than both intervals' half-widths together. Chance is
what guessing scores: a third for three candidates, a half for two.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from tinystories.eval.probes import load_probes, wilson_interval
from tinystories.scaling import runs_from_dir


def main(root: str) -> int:
    runs = sorted(runs_from_dir(Path(root)), key=lambda r: r.non_embedding)
    runs = [r for r in runs if r.probes]
    if len(runs) < 2:
        print(f"{root}: fewer than two finished runs with probe scores (train with callbacks.probes.per_category=null)")
        return 1
    probes = load_probes()
    sizes = Counter(p.category for p in probes)
    chance = Counter()
    for p in probes:
        chance[p.category] += 1 / len(p.candidates) / sizes[p.category]
    categories = sorted(c for c in runs[0].probes if c in sizes)
    header = ["model", "non-embedding params", "val loss", *categories]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for r in runs:
        cells = []
        for c in categories:
            low, high = wilson_interval(round(r.probes[c] * sizes[c]), sizes[c])
            cells.append(f"{r.probes[c]:.1%} [{low:.0%}, {high:.0%}]")
        model = r.overrides.get("model", r.name)
        print(f"| {model} | {r.non_embedding:,} | {r.val_loss:.3f} | " + " | ".join(cells) + " |")
    print("| chance | | | " + " | ".join(f"{chance[c]:.1%}" for c in categories) + " |")
    print()
    small, large = runs[0], runs[-1]
    rising = 0
    for c in categories:
        n = sizes[c]
        low_large = wilson_interval(round(large.probes[c] * n), n)[0]
        high_small = wilson_interval(round(small.probes[c] * n), n)[1]
        steps = [b.probes[c] - a.probes[c] for a, b in zip(runs, runs[1:], strict=False)]
        rises = low_large > high_small
        rising += rises
        print(
            f"{c:<10} n={n}: {small.probes[c]:.1%} -> {large.probes[c]:.1%} "
            f"({(large.probes[c] - small.probes[c]) * 100:+.1f} points); "
            f"{'rises beyond the intervals' if rises else 'does not rise beyond the intervals'}"
            f"{'' if all(s >= 0 for s in steps) else ' (not at every step)'}"
        )
    print(f"\n{rising} of {len(categories)} categories rise with size beyond their 95% intervals")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1]))
