"""Evaluate a model: loss, perplexity and bits per byte on stories; the probe suite; the quality of sampled
stories; and, where an LLM endpoint is configured, grades from an LLM in the paper's way.

    python -m tinystories.evaluate ckpt=outputs/RUN/checkpoints/last.ckpt
    python -m tinystories.evaluate hf=path/to/TinyStories-33M data=TinyStories-valid.txt prompts=paper
    OPENAI_BASE_URL=http://localhost:8000/v1 python -m tinystories.evaluate ckpt=... grader_model=qwen2.5-7b

Results go to a JSON file (`out`, by default RUN_DIR/eval/<checkpoint>.json or ./eval/<model dir>.json), to the
console as a table, and to W&B with `wandb=true` (a summary and a table of samples with their grades).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import torch
import yaml

from tinystories import cli
from tinystories.atomic import write_json
from tinystories.data.sources import BuiltinSource, HubSource, LocalSource
from tinystories.errors import ConfigError
from tinystories.eval.grading import grade_completions
from tinystories.eval.probes import load_probes, score_probes
from tinystories.eval.quality import story_quality
from tinystories.inference import load_model
from tinystories.llm import ChatClient, LLMError, check_structured
from tinystories.model import Transformer
from tinystories.sampling import Sampling, continue_text

PROG = "python -m tinystories.evaluate"


@dataclass
class EvaluateSettings:
    ckpt: str | None = cli.setting(None, "a .ckpt file of a run, or wandb:ENTITY/PROJECT/NAME:ALIAS")
    hf: str | None = cli.setting(None, "or a Hugging Face model directory")
    tokenizer: str | None = cli.setting(None, "another tokenizer folder (default: the one the checkpoint carries)")
    data: str = cli.setting("builtin", "stories to score: builtin | hub | a path (.txt released format, .jsonl, .json)")
    split: str = cli.setting("val", "train | val")
    max_stories: int = cli.setting(200, "stories to score at most")
    prompts: str = cli.setting("builtin", "story beginnings to sample from: builtin | paper (the paper's 44, hub)")
    samples: int = cli.setting(1, "stories per prompt")
    max_new_tokens: int = cli.setting(200, "tokens per sampled story at most")
    temperature: float = cli.setting(0.8, "sampling temperature (0: greedy)")
    top_p: float | None = cli.setting(0.95, "nucleus sampling")
    seed: int = cli.setting(0, "the same seed gives the same samples")
    probes: bool = cli.setting(True, "score the probe suite")
    greedy_tokens: int = cli.setting(12, "tokens of each probe's greedy completion checked for the answer")
    grade: bool = cli.setting(True, "LLM grades; needs OPENAI_BASE_URL and/or OPENAI_API_KEY, else skipped")
    grader_model: str = cli.setting("gpt-4o-mini", "the grading model the endpoint serves")
    structured: str = cli.setting("auto", "how to ask the grader for JSON: auto | json_schema | json_object | off")
    max_prompts: int | None = cli.setting(None, "story beginnings to sample from at most (default: all)")
    out: str | None = cli.setting(None, "the JSON to write (default: RUN_DIR/eval/<checkpoint>.json)")
    wandb: bool = cli.setting(False, "log the results to W&B")
    device: str = cli.setting("cpu", "cpu, cuda, cuda:1, mps")


PAPER_PROMPTS = ("roneneldan/TinyStories", "Evaluation prompts.yaml")


def eval_stories(data: str, split: str, limit: int) -> list[str]:
    if data == "builtin":
        source = BuiltinSource(n_train=1, n_val=limit)
    elif data == "hub":
        source = HubSource()
    else:
        source = LocalSource(train_path=data, val_path=data)
    stories = []
    for story in source.stories(split):
        stories.append(story)
        if len(stories) == limit:
            break
    if not stories:
        raise ConfigError(f"no stories in data={data} split={split}")
    return stories


@torch.no_grad()
def language_modeling(model: Transformer, tokenizer, stories: list[str], batch_size: int = 16) -> dict[str, float]:
    """Mean loss per token over each story and its end-of-text token, as in training (a story follows an
    end-of-text token); perplexity; bits per byte of the stories' UTF-8 text, comparable across tokenizers."""
    context, device = model.cfg.max_seq_len, model.tok_emb.weight.device
    nats, tokens, text_bytes = 0.0, 0, 0
    # Stories longer than the model's context are cut into windows, so every token of every story is predicted.
    windows = []
    for story in stories:
        ids = [tokenizer.eot_id, *tokenizer.encode(story), tokenizer.eot_id]
        windows += [ids[i : i + context + 1] for i in range(0, len(ids) - 1, context)]
        text_bytes += len(story.encode())
    for start in range(0, len(windows), batch_size):
        rows = windows[start : start + batch_size]
        width = max(len(r) for r in rows)
        batch = torch.full((len(rows), width), -100, dtype=torch.long)
        for i, r in enumerate(rows):
            batch[i, : len(r)] = torch.tensor(r)
        batch = batch.to(device)
        inputs, targets = batch[:, :-1].clamp(min=0), batch[:, 1:]
        logits = model(inputs).float()
        loss = torch.nn.functional.cross_entropy(logits.transpose(1, 2), targets, ignore_index=-100, reduction="sum")
        nats += float(loss)
        tokens += int((targets != -100).sum())
    loss = nats / tokens
    return {"loss": loss, "perplexity": math.exp(loss), "bpb": nats / math.log(2) / text_bytes, "tokens": tokens}


