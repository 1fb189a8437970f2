"""Data: sources of stories, tokenizers, the token cache, and the LightningDataModule that ties them together
(`tinystories.data.datamodule`). Nothing is imported here, so that reading a tokenizer does not import Lightning."""
