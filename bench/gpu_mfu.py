"""Tokens/s and MFU of model presets on one GPU, and the aggregate of k runs packed on it: the ceiling that the
levers of a small model's training (micro-batch size, compile mode, the local-window attention, a token stream
that lives on the GPU) can reach, measured in a bare step (bf16 autocast, fused AdamW, clipping, the loss in
fp32 as the module computes it) so the network and those levers are the only things that vary.

MFU counts FLOPs as PaLM does (`tinystories.model.training_flops_per_token`: 6 x (non-embedding parameters + the
LM head) + 12 x layers x context x width) over the device's dense bf16 peak (`tinystories.peak_flops`).

A row is `model:batch[:compile[:window]]`: compile is none, default, reduce-overhead (CUDA graphs) or
max-autotune-no-cudagraphs; window=none drops gpt-neo's local window (every layer then takes the fused causal
kernel), to price the mask. Packed runs are k processes started together, each compiled on its own, timed over
the same wall-clock stretch once all are warm.

python bench/gpu_mfu.py                                                    # every preset of issue 14 at 64 and 256
python bench/gpu_mfu.py rows=ts-33m:64,ts-33m:128:max-autotune-no-cudagraphs
python bench/gpu_mfu.py rows= pack=ts-1m:256 packs=1,4                    # 4 runs on one GPU against one alone
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
import torch.nn.functional as F
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from device_names import device_name, results_path  # noqa: E402

from tinystories import cli  # noqa: E402
from tinystories.atomic import write_json  # noqa: E402
from tinystories.errors import ConfigError  # noqa: E402
from tinystories.model import ModelConfig, Transformer, training_flops_per_token  # noqa: E402
from tinystories.peak_flops import peak_flops  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
MODES = ("none", "default", "reduce-overhead", "max-autotune-no-cudagraphs")
PRESETS = "ts-1m,ts-8m,ts-33m,llama-15m,llama-110m"


@dataclass
class MfuSettings:
    rows: str = cli.setting(
        ",".join(f"{m}:{b}" for m in PRESETS.split(",") for b in (64, 256)),
        "comma-separated rows, each model:batch[:compile[:window]]",
    )
    compile: str = cli.setting("default", "the compile mode of rows that name none")
    seq_len: int = cli.setting(512, "tokens per sequence (at most the preset's max_seq_len)")
    vocab: int = cli.setting(4096, "vocabulary size (bpe-4096: the GPU runs' tokenizer)")
    seconds: float = cli.setting(4.0, "timed seconds per row, after warm-up")
    budget_s: float = cli.setting(0.0, "start no new row after this many seconds (0: no limit)")
    pack: str = cli.setting("", "a row to pack k times on the device (empty: no packing)")
    packs: str = cli.setting("1,4", "the k's to pack, comma-separated")
    device: str = cli.setting("auto", "cpu, cuda or auto")
    out: str = cli.setting(str(ROOT / "bench" / "results"), "folder for the JSON results")
    child: str = cli.setting("", "internal: the folder a packed run reports to")


@dataclass
class Row:
    model: str
    batch: int
    compile: str
    window: str

    @classmethod
    def parse(cls, spec: str, default_compile: str) -> Row:
        parts = spec.split(":")
        if not 2 <= len(parts) <= 4 or not parts[1].isdigit():
            raise ConfigError(f"row {spec!r}: write model:batch[:compile[:window]], e.g. ts-33m:128:default")
        mode = parts[2] if len(parts) > 2 else default_compile
        window = parts[3] if len(parts) > 3 else "keep"
        if mode not in MODES:
            raise ConfigError(f"row {spec!r}: compile {mode!r} is not one of {', '.join(MODES)}")
        if window not in ("keep", "none"):
            raise ConfigError(f"row {spec!r}: window {window!r} is not keep or none")
        if not (ROOT / "conf" / "model" / f"{parts[0]}.yaml").exists():
            raise ConfigError(f"row {spec!r}: no preset conf/model/{parts[0]}.yaml")
        return cls(parts[0], int(parts[1]), mode, window)

    def __str__(self) -> str:
        return f"{self.model}:{self.batch}:{self.compile}:{self.window}"


class Stepper:
    """One training step of a preset on random windows of a token stream that lives on the device."""

    def __init__(self, row: Row, s: MfuSettings, device: torch.device) -> None:
        torch._dynamo.reset()
        shape = yaml.safe_load((ROOT / "conf" / "model" / f"{row.model}.yaml").read_text())
        if row.window == "none":
            shape["local_window"] = None
        self.seq_len = min(s.seq_len, shape["max_seq_len"])
        self.batch, self.device = row.batch, device
        torch.manual_seed(0)
        self.cfg = ModelConfig(**shape, vocab_size=s.vocab)
        self.net = Transformer(self.cfg).to(device).train()
        matrices = [p for p in self.net.parameters() if p.dim() >= 2]
        others = [p for p in self.net.parameters() if p.dim() < 2]
        self.optimizer = torch.optim.AdamW(
            [{"params": matrices, "weight_decay": 0.1}, {"params": others, "weight_decay": 0.0}],
            lr=1e-3,
            betas=(0.9, 0.95),
            fused=device.type == "cuda",
        )
        self.forward = self.net if row.compile == "none" else torch.compile(self.net, mode=row.compile)
        self.graphs = row.compile == "reduce-overhead"
        self.stream = torch.randint(0, s.vocab, (max(1 << 22, 64 * row.batch * self.seq_len),), device=device)
        self.offsets = torch.arange(self.seq_len + 1, device=device)
        self.autocast = torch.autocast(device.type, dtype=torch.bfloat16, enabled=device.type == "cuda")
        self.flops_per_token = training_flops_per_token(self.cfg, self.net.num_params(True), self.seq_len)

    def step(self) -> None:
        if self.graphs:
            torch.compiler.cudagraph_mark_step_begin()
        starts = torch.randint(0, len(self.stream) - self.seq_len - 1, (self.batch, 1), device=self.device)
        x = self.stream[starts + self.offsets]
        with self.autocast:
            logits = self.forward(x[:, :-1])
        loss = F.cross_entropy(logits.float().reshape(-1, logits.size(-1)), x[:, 1:].reshape(-1))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(self.net.parameters(), 1.0)
        self.optimizer.step()
        self.optimizer.zero_grad(set_to_none=True)

    def sync(self) -> None:
        if self.device.type == "cuda":
            torch.cuda.synchronize(self.device)

    def timed(self, steps: int) -> float:
        self.sync()
        start = time.perf_counter()
        for _ in range(steps):
            self.step()
        self.sync()
        return time.perf_counter() - start

    @property
    def tokens_per_step(self) -> int:
        return self.batch * self.seq_len


def measure(row: Row, s: MfuSettings, device: torch.device) -> dict:
    result: dict = {"row": str(row), "model": row.model, "batch": row.batch, "compile": row.compile}
    result["window"] = row.window
    try:
        if device.type == "cuda":
            torch.cuda.reset_peak_memory_stats(device)
        start = time.perf_counter()
        stepper = Stepper(row, s, device)
        stepper.timed(3 if not stepper.graphs else 6)  # compilation, allocation, graph capture
        result["warmup_s"] = time.perf_counter() - start
        per_step = stepper.timed(3) / 3
        steps = max(5, int(s.seconds / per_step))
        seconds = stepper.timed(steps)
        tokens_per_s = steps * stepper.tokens_per_step / seconds
        peak = peak_flops(device, torch.bfloat16)
        result |= {
            "seq_len": stepper.seq_len,
            "params": stepper.net.num_params(),
            "flops_per_token": stepper.flops_per_token,
            "steps": steps,
            "tokens_per_s": tokens_per_s,
            "mfu": tokens_per_s * stepper.flops_per_token / peak if peak else None,
            "peak_flops": peak,
        }
        if device.type == "cuda":
            result["max_memory_gb"] = torch.cuda.max_memory_allocated(device) / 1e9
        del stepper
    except torch.cuda.OutOfMemoryError:
        result["error"] = "out of memory"
    except Exception as e:  # a row that fails (a compile mode this torch lacks) must not lose the others
        result["error"] = f"{type(e).__name__}: {str(e).splitlines()[0][:160] if str(e) else ''}"
    if device.type == "cuda":
        torch.cuda.empty_cache()
    return result


def packed_child(row: Row, s: MfuSettings, device: torch.device, folder: Path) -> None:
    """One of k packed runs: warm up, say so, wait for the others, then step for `seconds` of wall clock."""
    stepper = Stepper(row, s, device)
    stepper.timed(3 if not stepper.graphs else 6)
    (folder / f"ready-{os.getpid()}").touch()
    k = int((folder / "k").read_text())
    deadline = time.time() + 600
    while len(list(folder.glob("ready-*"))) < k and time.time() < deadline:
        time.sleep(0.05)
    steps = 0
    stepper.sync()
    start = time.perf_counter()
    while time.perf_counter() - start < s.seconds:
        stepper.step()
        steps += 1
    stepper.sync()
    seconds = time.perf_counter() - start
    (folder / f"result-{os.getpid()}.json").write_text(
        json.dumps({"tokens_per_s": steps * stepper.tokens_per_step / seconds, "steps": steps})
    )


def measure_packed(row: Row, k: int, s: MfuSettings) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "k").write_text(str(k))
        args = [sys.executable, __file__, f"rows={row}", f"seconds={s.seconds}", f"seq_len={s.seq_len}"]
        args += [f"vocab={s.vocab}", f"device={s.device}", f"child={folder}"]
        procs = [subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) for _ in range(k)]
        outputs = [p.communicate()[0] for p in procs]
        rates = [json.loads(f.read_text())["tokens_per_s"] for f in sorted(folder.glob("result-*.json"))]
    result = {"row": str(row), "k": k, "per_run_tokens_per_s": rates, "tokens_per_s": sum(rates)}
    if len(rates) < k:
        result["error"] = f"{k - len(rates)} of {k} runs failed: " + next(
            (o.strip().splitlines()[-1] for p, o in zip(procs, outputs, strict=True) if p.returncode and o.strip()),
            "no output",
        )
    return result


def bench(s: MfuSettings) -> int:
    rows = [Row.parse(spec, s.compile) for spec in s.rows.split(",") if spec.strip()]
    pack = Row.parse(s.pack, s.compile) if s.pack else None
    auto = "cuda" if torch.cuda.is_available() else "cpu"
    device = torch.device(auto if s.device == "auto" else s.device)
    if s.child:
        packed_child(rows[0], s, device, Path(s.child))
        return 0
    torch.backends.cuda.matmul.allow_tf32 = True
    name = device_name(device)
    print(f"device: {name}; torch {torch.__version__}; seq_len {s.seq_len}, vocab {s.vocab}", flush=True)
    path = results_path(s.out, "gpu_mfu", name)
    report = {"device": name, "torch": torch.__version__, "settings": asdict(s), "rows": [], "packed": []}
    began = time.perf_counter()
    print(f"{'row':<40} {'params':>11} {'tokens/s':>12} {'MFU':>6} {'GB':>6} {'warm-up s':>9}")
    for row in rows:
        if s.budget_s and time.perf_counter() - began > s.budget_s:
            report["rows"].append({"row": str(row), "error": "skipped: over budget_s"})
            continue
        r = measure(row, s, device)
        report["rows"].append(r)
        if "error" in r:
            print(f"{r['row']:<40} {r['error']}", flush=True)
        else:
            mfu = f"{r['mfu']:.1%}" if r["mfu"] else "-"
            gb = f"{r.get('max_memory_gb', 0):.1f}"
            print(
                f"{r['row']:<40} {r['params']:>11,} {r['tokens_per_s']:>12,.0f} {mfu:>6} {gb:>6} {r['warmup_s']:>9.1f}",
                flush=True,
            )
        write_json(path, report)
    if pack:
        print(f"\npacked runs of {pack} on one device: aggregate tokens/s")
        for k in (int(k) for k in s.packs.split(",")):
            r = measure_packed(pack, k, s)
            report["packed"].append(r)
            one = report["packed"][0]["tokens_per_s"] or float("nan")
            ratio = r["tokens_per_s"] / one
            print(f"k={k:<3} {r['tokens_per_s']:>12,.0f}  x{ratio:.2f}  {r.get('error', '')}", flush=True)
            write_json(path, report)
    print(f"\nwritten to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(cli.main(bench, MfuSettings, None, prog="python bench/gpu_mfu.py", doc=__doc__))