def load_prompts(which: str) -> list[str]:
    if which == "builtin":
        return yaml.safe_load(Path(__file__).with_name("eval").joinpath("prompts.yaml").read_text())
    if which != "paper":
        raise ConfigError(f"prompts={which}: use builtin or paper")
    try:
        from huggingface_hub import hf_hub_download

        path = hf_hub_download(PAPER_PROMPTS[0], PAPER_PROMPTS[1], repo_type="dataset")
    except Exception as e:  # offline, gated, moved: the hub client raises many kinds
        raise ConfigError(
            f"could not load the paper's prompts ({PAPER_PROMPTS[1]} of {PAPER_PROMPTS[0]}) from the hub: "
            f"{type(e).__name__}; prompts=builtin works offline"
        ) from None
    loaded = yaml.safe_load(Path(path).read_text())
    return [str(p) for p in (loaded.values() if isinstance(loaded, dict) else loaded)]


def sample_completions(model: Transformer, tokenizer, prompts: list[str], args: EvaluateSettings) -> dict:
    sampling = Sampling(
        max_new_tokens=args.max_new_tokens, temperature=args.temperature, top_p=args.top_p, seed=args.seed
    )
    generator = sampling.generator(args.device)  # one stream over all prompts
    return {p: continue_text(model, tokenizer, p, sampling, args.samples, generator) for p in prompts}


def grade(completions: dict[str, list[str]], model: str, structured: str) -> dict:
    try:
        client = ChatClient.from_env(model, structured=structured)
    except LLMError as e:
        print(f"LLM grading skipped: {e}")
        return {"skipped": str(e)}
    grades = grade_completions(client, {p: texts[0] for p, texts in completions.items()})
    return {"model": model, "means": grades.means(), "scores": grades.scores, "failures": grades.failures}


def default_out(args: EvaluateSettings) -> Path:
    if args.ckpt:
        ckpt = Path(args.ckpt)
        return ckpt.parent.parent / "eval" / f"{ckpt.stem}.json"
    return Path("eval") / f"{Path(args.hf).name}.json"


