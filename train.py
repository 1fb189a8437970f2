"""Train a TinyStories language model: python train.py [group=choice ...] [key=value ...]

Hydra composes the config (conf/train.yaml and its groups); `tinystories.training` builds the run from it and runs
it. Returns the final validation loss, for Hydra's sweepers.
"""

from __future__ import annotations

import hydra
from omegaconf import DictConfig

from tinystories.errors import exit_for
from tinystories.resolvers import register_resolvers

register_resolvers()


@hydra.main(version_base="1.3", config_path="conf", config_name="train")
def main(cfg: DictConfig) -> float:
    # Imported here, not above: --help and a config Hydra refuses answer without Lightning's seconds-long import.
    from tinystories.loggers import end_wandb_run
    from tinystories.training import build, run

    try:
        val_loss = run(build(cfg))
    except Exception as e:
        end_wandb_run(exit_code=1)
        if (ending := exit_for(e)) is None:
            raise
        raise ending from None
    end_wandb_run()
    return val_loss


if __name__ == "__main__":
    main()
