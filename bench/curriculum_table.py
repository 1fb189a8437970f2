"""The results table of a curriculum multirun: final val loss, tokens and training time per curriculum.

python train.py -m curriculum=none,length,seq_len,difficulty logger=csv hydra.sweep.dir=multirun/curriculum
python bench/curriculum_table.py multirun/curriculum
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import yaml


def main(sweep: Path) -> None:
    print("| curriculum | final val loss | val perplexity | tokens | training time (s) | tokens/s |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for job in sorted((p for p in sweep.iterdir() if (p / "summary.json").exists()), key=lambda p: int(p.name)):
        summary = json.loads((job / "summary.json").read_text())
        config = yaml.safe_load((job / "config.yaml").read_text())
        curriculum = config["data"].get("curriculum") or {}
        name = curriculum.get("_target_", "none").rsplit(".", 1)[-1].replace("Curriculum", "stages")
        print(
            f"| {name} | {summary['val_loss']:.4f} | {2.718281828 ** summary['val_loss']:.2f} | "
            f"{summary['tokens_seen']:,} | {summary['train_seconds']:.0f} | {summary['tokens_per_s']:,.0f} |"
        )


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "multirun/curriculum"))