def print_table(results: dict) -> None:
    lm = results["language_modeling"]
    print(f"\nModel: {results['model']} ({results['params']:,} parameters)")
    print(f"  loss {lm['loss']:.4f}   perplexity {lm['perplexity']:.2f}   bits/byte {lm['bpb']:.4f}")
    probes = results.get("probes", {})
    for category, s in sorted(probes.items(), key=lambda item: (item[0] == "all", item[0])):
        low, high = s["ci95"]
        greedy = f"   greedy {s['greedy_contains']:.0%}" if "greedy_contains" in s else ""
        print(f"  probe {category:<10} {s['accuracy']:6.1%}  [{low:.0%}, {high:.0%}]  n={s['n']}{greedy}")
    q = results["quality"]
    print(
        f"  stories: distinct-2 {q['distinct_2']:.3f}   repetition {q['repetition_4']:.3f}   "
        f"{q['mean_words']:.0f} words   ended {q['ended']:.0%}"
    )
    grades = results.get("grades", {})
    if grades.get("means"):
        print("  LLM grades: " + "   ".join(f"{c} {v:.1f}" for c, v in grades["means"].items()))
    if grades.get("failures"):
        print(f"  LLM grading failed for {len(grades['failures'])} prompt(s): see the JSON")


def log_to_wandb(results: dict, completions: dict[str, list[str]]) -> None:
    import wandb

    from tinystories.wandb_mode import wandb_offline

    mode = "offline" if wandb_offline() else "online"
    run = wandb.init(project="tinystories", job_type="eval", name=f"eval {results['model']}", mode=mode)
    flat = {f"eval/{k}": v for k, v in results["language_modeling"].items()}
    flat |= {f"probe/{c}": s["accuracy"] for c, s in results.get("probes", {}).items()}
    flat |= {f"quality/{k}": v for k, v in results["quality"].items()}
    flat |= {f"grade/{k}": v for k, v in results.get("grades", {}).get("means", {}).items()}
    run.summary.update(flat)
    scores = results.get("grades", {}).get("scores", {})
    table = wandb.Table(columns=["prompt", "completion", "grammar", "creativity", "consistency", "plot", "age"])
    for prompt, texts in completions.items():
        g = scores.get(prompt, {})
        table.add_data(
            prompt, texts[0], *(g.get(k) for k in ("grammar", "creativity", "consistency", "plot")), g.get("age_group")
        )
    run.log({"eval/samples": table})
    run.finish()


def evaluate(args: EvaluateSettings) -> dict:
    if bool(args.ckpt) == bool(args.hf):
        raise ConfigError("name one model: ckpt=PATH (a .ckpt file) or hf=DIR (a Hugging Face model directory)")
    try:
        check_structured(args.structured)
    except LLMError as e:
        raise ConfigError(str(e)) from None
    if args.max_prompts is not None and args.max_prompts < 1:
        raise ConfigError(f"max_prompts={args.max_prompts}: give 1 or more, or leave it out for all")
    model, tokenizer = load_model(args.ckpt or args.hf, args.tokenizer)
    model.to(args.device)
    stories = eval_stories(args.data, args.split, args.max_stories)
    prompts = load_prompts(args.prompts)[: args.max_prompts]
    results = {
        "model": str(args.ckpt or args.hf),
        "params": model.num_params(),
        "data": {"source": args.data, "split": args.split, "stories": len(stories)},
        "language_modeling": language_modeling(model, tokenizer, stories),
    }
    if args.probes:
        results["probes"] = score_probes(model, tokenizer, load_probes(), args.greedy_tokens)
    completions = sample_completions(model, tokenizer, prompts, args)
    results["quality"] = story_quality([p + c for p, texts in completions.items() for c in texts])
    if args.grade:
        results["grades"] = grade(completions, args.grader_model, args.structured)
    results["samples"] = completions

    out = write_json(Path(args.out) if args.out else default_out(args), results)
    print_table(results)
    print(f"\nResults: {out}")
    if args.wandb:
        log_to_wandb(results, completions)
    return results


def main(argv: list[str] | None = None) -> int:
    return cli.main(evaluate, EvaluateSettings, argv, prog=PROG, doc=__doc__)


if __name__ == "__main__":
    raise SystemExit(main())
