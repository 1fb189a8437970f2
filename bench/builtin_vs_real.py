"""How well a model trained on the built-in corpus reads real stories: train the default model (`python train.py`,
overrides allowed) once per seed, then score each on a real text file in bits per byte. Prints one row per run
(with the built-in val loss the run itself reports) and the mean and spread per step count.

    python bench/builtin_vs_real.py ../shared/data/tinystories-valid-sample.txt --seeds 1337 7 --steps 440 880

Why several seeds and step counts: on 2 CPU cores one seed's figure moves by about 0.05 bits per byte from run to
run (the training seed alone), more than most single changes to the corpus do. And a model trained longer on the
built-in corpus can read real stories worse, not better (2.23 bits per byte after 440 steps, 2.47 after 880, 2.87
after 1760 at synth VERSION 13-14): what it learns late is the corpus's own sentence patterns, so a corpus is
closer to real stories when its figure keeps falling with more steps. All runs share one token cache.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def train(run_dir: Path, cache_dir: Path, seed: int, steps: int, overrides: list[str]) -> None:
    cmd = [sys.executable, "train.py", f"hydra.run.dir={run_dir}", f"paths.cache_dir={cache_dir}", "logger=csv"]
    cmd += [f"seed={seed}", f"trainer.max_steps={steps}", f"val_every_steps={min(440, steps)}", *overrides]
    env = {**os.environ, "WANDB_MODE": "offline"}
    log = run_dir.with_suffix(".log")
    with log.open("w") as out:
        if subprocess.run(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT).returncode:
            raise SystemExit(f"training failed; see {log}")


def real_bpb(ckpt: Path, text: Path) -> float:
    from tinystories.evaluate import eval_stories, language_modeling
    from tinystories.inference import load_model

    model, tokenizer = load_model(str(ckpt))
    return language_modeling(model, tokenizer, eval_stories(str(text), "val", 1_000_000))["bpb"]  # as evaluate


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("text", type=Path, help="real stories: a .txt with <|endoftext|> lines between them")
    parser.add_argument("--seeds", type=int, nargs="+", default=[1337, 7])
    parser.add_argument("--steps", type=int, nargs="+", default=[880])
    parser.add_argument("--work", type=Path, default=None, help="where runs go (default: a temporary folder)")
    parser.add_argument("overrides", nargs="*", help="Hydra overrides for every run, e.g. data.n_train=40000")
    args = parser.parse_intermixed_args()  # overrides may come after the options
    if not args.text.is_file():
        raise SystemExit(f"{args.text}: no such file (give a .txt of real stories)")
    work = args.work or Path(tempfile.mkdtemp(prefix="builtin_vs_real-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"runs in {work}")
    rows: dict[int, list[float]] = {}
    print(f"{'steps':>6} {'seed':>6} {'bits/byte':>10} {'built-in val loss':>18}")
    for steps in args.steps:
        for seed in args.seeds:
            run_dir = work / f"steps{steps}-seed{seed}"
            train(run_dir, work / "cache", seed, steps, args.overrides)
            bpb = real_bpb(run_dir / "checkpoints" / "last.ckpt", args.text)
            rows.setdefault(steps, []).append(bpb)
            val_loss = json.loads((run_dir / "summary.json").read_text())["val_loss"]
            print(f"{steps:>6} {seed:>6} {bpb:>10.3f} {val_loss:>18.4f}", flush=True)
    print(f"\n{'steps':>6} {'runs':>5} {'mean':>7} {'spread':>7}")
    for steps, values in rows.items():
        spread = max(values) - min(values)
        print(f"{steps:>6} {len(values):>5} {statistics.mean(values):>7.3f} {spread:>7.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
