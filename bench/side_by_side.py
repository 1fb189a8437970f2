"""Side by side with what a user would pick instead, in one process, A and B interleaved (A B, then B A, ...) so
a noisy machine still gives a fair ratio. Prints a table and writes bench/results/side_by_side-<device>.json
with the device's name beside every absolute figure.

  train     the train.py path (Hydra compose, tinystories.training.build/run, the default callbacks, the W&B
            logger offline) against a bare PyTorch loop (bench/bare_loop.py): same network, batch, optimizer,
            schedule, clipping and precision; seconds per optimizer step at steady state
  model     our network against the transformers model of the same family and shape (LlamaForCausalLM,
            GPTNeoForCausalLM, with transformers' default attention), both in the bare loop
  cache     the token cache build (reading a released-format .txt, repairing the text, routing stories to train
            and val, encoding, writing) against raw `tokenizers` encode_batch of the same text in one process
  generate  greedy generation at batch 1 against transformers' generate, same weights

Ratios are ours over theirs in speed: above 1 we are faster.

python bench/side_by_side.py                                  # CPU or the GPU there is, llama-260k
python bench/side_by_side.py device=cuda model=ts-8m batch=64 seq_len=512 steps=60
python bench/side_by_side.py compare=cache cache_stories=200000
"""

from __future__ import annotations

import contextlib
import os
import platform
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

os.environ["WANDB_MODE"] = "offline"  # the logger's own cost, without the network
os.environ.setdefault("WANDB_SILENT", "true")
sys.path.insert(0, str(Path(__file__).resolve().parent))

import lightning as L  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402
from bare_loop import random_windows, steady_seconds_per_step, sync, train_steps  # noqa: E402
from device_names import device_name, results_path  # noqa: E402

from tinystories import cli  # noqa: E402
from tinystories.atomic import write_json  # noqa: E402
from tinystories.errors import ConfigError  # noqa: E402
from tinystories.model import ModelConfig, Transformer  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
COMPARISONS = ("train", "model", "cache", "generate")


@dataclass
class BenchSettings:
    device: str = cli.setting("auto", "cpu, cuda or auto (the GPU when there is one)")
    model: str = cli.setting("llama-260k", "the conf/model preset to train and generate with")
    batch: int = cli.setting(8, "sequences per optimizer step (8: the default run's)")
    seq_len: int = cli.setting(256, "tokens per sequence")
    steps: int = cli.setting(80, "optimizer steps per timed training run (the second half is timed)")
    rounds: int = cli.setting(3, "interleaved rounds of each comparison")
    compare: str = cli.setting(",".join(COMPARISONS), "which comparisons, comma-separated")
    cache_stories: int = cli.setting(20_000, "built-in stories in the corpus of the cache comparison")
    new_tokens: int = cli.setting(200, "tokens per generation")
    logger: str = cli.setting("wandb", "the train.py path's logger (wandb offline: what a run pays; csv: without W&B)")
    out: str = cli.setting(str(ROOT / "bench" / "results"), "folder for the JSON results")


def interleaved(rounds: int, a, b) -> tuple[list, list]:
    """`rounds` results of `a()` and `b()`, alternating which goes first."""
    results_a, results_b = [], []
    for i in range(rounds):
        for which in (a, b) if i % 2 == 0 else (b, a):
            (results_a if which is a else results_b).append(which())
    return results_a, results_b


def row(comparison: str, ours: float, theirs: float, unit: str, higher_is_faster: bool, peer: str) -> dict:
    ratio = ours / theirs if higher_is_faster else theirs / ours
    return {"comparison": comparison, "peer": peer, "ours": ours, "theirs": theirs, "unit": unit, "ratio": ratio}


