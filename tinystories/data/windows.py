"""Training examples and their order.

An example is a window of `seq_len + 1` tokens (inputs and shifted targets) starting at a multiple of `seq_len`.
The order is one stream per rank for the whole run: data epoch after data epoch, each a permutation that depends
only on the seed and the epoch number, dealt out to ranks in turn so their shares are disjoint. Position `k` of the
stream is a pure function of (seed, rank, world size, k), so resuming at step `s` means starting the stream at
`s * accumulate * batch_size`: nothing but the step count has to be saved.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import torch
from torch.utils.data import Dataset, Sampler


class TokenWindows(Dataset):
    def __init__(self, tokens: np.ndarray, seq_len: int) -> None:
        self.tokens, self.seq_len = tokens, seq_len

    def __len__(self) -> int:
        return max(0, (len(self.tokens) - 1) // self.seq_len)

    def __getitem__(self, i: int) -> torch.Tensor:
        start = i * self.seq_len
        return torch.from_numpy(self.tokens[start : start + self.seq_len + 1].astype(np.int64))


class WindowOrder(Sampler[int]):
    """The indices one rank reads, positions `start` to `num_samples` of its stream."""

    def __init__(
        self,
        n_windows: int,
        num_samples: int,
        seed: int = 0,
        rank: int = 0,
        world_size: int = 1,
        start: int = 0,
        shuffle: bool = True,
    ) -> None:
        self.per_epoch = n_windows // world_size
        if self.per_epoch == 0:
            raise ValueError(f"{n_windows} windows cannot be shared among {world_size} ranks")
        self.n_windows, self.num_samples, self.seed = n_windows, num_samples, seed
        self.rank, self.world_size, self.start, self.shuffle = rank, world_size, start, shuffle

    def epoch_order(self, epoch: int) -> np.ndarray:
        if not self.shuffle:
            return np.arange(self.n_windows)
        return np.random.default_rng([self.seed, epoch]).permutation(self.n_windows)

    def __len__(self) -> int:
        # The whole run's length, also when resuming: the trainer counts batches from the start of the run.
        return self.num_samples

    def __iter__(self) -> Iterator[int]:
        epoch, j = divmod(self.start, self.per_epoch)
        order = self.epoch_order(epoch)
        for _ in range(self.start, self.num_samples):
            if j == self.per_epoch:
                epoch, j = epoch + 1, 0
                order = self.epoch_order(epoch)
            yield int(order[self.rank + j * self.world_size])
            j += 1
