"""Export where small-LM users run models: llama2.c's files (checked by a reader and a forward pass written here
from llama2.c's documented layout and run.c's arithmetic, not from our exporter), GGUF (read back with the gguf
package's reader, and run by llama.cpp in the slow test), the model card, the hub push, and one command shape."""

import json
import struct
import subprocess
import sys
from pathlib import Path

import lightning as L
import numpy as np
import pytest
import torch

from conftest import SMOKE, compose_train, make_checkpoint
from tinystories.errors import ConfigError
from tinystories.inference import load_model
from tinystories.llama2c import read_llama2c
from tinystories.model import Transformer
from tinystories.sampling import Sampling, generate
from tinystories.training import build, run

LLAMA = dict(family="llama", d_model=32, n_layer=2, n_head=4, n_kv_head=2, max_seq_len=64)


def export(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """The command as a user runs it, in a subprocess."""
    cmd = [sys.executable, "-m", "tinystories.export", *args]
    return subprocess.run(cmd, capture_output=True, text=True, env=env)


def export_here(capsys, *args: str) -> tuple[int, str, str]:
    """The same command line through the same entry point, in this process (seconds less per call)."""
    from tinystories.export import main

    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


# --- an independent llama2.c reader and run.c's forward pass, in numpy -----------------------------------------
def read_run_c_model(path: Path) -> tuple[dict, dict]:
    data = path.read_bytes()
    v1 = struct.unpack_from("<I", data)[0] == 0x616B3432
    dim, hidden, layers, heads, kv_heads, vocab, seq_len = struct.unpack_from("<7i", data, 8 if v1 else 0)
    tied = bool(data[36]) if v1 else vocab > 0
    vocab = abs(vocab)
    floats = np.frombuffer(data, "<f4", offset=256 if v1 else 28).astype(np.float64)
    hs = dim // heads
    sizes = {
        "emb": (vocab, dim),
        "rms_att": (layers, dim),
        "wq": (layers, heads * hs, dim),
        "wk": (layers, kv_heads * hs, dim),
        "wv": (layers, kv_heads * hs, dim),
        "wo": (layers, dim, heads * hs),
        "rms_ffn": (layers, dim),
        "w1": (layers, hidden, dim),
        "w2": (layers, dim, hidden),
        "w3": (layers, hidden, dim),
        "rms_final": (dim,),
        "freq_cos": (seq_len, hs // 2),
        "freq_sin": (seq_len, hs // 2),
    }
    order = ["rms_att", "rms_ffn", "rms_final", "emb", "wq", "wk", "wv", "wo", "w1", "w2", "w3"] if v1 else list(sizes)
    if not tied:
        sizes["wcls"] = (vocab, dim)
        order.append("wcls")
    w, pos = {}, 0
    for name in order:
        n = int(np.prod(sizes[name]))
        w[name] = floats[pos : pos + n].reshape(sizes[name])
        pos += n
    assert pos == len(floats), "the file holds exactly what its header describes"
    w.setdefault("wcls", w["emb"])
    return w, dict(dim=dim, layers=layers, heads=heads, kv_heads=kv_heads, vocab=vocab, seq_len=seq_len)


def read_run_c_tokenizer(path: Path, vocab: int) -> tuple[list[bytes], list[float]]:
    data = path.read_bytes()
    pos, pieces, scores = 4, [], []
    for _ in range(vocab):
        score, n = struct.unpack_from("<fi", data, pos)
        pieces.append(data[pos + 8 : pos + 8 + n])
        scores.append(score)
        pos += 8 + n
    assert pos == len(data) and struct.unpack_from("<I", data)[0] == max(len(p) for p in pieces)
    return pieces, scores


def run_c_logits(w: dict, c: dict, tokens: list[int]) -> np.ndarray:
    """The last position's logits as run.c computes them: RMSNorm (eps 1e-5), rotary embeddings on adjacent
    pairs (theta 10000), grouped-query attention, SwiGLU, classifier."""
    T, hs = len(tokens), c["dim"] // c["heads"]
    angles = np.arange(T)[:, None] * (1.0 / 10000 ** (np.arange(0, hs, 2) / hs))[None]
    cos, sin = np.cos(angles)[:, None], np.sin(angles)[:, None]

    def rope(v: np.ndarray, n: int) -> np.ndarray:
        v = v.reshape(T, n, hs // 2, 2)
        a, b = v[..., 0], v[..., 1]
        return np.stack([a * cos - b * sin, a * sin + b * cos], -1).reshape(T, n, hs)

    def rms(v: np.ndarray, g: np.ndarray) -> np.ndarray:
        return v / np.sqrt((v * v).mean(-1, keepdims=True) + 1e-5) * g

    x = w["emb"][tokens]
    rep = c["heads"] // c["kv_heads"]
    for i in range(c["layers"]):
        h = rms(x, w["rms_att"][i])
        q, k = rope(h @ w["wq"][i].T, c["heads"]), rope(h @ w["wk"][i].T, c["kv_heads"])
        v = (h @ w["wv"][i].T).reshape(T, c["kv_heads"], hs)
        k, v = np.repeat(k, rep, axis=1), np.repeat(v, rep, axis=1)  # query head j reads key head j // rep
        att = np.einsum("thd,shd->hts", q, k) / np.sqrt(hs)
        att[:, np.triu(np.ones((T, T), bool), 1)] = -np.inf
        att = np.exp(att - att.max(-1, keepdims=True))
        att /= att.sum(-1, keepdims=True)
        x = x + np.einsum("hts,shd->thd", att, v).reshape(T, -1) @ w["wo"][i].T
        h = rms(x, w["rms_ffn"][i])
        gate, up = h @ w["w1"][i].T, h @ w["w3"][i].T
        x = x + (gate / (1 + np.exp(-gate)) * up) @ w["w2"][i].T
    return rms(x, w["rms_final"])[-1] @ w["wcls"].T


def greedy(w: dict, c: dict, start: list[int], n: int) -> list[int]:
    tokens = list(start)
    for _ in range(n):
        tokens.append(int(np.argmax(run_c_logits(w, c, tokens))))
    return tokens[len(start) :]


def ours_greedy(model: Transformer, start: list[int], n: int) -> list[int]:
    return generate(model, torch.tensor(start), Sampling(n, temperature=0))[0].tolist()


# --- llama2.c ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("version,tied", [(0, True), (0, False), (1, True), (1, False)])
def test_llama2c_export_runs_as_run_c_computes_it(tmp_path: Path, capsys, version: int, tied: bool) -> None:
    ckpt = make_checkpoint(tmp_path / "run", {**LLAMA, "tie_embeddings": tied})
    code, out, err = export_here(
        capsys, f"ckpt={ckpt}", "format=llama2c", f"out={tmp_path / 'l2c'}", f"llama2c_version={version}"
    )
    assert code == 0, err
    assert "./run " in out
    assert {p.name for p in (tmp_path / "l2c").iterdir()} == {
        "model.bin",
        "tokenizer.bin",
        "tokenizer.json",
        "README.md",
    }

    w, c = read_run_c_model(tmp_path / "l2c" / "model.bin")
    model, tok = load_model(ckpt)
    assert (c["dim"], c["layers"], c["vocab"], c["seq_len"]) == (32, 2, tok.vocab_size, 64)
    pieces, scores = read_run_c_tokenizer(tmp_path / "l2c" / "tokenizer.bin", c["vocab"])
    assert pieces[1] == b"<|endoftext|>"  # run.c starts and ends every story with token 1
    assert all(pieces[3 + b] == bytes([b]) for b in range(256))  # and falls back to byte b as token 3 + b
    assert scores[pieces.index(b" t")] > scores[pieces.index(b" the")]  # learned earlier, merged first

    from tinystories.data.tokenizer import TextTokenizer

    reordered = TextTokenizer.load(tmp_path / "l2c")  # the exported order, for importing the .bin into a run
    position = [reordered.tokenizer.token_to_id(tok.tokenizer.id_to_token(i)) for i in range(tok.vocab_size)]
    text = "Once upon a time, there was a dog."
    ours = [tok.eot_id, *tok.encode(text)]
    assert [position[i] for i in ours] == [1, *reordered.encode(text)]
    with torch.no_grad():
        expected = model(torch.tensor([ours]))[0, -1].double().numpy()
    np.testing.assert_allclose(run_c_logits(w, c, [position[i] for i in ours])[position], expected, atol=1e-4)
    mine = ours_greedy(model, [tok.eot_id], 24)
    theirs = greedy(w, c, [1], 24)
    assert theirs == [position[i] for i in mine]

    # importing it back: into a run's model, with the tokenizer.json written in the same token order
    from tinystories.llama2c import Llama2cWeights

    cfg, _ = read_llama2c(tmp_path / "l2c" / "model.bin")
    back = Transformer(cfg)
    Llama2cWeights(str(tmp_path / "l2c" / "model.bin"))(back)
    torch.testing.assert_close(
        back(torch.tensor([reordered.encode(text)]))[0][:, position], model(torch.tensor([tok.encode(text)]))[0]
    )


def test_llama2c_pt_checkpoints_import(tmp_path: Path, capsys) -> None:
    """llama2.c's train.py saves {"model": state dict, "model_args": ...}: written here from the .bin read back."""

    ckpt = make_checkpoint(tmp_path / "run", LLAMA)
    assert export_here(capsys, f"ckpt={ckpt}", "format=llama2c", f"out={tmp_path / 'l2c'}")[0] == 0
    w, c = read_run_c_model(tmp_path / "l2c" / "model.bin")
    t = {k: torch.tensor(v, dtype=torch.float32) for k, v in w.items()}
    state = {"tok_embeddings.weight": t["emb"], "norm.weight": t["rms_final"], "output.weight": t["emb"]}
    for i in range(c["layers"]):
        for ours, theirs in [("rms_att", "attention_norm"), ("rms_ffn", "ffn_norm")]:
            state[f"layers.{i}.{theirs}.weight"] = t[ours][i]
        for name in ("wq", "wk", "wv", "wo"):
            state[f"_orig_mod.layers.{i}.attention.{name}.weight"] = t[name][i]  # saved from a compiled model
        for name in ("w1", "w2", "w3"):
            state[f"layers.{i}.feed_forward.{name}.weight"] = t[name][i]
    args = dict(dim=32, n_layers=2, n_heads=4, n_kv_heads=2, vocab_size=c["vocab"], max_seq_len=64, multiple_of=32)
    torch.save({"model": state, "model_args": args, "iter_num": 10}, tmp_path / "ckpt.pt")
    cfg_bin, from_bin = read_llama2c(tmp_path / "l2c" / "model.bin")
    cfg_pt, from_pt = read_llama2c(tmp_path / "ckpt.pt")
    assert cfg_pt == cfg_bin and from_pt.keys() == from_bin.keys()
    for name in from_bin:
        torch.testing.assert_close(from_pt[name], from_bin[name])

    from tinystories.llama2c import Llama2cWeights
    from tinystories.model import ModelConfig

    wrong = Transformer(ModelConfig(**{**LLAMA, "n_layer": 3}, vocab_size=c["vocab"]))
    with pytest.raises(ConfigError, match=r"model.init_from=.*ckpt.pt does not fit .*: model.n_layer=3 but it has 2"):
        Llama2cWeights(str(tmp_path / "ckpt.pt"))(wrong)


class StartingWeights(L.Callback):
    def on_train_start(self, trainer, pl_module) -> None:
        self.weights = {k: v.detach().clone() for k, v in pl_module.model.state_dict().items()}


def test_a_run_starts_from_a_llama2c_export(tmp_path: Path, smoke_cache: Path, trained_run: Path) -> None:
    out = tmp_path / "l2c"
    assert export(f"ckpt={trained_run / 'checkpoints' / 'last.ckpt'}", "format=llama2c", f"out={out}").returncode == 0
    tok = ["tokenizer=file", f"tokenizer.name_or_path={out / 'tokenizer.json'}"]
    overrides = [
        *SMOKE,
        *tok,
        "data.n_train=300",  # a new tokenizer means a new token cache: a small corpus, encoded in this process
        "data.n_val=30",
        "data.num_proc=1",
        "logger=none",
        "trainer.max_steps=1",
        f"model.init_from={out}/model.bin",
        "ckpt_path=null",
    ]
    start = StartingWeights()
    job = build(compose_train(tmp_path, overrides, smoke_cache), callbacks=[start])
    run(job)
    assert job.trainer.global_step == 1
    _, exported = read_llama2c(out / "model.bin")  # the run started from the export's weights
    assert start.weights.keys() == exported.keys()
    for name, weight in exported.items():
        torch.testing.assert_close(start.weights[name], weight, msg=name)


# --- GGUF -------------------------------------------------------------------------------------------------------
def test_gguf_holds_the_model_llama_cpp_computes(tmp_path: Path, capsys) -> None:
    gguf = pytest.importorskip("gguf", reason="GGUF export needs the export extra: pip install -e '.[export]'")
    ckpt = make_checkpoint(tmp_path / "run", {**LLAMA, "tie_embeddings": False})
    code, _, err = export_here(capsys, f"ckpt={ckpt}", "format=gguf", f"out={tmp_path / 'gguf'}")
    assert code == 0, err
    reader = gguf.GGUFReader(tmp_path / "gguf" / "model.gguf")
    field = {name: f.contents() for name, f in reader.fields.items()}
    model, tok = load_model(ckpt)
    assert field["general.architecture"] == "llama" and field["llama.block_count"] == 2
    assert field["llama.attention.head_count_kv"] == 2 and field["llama.context_length"] == 64
    assert field["tokenizer.ggml.model"] == "gpt2" and field["tokenizer.ggml.tokens"][tok.eot_id] == "<|endoftext|>"
    assert field["tokenizer.ggml.eos_token_id"] == tok.eot_id

    t = {x.name: np.asarray(x.data, dtype=np.float64) for x in reader.tensors}
    names = {"rms_att": "attn_norm", "wq": "attn_q", "wk": "attn_k", "wv": "attn_v", "wo": "attn_output"}
    names |= {"rms_ffn": "ffn_norm", "w1": "ffn_gate", "w2": "ffn_down", "w3": "ffn_up"}
    w = {k: np.stack([t[f"blk.{i}.{v}.weight"] for i in range(2)]) for k, v in names.items()}
    w |= {"emb": t["token_embd.weight"], "rms_final": t["output_norm.weight"], "wcls": t["output.weight"]}
    c = dict(dim=32, layers=2, heads=4, kv_heads=2)
    ids = [tok.eot_id, *tok.encode("Once upon a time, there was a dog.")]
    with torch.no_grad():
        expected = model(torch.tensor([ids]))[0, -1].double().numpy()
    np.testing.assert_allclose(run_c_logits(w, c, ids), expected, atol=1e-4)  # llama.cpp's layout computes ours
    assert greedy(w, c, [tok.eot_id], 24) == ours_greedy(model, [tok.eot_id], 24)


@pytest.mark.slow
def test_llama_cpp_continues_a_gguf_export_as_generate_does(tmp_path: Path) -> None:
    llama_cpp = pytest.importorskip("llama_cpp", reason="needs llama-cpp-python: pip install -e '.[local-llm,export]'")
    ckpt = make_checkpoint(tmp_path / "run", LLAMA)
    assert export(f"ckpt={ckpt}", "format=gguf", f"out={tmp_path / 'gguf'}").returncode == 0
    prompt = "Once upon a time"
    cmd = ["-m", "tinystories.generate", f"ckpt={ckpt}", f"prompt={prompt}", "temperature=0", "max_new_tokens=40"]
    ours = subprocess.run([sys.executable, *cmd], capture_output=True, text=True)
    assert ours.returncode == 0, ours.stderr
    model, tok = load_model(ckpt)
    llm = llama_cpp.Llama(str(tmp_path / "gguf" / "model.gguf"), n_ctx=64, logits_all=True, verbose=False)
    try:
        ids = llm.tokenize(prompt.encode(), add_bos=False)
        assert ids == tok.encode(prompt)  # the same tokenizer
        llm.eval(ids)
        with torch.no_grad():
            expected = model(torch.tensor([ids]))[0].numpy()
        np.testing.assert_allclose(np.asarray(llm.scores[: len(ids)]), expected, atol=1e-3)  # the same function
        llm.reset()
        theirs = []
        for token in llm.generate(ids, temp=0.0, top_k=1):
            if token == tok.eot_id or len(theirs) == 40:
                break
            theirs.append(token)
    finally:
        llm.close()
    assert len(theirs) > 10
    assert ours.stdout == f"--- story 1\n{prompt}{tok.decode(theirs)}\n\n"


# --- the card, the hub, the command -----------------------------------------------------------------------------
def test_every_export_has_a_model_card_from_what_the_checkpoint_carries(
    trained_run: Path, tmp_path: Path, capsys
) -> None:
    saved = torch.load(trained_run / "checkpoints" / "last.ckpt", map_location="cpu", weights_only=False)
    model, _ = load_model(trained_run / "checkpoints" / "last.ckpt")
    code, _, err = export_here(capsys, f"ckpt={trained_run / 'checkpoints' / 'last.ckpt'}", f"out={tmp_path / 'hf'}")
    assert code == 0, err
    card = (tmp_path / "hf" / "README.md").read_text()
    assert card.startswith("---\npipeline_tag: text-generation\n") and "library_name: transformers" in card
    assert f"| parameters | {sum(p.numel() for p in model.parameters()):,} |" in card
    assert f"| tokens seen | {saved['tokens_seen']:,} |" in card and "| optimizer steps | 30 |" in card
    assert f"| final validation loss | {saved['metrics']['val/loss']:.4f} nats/token" in card
    assert "| training data | 20,000 stories from tinystories' built-in story generator" in card
    assert "| tokenizer | a byte-level BPE of 512 tokens trained on the training stories |" in card


def test_push_to_hub_fails_clearly_and_keeps_the_export(trained_run: Path, tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "HF_HUB_OFFLINE": "1", "HOME": str(tmp_path)}
    out = tmp_path / "hf"
    proc = export(f"ckpt={trained_run / 'checkpoints' / 'last.ckpt'}", f"out={out}", "push_to_hub=me/tiny", env=env)
    assert proc.returncode == 2
    assert "could not push" in proc.stderr and "me/tiny" in proc.stderr and "OfflineModeIsEnabled" in proc.stderr
    assert "# me/tiny" in (out / "README.md").read_text()  # the card names the repo it was meant for
    assert json.loads((out / "config.json").read_text())["model_type"] == "llama"


def test_export_refuses_what_a_format_cannot_hold(tmp_path: Path, capsys) -> None:
    neo = make_checkpoint(tmp_path / "neo", dict(family="gpt-neo", d_model=32, n_layer=2, n_head=4, max_seq_len=64))
    for fmt in ("gguf", "llama2c"):
        code, _, err = export_here(capsys, f"ckpt={neo}", f"format={fmt}", f"out={tmp_path / fmt}")
        assert code == 2 and "Llama family only; this model is gpt-neo" in err, err
        assert not (tmp_path / fmt).exists()  # nothing half-written
    code, _, err = export_here(capsys, f"ckpt={neo}", "format=onnx", f"out={tmp_path / 'x'}")
    assert code == 2 and "format=onnx is unknown; use one of hf, gguf, llama2c" in err
    llama = make_checkpoint(tmp_path / "llama", LLAMA)
    code, _, err = export_here(capsys, f"ckpt={llama}", "format=llama2c", "llama2c_version=2", f"out={tmp_path / 'v2'}")
    assert code == 2 and "version 0 (run.c's) or 1" in err and not (tmp_path / "v2").exists()

    (tmp_path / "short.bin").write_bytes(struct.pack("<7i", 32, 88, 2, 4, 2, 300, 64) + b"\0" * 400)
    with pytest.raises(ConfigError, match="ends early"):
        read_llama2c(tmp_path / "short.bin")