class StepMarks(L.Callback):
    """The time after each optimizer step of a fit; synchronized on CUDA only where the steady rate is read."""

    def __init__(self, steps: int) -> None:
        self.steps, self.marks = steps, []

    def on_train_batch_end(self, trainer, pl_module, outputs, batch, batch_idx) -> None:
        if len(self.marks) < trainer.global_step:
            if trainer.global_step - 1 in (self.steps // 2, self.steps - 1):
                sync(pl_module.device)
            self.marks.append(time.perf_counter())


@contextlib.contextmanager
def quiet(log: Path):
    """The run's console output (progress, samples, summary) goes to a log file instead of the table."""
    with open(log, "a") as f, contextlib.redirect_stdout(f), contextlib.redirect_stderr(f):
        yield


def compare_train(s: BenchSettings, device: torch.device, work: Path) -> tuple[list[dict], dict]:
    from tinystories.loggers import end_wandb_run
    from tinystories.training import build, compose, run

    overrides = [
        f"model={s.model}",
        f"trainer={'gpu' if device.type == 'cuda' else 'cpu'}",
        f"data.batch_size={s.batch}",
        f"data.seq_len={s.seq_len}",
        f"global_batch_tokens={s.batch * s.seq_len}",
        f"trainer.max_steps={s.steps}",
        f"val_every_steps={s.steps}",
        f"logger={s.logger}",
    ]
    runs = []

    def ours() -> float:
        marks = StepMarks(s.steps)
        cfg = compose(overrides, work / f"run-{len(runs)}", work / "cache")
        with quiet(work / "runs.log"):
            training = build(cfg, callbacks=[marks])
            run(training)
            end_wandb_run()
        runs.append(training)
        return steady_seconds_per_step(marks.marks)

    ours()  # builds the corpus, tokenizer and cache the rounds share; not timed
    dm = runs[0].datamodule
    tokens, vocab = np.asarray(dm.tokens["train"]), dm.vocab_size
    shape = {k: v for k, v in dict(runs[0].cfg.model).items() if k != "init_from"}
    lr = runs[0].cfg.module

    def bare(network_of=lambda: Transformer(ModelConfig(**shape, vocab_size=vocab)), logits_of=None):
        marks = train_steps(
            network_of(),
            logits_of or (lambda net, x: net(x)),
            tokens,
            batch=s.batch,
            seq_len=s.seq_len,
            steps=s.steps,
            device=device,
            lr=lr.lr,
            min_lr=lr.min_lr,
            warmup_steps=lr.warmup_steps,
            weight_decay=lr.weight_decay,
        )
        return steady_seconds_per_step(marks)

    rows = []
    if "train" in s.compare:
        a, b = interleaved(s.rounds, ours, bare)
        rows.append(row("train.py vs bare loop", min(a), min(b), "s/step", False, "bare PyTorch loop"))
    if "model" in s.compare:
        from tinystories.hf import to_hf_model

        def theirs_network():
            return to_hf_model(Transformer(ModelConfig(**shape, vocab_size=vocab)), attn_implementation=None).train()

        kind = "LlamaForCausalLM" if shape["family"] == "llama" else "GPTNeoForCausalLM"
        a, b = interleaved(s.rounds, bare, lambda: bare(theirs_network, lambda net, x: net(x).logits))
        rows.append(row("our model vs transformers, bare loop", min(a), min(b), "s/step", False, kind))
    return rows, {"model": s.model, "shape": shape, "vocab_size": vocab, "tokens": tokens}


def compare_cache(s: BenchSettings, work: Path) -> list[dict]:
    from tinystories.data.cache import build_token_cache, default_workers
    from tinystories.data.datamodule import StoryDataModule
    from tinystories.data.sources import SPLITS, LocalSource
    from tinystories.data.tokenizer import TrainBPE
    from tinystories.released_txt import EOT, format_stories
    from tinystories.synth import StoryGenerator

    corpus = work / "corpus.txt"
    with open(corpus, "w", encoding="utf-8") as f:
        for story in StoryGenerator().stories(s.cache_stories, seed=0):
            f.write(format_stories([story.text]))
    megabytes = corpus.stat().st_size / 1e6
    dm = StoryDataModule(LocalSource(str(corpus)), TrainBPE(4096), cache_dir=str(work / "cache-c"))
    tokenizer = TrainBPE(4096).build(lambda: (s for s, _ in zip(dm.stories("train"), range(5000), strict=False)))
    builds = []

    def ours() -> float:
        start = time.perf_counter()
        parts = dm.source.parts(SPLITS, 4 * default_workers())
        with quiet(work / "cache.log"):
            build_token_cache(work / f"ours-{len(builds)}", tokenizer, parts, "bench corpus")
        builds.append(1)
        return megabytes / (time.perf_counter() - start)

    def raw(threads: str) -> float:
        os.environ["TOKENIZERS_PARALLELISM"] = threads  # read by tokenizers at every call
        start = time.perf_counter()
        stories = [t.strip() for t in corpus.read_text(encoding="utf-8").split(EOT) if t.strip()]
        with open(work / "raw.bin", "wb") as f:
            for i in range(0, len(stories), 1024):
                for encoding in tokenizer.tokenizer.encode_batch(stories[i : i + 1024], add_special_tokens=False):
                    np.asarray(encoding.ids, dtype=np.uint16).tofile(f)
        os.environ.pop("TOKENIZERS_PARALLELISM")
        return megabytes / (time.perf_counter() - start)

    name = f"cache build ({s.cache_stories:,} stories, {megabytes:.0f} MB)"
    rows = []
    for threads, peer in (("true", "its threads on every core"), ("false", "one thread")):
        a, b = interleaved(s.rounds, ours, lambda threads=threads: raw(threads))
        rows.append(row(name, max(a), max(b), "MB/s", True, f"raw tokenizers encode_batch, one process, {peer}"))
    return rows


def compare_generate(s: BenchSettings, device: torch.device, shape: dict, vocab: int, tokens) -> list[dict]:
    from tinystories.hf import to_hf_model
    from tinystories.sampling import Sampling, generate

    torch.manual_seed(0)
    ours_net = Transformer(ModelConfig(**shape, vocab_size=vocab)).to(device).eval()
    theirs_net = to_hf_model(ours_net.cpu(), attn_implementation=None).to(device).eval()
    ours_net.to(device)
    prompt = random_windows(tokens, 1, 8, np.random.default_rng(0))[0].to(device)
    n = s.new_tokens

    def ours() -> float:
        sync(device)
        start = time.perf_counter()
        out = generate(ours_net, prompt, Sampling(max_new_tokens=n, temperature=0))
        sync(device)
        assert out.shape[1] == n
        return n / (time.perf_counter() - start)

    def theirs() -> float:
        sync(device)
        start = time.perf_counter()
        with torch.no_grad():
            out = theirs_net.generate(prompt[None], max_new_tokens=n, min_new_tokens=n, do_sample=False, pad_token_id=0)
        sync(device)
        assert out.shape[1] == len(prompt) + n
        return n / (time.perf_counter() - start)

    ours(), theirs()  # warm-up
    a, b = interleaved(s.rounds, ours, theirs)
    return [row(f"generation, batch 1, greedy, {n} tokens", max(a), max(b), "tokens/s", True, "transformers generate")]


def bench(s: BenchSettings) -> int:
    wanted = [c.strip() for c in s.compare.split(",") if c.strip()]
    unknown = set(wanted) - set(COMPARISONS)
    if unknown:
        raise ConfigError(f"compare={s.compare}: unknown {', '.join(sorted(unknown))}; use {','.join(COMPARISONS)}")
    s.compare = ",".join(wanted)
    auto = "cuda" if torch.cuda.is_available() else "cpu"
    device = torch.device(auto if s.device == "auto" else s.device)
    name = device_name(device)
    print(f"device: {name}; torch {torch.__version__}; {s.model}, batch {s.batch} x {s.seq_len}", flush=True)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        data = None
        if {"train", "model", "generate"} & set(wanted):
            train_rows, data = compare_train(s, device, work)
            rows += train_rows
        if "cache" in wanted:
            rows += compare_cache(s, work)
        if "generate" in wanted:
            rows += compare_generate(s, device, data["shape"], data["vocab_size"], data["tokens"])

    width = max(len(r["comparison"]) for r in rows)
    print(f"\n{'comparison':<{width}}  {'ours':>10}  {'theirs':>10}  {'unit':<8}  {'ratio':>6}  peer")
    for r in rows:
        print(
            f"{r['comparison']:<{width}}  {r['ours']:>10.4g}  {r['theirs']:>10.4g}  {r['unit']:<8}  "
            f"{r['ratio']:>6.3f}  {r['peer']}"
        )
    path = results_path(s.out, "side_by_side", name)
    versions = {"torch": torch.__version__, "lightning": L.__version__, "python": platform.python_version()}
    with contextlib.suppress(ImportError):
        import transformers

        versions["transformers"] = transformers.__version__
    write_json(path, {"device": name, "versions": versions, "settings": asdict(s), "rows": rows})
    print(f"\nwritten to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(cli.main(bench, BenchSettings, None, prog="python bench/side_by_side.py", doc=__doc__))
