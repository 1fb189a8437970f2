"""Data: sources of stories, tokenizers, the token cache, and the LightningDataModule that ties them together."""

from tinystories.data.datamodule import BuiltinStoryDataModule, StoryDataModule

__all__ = ["BuiltinStoryDataModule", "StoryDataModule"]
