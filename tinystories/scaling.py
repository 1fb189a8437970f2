"""The scaling analysis of a family of runs: a table, a fitted scaling law and plots.

    python -m tinystories.scaling multirun/2026-11-23_10-00-00        # run dirs (searched for summary.json)
    python -m tinystories.scaling ENTITY/PROJECT/SWEEP_ID                # a W&B sweep's finished runs
    python -m tinystories.scaling outputs/a outputs/b out=scaling/       # several sources; where results go

Prints one row per run (parameters, tokens, training FLOPs, final validation loss; labelled by the overrides
that differ between runs), fits L(N) = E + A / N^alpha over non-embedding parameters N (Kaplan et al.'s
convention; only from 3 or more sizes trained on one token budget, with the loss falling towards E >= 0, and
otherwise it says why not) and, when the runs differ in data as well, L(N, D) = E + A / N^alpha + B / D^beta over
tokens D (Hoffmann et al.), each with its R^2. Writes `scaling.json`, `loss_vs_params.png`, `loss_vs_compute.png`
(with the compute frontier: the runs no cheaper run beats) and, where runs scored the probe suite,
`probes_vs_params.png` (accuracy per category against size: the emergence plot), fitted or not. Works from run
directories or W&B, never from a live training process.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import yaml

from tinystories import cli
from tinystories.atomic import atomic_path, write_json
from tinystories.errors import ConfigError

PROG = "python -m tinystories.scaling"
LABEL_WIDTH = 48
MIN_SIZES = 3  # a curve of three numbers (E, A, alpha) fitted to fewer points cannot be checked
SAME_BUDGET = 1.5  # L(N) compares sizes at one token budget: the largest over the smallest, at most


@dataclass
class Run:
    name: str
    params: int
    non_embedding: int
    tokens: int
    flops: float
    val_loss: float
    overrides: dict[str, str] = field(default_factory=dict)  # a run dir's Hydra overrides, for its label
    probes: dict[str, float] = field(default_factory=dict)  # probe accuracy per category at the end


def runs_from_dir(root: Path) -> list[Run]:
    """Every finished run under `root`: a directory holding the summary.json that train.py writes at the end."""
    runs = []
    for summary_path in sorted(root.rglob("summary.json")):
        s = json.loads(summary_path.read_text())
        run_dir = summary_path.parent
        overrides_file = run_dir / ".hydra" / "overrides.yaml"
        overrides = yaml.safe_load(overrides_file.read_text()) or [] if overrides_file.is_file() else []
        runs.append(
            Run(
                name=str(run_dir.relative_to(root)) if run_dir != root else run_dir.name,
                overrides=dict(o.split("=", 1) for o in overrides if "=" in o),
                probes=s.get("probes") or {},
                params=int(s["params"]),
                non_embedding=int(s["non_embedding"]),
                tokens=int(s["tokens_seen"]),
                flops=float(s.get("flops", 0.0)),
                val_loss=float(s["val_loss"]),
            )
        )
    return runs


def runs_from_wandb(sweep_path: str) -> list[Run]:
    """The finished runs of a W&B sweep (`entity/project/sweep_id`), from their summaries and configs."""
    import wandb

    try:
        sweep = wandb.Api().sweep(sweep_path)
    except Exception as e:  # wandb raises its own CommError / ValueError variants for every kind of failure
        raise ConfigError(f"could not read the W&B sweep {sweep_path}: {e}") from None
    runs = []
    for r in sweep.runs:
        if r.state != "finished" or "val/loss" not in r.summary:
            continue
        runs.append(
            Run(
                name=r.name,
                params=int(r.config.get("params/total", 0)),
                non_embedding=int(r.config.get("params/non_embedding", 0)),
                tokens=int(r.summary.get("data/tokens_seen", 0)),
                flops=float(r.summary.get("perf/flops", 0.0)),
                val_loss=float(r.summary["val/loss"]),
                probes={k.removeprefix("probe/"): float(v) for k, v in r.summary.items() if k.startswith("probe/")},
            )
        )
    return runs


def load_runs(sources: list[str]) -> list[Run]:
    runs = []
    for source in sources:
        path = Path(source)
        if path.is_dir():
            runs += runs_from_dir(path)
        elif source.count("/") == 2 and not path.exists():
            runs += runs_from_wandb(source)
        else:
            raise ConfigError(f"{source} is neither a directory of runs nor a W&B sweep path (entity/project/id)")
    if not runs:
        raise ConfigError(f"no finished runs in {', '.join(sources)} (a finished run dir holds summary.json)")
    # Label each run by the overrides that differ between runs (its sweep parameters), short enough for a table.
    keys = {k for r in runs for k in r.overrides}
    varying = sorted(k for k in keys if len({r.overrides.get(k) for r in runs}) > 1)
    for r in runs:
        if varying:
            label = ",".join(f"{k.rsplit('.', 1)[-1]}={r.overrides.get(k, '-')}" for k in varying)
            r.name = short(f"{r.name} {label}")
    return runs


def short(label: str, width: int = LABEL_WIDTH) -> str:
    return label if len(label) <= width else label[: width - 1] + "…"


def _r2(predicted: np.ndarray, observed: np.ndarray) -> float:
    total = float(((observed - observed.mean()) ** 2).sum())
    return 1.0 - float(((predicted - observed) ** 2).sum()) / total if total > 0 else 1.0


def not_fitted(reason: str, points: int) -> dict:
    return {"fitted": False, "reason": reason, "points": points}


def fit_loss_vs_params(n: np.ndarray, loss: np.ndarray, tokens: np.ndarray | None = None) -> dict:
    """L(N) = E + A / N^alpha by least squares: for each alpha on a fine grid, E and A are linear, so the best
    (E, A) is exact; the alpha with the smallest error wins. Refused ({"fitted": False, "reason": ...}) where it
    could not be trusted: fewer than 3 sizes, token budgets that differ between the runs (then the loss falls
    with data as much as with size), or no fit with a falling loss and a non-negative irreducible loss E."""
    sizes = len(set(n.tolist()))
    if sizes < MIN_SIZES:
        return not_fitted(f"{sizes} model size(s): L(N) needs at least {MIN_SIZES} sizes", len(n))
    if tokens is not None and tokens.min() > 0 and tokens.max() / tokens.min() > SAME_BUDGET:
        return not_fitted(
            f"the token budgets differ {tokens.max() / tokens.min():.1f}x between runs: L(N) compares sizes "
            f"trained on the same tokens (select runs of one budget, or read the L(N, D) fit)",
            len(n),
        )
    best = None
    for alpha in np.linspace(0.005, 2.0, 400):
        x = np.stack([np.ones_like(n), n**-alpha], axis=1)
        (e, a), *_ = np.linalg.lstsq(x, loss, rcond=None)
        if a <= 0 or e < 0:
            continue  # loss rising with size, or below zero at infinite size: not a law of physical runs
        sse = float(((x @ np.array([e, a]) - loss) ** 2).sum())
        if best is None or sse < best[0]:
            best = (sse, float(e), float(a), float(alpha))
    if best is None:
        return not_fitted("no curve with the loss falling towards a non-negative E fits these runs", len(n))
    _, e, a, alpha = best
    predicted = e + a * n**-alpha
    return {"fitted": True, "E": e, "A": a, "alpha": alpha, "r2": _r2(predicted, loss), "points": len(n)}


def fit_loss_vs_params_and_data(n: np.ndarray, d: np.ndarray, loss: np.ndarray) -> dict | None:
    """L(N, D) = E + A / N^alpha + B / D^beta, the same way over a grid of (alpha, beta); None where the runs do
    not vary both size and data enough to pin five numbers down."""
    if len(set(n.tolist())) < 2 or len(set(d.tolist())) < 2 or len(n) < 5:
        return None
    best = None
    grid = np.linspace(0.02, 1.5, 75)
    for alpha in grid:
        for beta in grid:
            x = np.stack([np.ones_like(n), n**-alpha, d**-beta], axis=1)
            coef, *_ = np.linalg.lstsq(x, loss, rcond=None)
            if coef[0] < 0 or coef[1] <= 0 or coef[2] <= 0:
                continue
            sse = float(((x @ coef - loss) ** 2).sum())
            if best is None or sse < best[0]:
                best = (sse, coef, alpha, beta)
    if best is None:
        return None
    _, (e, a, b), alpha, beta = best
    if e < 0:
        return None  # a negative irreducible loss: not a law of physical runs
    predicted = e + a * n**-alpha + b * d**-beta
    return {"E": e, "A": a, "alpha": alpha, "B": b, "beta": beta, "r2": _r2(predicted, loss), "points": len(n)}


def compute_frontier(runs: list[Run]) -> list[Run]:
    """The runs that no run with less compute beats, cheapest first."""
    frontier, best = [], float("inf")
    for run in sorted(runs, key=lambda r: (r.flops, r.val_loss)):
        if run.val_loss < best:
            frontier.append(run)
            best = run.val_loss
    return frontier


def plot(runs: list[Run], fit: dict, out: Path) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    n = np.array([r.non_embedding for r in runs], dtype=float)
    loss = np.array([r.val_loss for r in runs])
    written = []

    def save(fig, ax, name: str) -> None:
        ax.set_xscale("log")
        ax.legend(fontsize=8)
        fig.tight_layout()
        written.append(out / name)
        with atomic_path(written[-1]) as tmp:
            fig.savefig(tmp, dpi=120, format="png")
        plt.close(fig)

    fig, ax = plt.subplots(figsize=(6, 4.5))
    ax.scatter(n, loss, zorder=3, label="runs")
    if fit["fitted"]:
        grid = np.geomspace(n.min() / 1.5, n.max() * 1.5, 200)
        label = f"L = {fit['E']:.3f} + {fit['A']:.3g} / N^{fit['alpha']:.3f}  (R² {fit['r2']:.3f})"
        ax.plot(grid, fit["E"] + fit["A"] * grid ** -fit["alpha"], color="C1", label=label)
    else:
        ax.set_title(f"no fit: {fit['reason']}", fontsize=7, loc="left", wrap=True)
    ax.set(xlabel="non-embedding parameters N", ylabel="validation loss")
    fig.suptitle("Loss against size")
    save(fig, ax, "loss_vs_params.png")

    categories = sorted({c for r in runs for c in r.probes})
    if categories:  # the emergence plot: capabilities against size
        fig, ax = plt.subplots(figsize=(6, 4.5))
        order = np.argsort(n)
        for c in categories:
            accuracy = np.array([runs[i].probes.get(c, np.nan) for i in order])
            ax.plot(n[order], accuracy, marker="o", label=c, linewidth=2.5 if c == "all" else 1.2)
        ax.set(ylim=(0, 1), xlabel="non-embedding parameters N", ylabel="probe accuracy")
        ax.set_title("Capabilities against size")
        save(fig, ax, "probes_vs_params.png")

    if all(r.flops > 0 for r in runs):
        frontier = compute_frontier(runs)
        fig, ax = plt.subplots(figsize=(6, 4.5))
        points = ax.scatter([r.flops for r in runs], loss, c=np.log10(n), cmap="viridis", zorder=3)
        fig.colorbar(points, ax=ax, label="log10 N")
        ax.step([r.flops for r in frontier], [r.val_loss for r in frontier], where="post", color="C3", label="frontier")
        ax.set(xlabel="training FLOPs", ylabel="validation loss", title="Loss against compute")
        save(fig, ax, "loss_vs_compute.png")
    return written


def table(runs: list[Run]) -> str:
    width = max(12, *(len(r.name) for r in runs))
    head = f"{'run':<{width}} {'params':>12} {'non-emb':>12} {'tokens':>14} {'FLOPs':>10} {'val loss':>9}"
    rows = [
        f"{r.name:<{width}} {r.params:>12,} {r.non_embedding:>12,} {r.tokens:>14,} {r.flops:>10.3g} {r.val_loss:>9.4f}"
        for r in sorted(runs, key=lambda r: (r.non_embedding, r.tokens))
    ]
    return "\n".join([head, *rows])


def analyse(sources: list[str], out: Path) -> dict:
    runs = load_runs(sources)
    n = np.array([r.non_embedding for r in runs], dtype=float)
    d = np.array([r.tokens for r in runs], dtype=float)
    loss = np.array([r.val_loss for r in runs])
    fit = fit_loss_vs_params(n, loss, d)
    fit_nd = fit_loss_vs_params_and_data(n, d, loss)
    out.mkdir(parents=True, exist_ok=True)
    plots = plot(runs, fit, out)
    result = {
        "runs": [asdict(r) for r in runs],
        "fit_L_N": fit,
        "fit_L_ND": fit_nd,
        "frontier": [r.name for r in compute_frontier(runs)] if all(r.flops > 0 for r in runs) else [],
        "plots": [str(p) for p in plots],
    }
    write_json(out / "scaling.json", result)

    print(table(runs))
    if fit["fitted"]:
        print(
            f"\nL(N) = {fit['E']:.4f} + {fit['A']:.4g} / N^{fit['alpha']:.4f}   R^2 {fit['r2']:.4f} "
            f"over {fit['points']} runs"
        )
    else:
        print(f"\nL(N) not fitted: {fit['reason']}")
    if fit_nd:
        print(
            f"L(N, D) = {fit_nd['E']:.4f} + {fit_nd['A']:.4g} / N^{fit_nd['alpha']:.3f} + "
            f"{fit_nd['B']:.4g} / D^{fit_nd['beta']:.3f}   R^2 {fit_nd['r2']:.4f}"
        )
    print(f"\nWrote {out / 'scaling.json'}" + "".join(f", {p}" for p in plots))
    return result


@dataclass
class ScalingSettings:
    out: str = cli.setting("scaling", "where scaling.json and the plots go")


def main(argv: list[str] | None = None) -> int:
    def run() -> None:
        args = cli.parse(argv, ScalingSettings, prog=PROG, doc=__doc__, inputs="SOURCE [SOURCE ...]")
        if not args.inputs:
            raise ConfigError(f"name the runs: {PROG} RUN_DIR_OR_MULTIRUN_DIR or ENTITY/PROJECT/SWEEP_ID")
        analyse(args.inputs, Path(args.settings.out))

    return cli.run(run)


if __name__ == "__main__":
    raise SystemExit(main())
