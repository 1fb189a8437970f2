"""tinystories: train small language models on simple stories, with Lightning, Hydra and W&B."""

__version__ = "0.1.0"
