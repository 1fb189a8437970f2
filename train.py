"""Train a TinyStories language model: python train.py [group=choice ...] [key=value ...]

Hydra composes the config (conf/train.yaml and its groups); `tinystories.preflight` checks it; `tinystories.training`
builds the run from it and runs it. Returns the final validation loss, for Hydra's sweepers.
"""

from __future__ import annotations

import hydra
from omegaconf import DictConfig

from tinystories.errors import exit_for
from tinystories.preflight import preflight
from tinystories.resolvers import register_resolvers

register_resolvers()


@hydra.main(version_base="1.3", config_path="conf", config_name="train")
def main(cfg: DictConfig) -> float:
    try:
        checked = preflight(cfg)
    except Exception as e:
        raise exit_for(e) or e from None
    # Imported here, not above: --help, a config Hydra refuses and one preflight refuses answer without Lightning's
    # seconds-long import.
    from tinystories.loggers import end_wandb_run
    from tinystories.training import build, run

    try:
        val_loss = run(build(cfg, checked=checked))
    except Exception as e:
        end_wandb_run(exit_code=1)
        if (ending := exit_for(e)) is None:
            raise
        raise ending from None
    end_wandb_run()
    return val_loss


if __name__ == "__main__":
    main()
