"""The token cache build at full scale: wall time and peak memory of building the cache of a built-in corpus the
size of TinyStories' train split (2.1M stories), as prepare_data builds it (parts made and encoded by worker
processes, joined in order). Peak RSS is the largest of this process and of any one worker; a memory that is flat
in the corpus's size shows as the same peak at n=210000 and n=2100000.

python bench/cache_build.py                       # 2,100,000 stories on every core
python bench/cache_build.py n=210000 workers=1
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from tinystories import cli
from tinystories.data.cache import build_token_cache, default_workers
from tinystories.data.sources import SPLITS, BuiltinSource
from tinystories.data.tokenizer import TrainBPE


@dataclass
class CacheBuildSettings:
    n: int = cli.setting(2_100_000, "built-in training stories")
    workers: int | None = cli.setting(None, "worker processes (null: every core)")
    vocab_size: int = cli.setting(4096, "BPE vocabulary, trained on the first 20,000 stories (not timed)")


def bench(s: CacheBuildSettings) -> int:
    source = BuiltinSource(n_train=s.n, n_val=max(1, s.n // 100))
    tokenizer = TrainBPE(s.vocab_size).build(lambda: BuiltinSource(n_train=20_000).stories("train"))
    workers = s.workers or default_workers()
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        build_token_cache(Path(tmp) / "entry", tokenizer, source.parts(SPLITS, 4 * workers), "bench", workers=workers)
        seconds = time.perf_counter() - start
        size = sum(f.stat().st_size for f in (Path(tmp) / "entry").iterdir())
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    worker = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(
        f"{s.n:,} stories ({size / 1e6:,.0f} MB of tokens), {workers} workers: {seconds:,.0f} s wall, "
        f"{s.n / seconds:,.0f} stories/s; peak RSS {own:,.0f} MiB (this process), {worker:,.0f} MiB (one worker)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(cli.main(bench, CacheBuildSettings, None, prog="python bench/cache_build.py", doc=__doc__))
