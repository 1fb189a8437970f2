"""Training throughput of `train.py` per model preset and trainer, as a table: tokens/s over the second half of
the run (after compilation and warm-up) and over the whole fit, validation left out. Runs the real entry point,
so it measures what users get.

python bench/throughput.py --trainer gpu --models ts-1m,ts-8m,ts-33m --steps 60
python bench/throughput.py --trainer gpu --compile              # eager and torch.compile side by side
python bench/throughput.py --trainer cpu --models llama-260k --steps 20 --batch 16
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(model: str, trainer: str, compile_: bool, args: argparse.Namespace, workdir: Path) -> dict | str:
    run_dir = workdir / f"{model}-{trainer}-{'compiled' if compile_ else 'eager'}"
    tokens = args.batch * args.seq_len * args.accumulate * args.devices
    overrides = [
        f"model={model}",
        f"trainer={trainer}",
        f"trainer.devices={args.devices}",
        f"tokenizer={args.tokenizer}",
        "logger=csv",
        "~callbacks.samples",
        f"data.seq_len={args.seq_len}",
        f"data.batch_size={args.batch}",
        f"data.num_workers={args.workers}",
        f"global_batch_tokens={tokens}",
        f"trainer.max_steps={args.steps}",
        "trainer.limit_val_batches=2",
        f"val_every_steps={args.steps}",
        f"module.compile={str(compile_).lower()}",
        f"hydra.run.dir={run_dir}",
        f"paths.cache_dir={workdir / 'cache'}",
        *args.overrides,
    ]
    proc = subprocess.run([sys.executable, str(ROOT / "train.py"), *overrides], capture_output=True, text=True)
    if proc.returncode != 0:
        errors = [line for line in proc.stderr.splitlines() if "Error" in line and "HYDRA_FULL_ERROR" not in line]
        return (errors or ["exit code " + str(proc.returncode)])[-1][:100]
    summary = json.loads((run_dir / "summary.json").read_text())
    with open(run_dir / "csv" / "metrics.csv") as f:
        rates = [float(r["perf/tokens_per_s"]) for r in csv.DictReader(f) if r.get("perf/tokens_per_s")]
    # The second half of the run: compilation, warm-up and the first batches are behind it.
    summary["steady_tokens_per_s"] = statistics.median(rates[len(rates) // 2 :]) if rates else float("nan")
    return summary


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--models", default="ts-1m,ts-8m,ts-33m")
    p.add_argument("--trainers", default="gpu", help="comma-separated conf/trainer choices")
    p.add_argument("--devices", type=int, default=1)
    p.add_argument("--steps", type=int, default=100)
    p.add_argument("--batch", type=int, default=64, help="sequences per device per micro-step")
    p.add_argument("--seq-len", type=int, default=512)
    p.add_argument("--accumulate", type=int, default=1)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--tokenizer", default="bpe-4096")
    p.add_argument("--compile", action="store_true", help="also run each with module.compile=true")
    p.add_argument("overrides", nargs="*", help="more Hydra overrides for every run")
    args = p.parse_args()

    print(
        f"{'model':<14} {'trainer':<8} {'compile':<8} {'params':>12} {'tokens/s':>12} {'whole fit':>10} {'train s':>8}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for model in args.models.split(","):
            for trainer in args.trainers.split(","):
                for compile_ in (False, True) if args.compile else (False,):
                    result = run(model, trainer, compile_, args, Path(tmp))
                    head = f"{model:<14} {trainer:<8} {str(compile_).lower():<8}"
                    if isinstance(result, str):
                        print(f"{head} failed: {result}", flush=True)
                        continue
                    print(
                        f"{head} {result['params']:>12,} {result['steady_tokens_per_s']:>12,.0f} "
                        f"{result['tokens_per_s']:>10,.0f} "
                        f"{result['train_seconds']:>8.1f}",
                        flush=True,
                    )


if __name__ == "__main__":
    main()
