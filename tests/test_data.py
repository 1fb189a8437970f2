import json
import os
from pathlib import Path

import numpy as np
import pytest

from conftest import generate_stories
from tinystories.data.datamodule import StoryDataModule
from tinystories.data.sources import BuiltinSource, HubSource, LocalSource
from tinystories.data.tokenizer import TrainBPE
from tinystories.data.windows import TokenWindows, WindowOrder
from tinystories.errors import DataError
from tinystories.released_txt import read_stories


def released_txt(path: Path, stories: list[str]) -> Path:
    path.write_text("".join(f"{s}\n<|endoftext|>\n" for s in stories), encoding="utf-8")
    return path


def datamodule(tmp_path: Path, source, vocab: int = 300, **kw) -> StoryDataModule:
    return StoryDataModule(source, TrainBPE(vocab), seq_len=32, batch_size=4, cache_dir=str(tmp_path / "cache"), **kw)


# --- windows and their order ---------------------------------------------------------------------------------
def test_windows_cover_the_data() -> None:
    tokens = np.arange(1001, dtype=np.uint16)
    windows = TokenWindows(tokens, seq_len=10)
    assert len(windows) == 100
    seen = np.concatenate([windows[i][:-1].numpy() for i in range(len(windows))])
    assert np.array_equal(seen, tokens[:1000])  # every token is an input once; the last only a target
    assert windows[3].tolist() == list(range(30, 41))  # seq_len + 1 tokens: inputs and shifted targets


def test_rank_shares_are_disjoint_and_cover_an_epoch() -> None:
    shares = [list(WindowOrder(103, num_samples=51, seed=7, rank=r, world_size=2)) for r in range(2)]
    assert not set(shares[0]) & set(shares[1])
    assert len(set(shares[0]) | set(shares[1])) == 102  # 103 windows over 2 ranks: one left out this epoch


def test_order_is_a_function_of_seed_and_epoch() -> None:
    a = list(WindowOrder(50, num_samples=150, seed=1))
    assert a == list(WindowOrder(50, num_samples=150, seed=1))
    assert a != list(WindowOrder(50, num_samples=150, seed=2))
    epochs = [a[i : i + 50] for i in range(0, 150, 50)]
    assert all(sorted(e) == list(range(50)) for e in epochs)  # each data epoch is a permutation
    assert epochs[0] != epochs[1]


def test_resuming_mid_stream_gives_the_same_next_indices() -> None:
    full = list(WindowOrder(37, num_samples=100, seed=3, rank=1, world_size=2))
    for start in (0, 5, 18, 19, 60):
        resumed = WindowOrder(37, num_samples=100, seed=3, rank=1, world_size=2, start=start)
        assert len(resumed) == 100  # the run's length, as the trainer counts it
        assert list(resumed) == full[start:]


# --- sources -------------------------------------------------------------------------------------------------
def test_released_txt_format(shared_sample: Path) -> None:
    stories = list(read_stories(shared_sample))
    assert len(stories) == 291
    assert stories[0].startswith("Once upon a time, in a big forest, there lived a rhinoceros named Roxy.")
    assert all("<|endoftext|>" not in s and s == s.strip() for s in stories)


def test_local_source_holds_out_validation(tmp_path: Path, shared_sample: Path) -> None:
    dm = datamodule(tmp_path, LocalSource(str(shared_sample), val_fraction=0.1))
    dm.setup()
    assert dm.meta["val"]["stories"] > 10 and dm.meta["train"]["stories"] > 200
    assert dm.meta["val"]["stories"] + dm.meta["train"]["stories"] == 291
    tokens = dm.tokens["train"]
    first = dm.tokenizer.decode(tokens[: int(np.argmax(tokens == dm.tokenizer.eot_id))].tolist())
    assert first in list(read_stories(shared_sample))


def test_mojibake_is_repaired(tmp_path: Path) -> None:
    path = released_txt(tmp_path / "damaged.txt", ["Tom didnâ€™t want to go. â€œNo!â€\x9d he said."] * 20)
    dm = datamodule(tmp_path, LocalSource(str(path), val_path=str(path)))
    story = next(dm.stories("train"))
    assert story == "Tom didn’t want to go. “No!” he said."
    raw = datamodule(tmp_path, LocalSource(str(path), val_path=str(path)), repair_encoding=False)
    assert "â€™" in next(raw.stories("train"))


def test_json_formats(tmp_path: Path) -> None:
    records = [{"story": f"Story number {i}.", "summary": "x"} for i in range(5)]
    (tmp_path / "all_data.json").write_text(json.dumps(records))  # TinyStories_all_data: a JSON array
    (tmp_path / "lines.jsonl").write_text("".join(json.dumps({"text": f"Line {i}."}) + "\n" for i in range(3)))
    assert list(
        LocalSource(str(tmp_path / "all_data.json"), val_path=str(tmp_path / "all_data.json")).stories("train")
    )[:2] == ["Story number 0.", "Story number 1."]
    assert list(LocalSource(str(tmp_path / "lines.jsonl"), val_fraction=0.0).stories("train")) == [
        "Line 0.",
        "Line 1.",
        "Line 2.",
    ]


def test_hub_source_loads_through_datasets(tmp_path: Path) -> None:
    """The hub path (`datasets.load_dataset`) on a local dataset folder, as on the hub: split files, a text field."""
    folder = tmp_path / "my-stories"
    folder.mkdir()
    for split, n in (("train", 6), ("validation", 2)):
        (folder / f"{split}.jsonl").write_text("".join(json.dumps({"text": f"{split} {i}."}) + "\n" for i in range(n)))
    source = HubSource(str(folder))
    assert list(source.stories("train")) == [f"train {i}." for i in range(6)]
    assert list(source.stories("val")) == ["validation 0.", "validation 1."]
    held_out = HubSource(str(folder), val_split=None, val_fraction=0.5)
    assert sorted(list(held_out.stories("train")) + list(held_out.stories("val"))) == sorted(source.stories("train"))


# --- the token cache -----------------------------------------------------------------------------------------
def test_token_cache_is_reused_and_rebuilt_when_the_tokenizer_changes(tmp_path: Path) -> None:
    source = BuiltinSource(n_train=300, n_val=30)
    first = datamodule(tmp_path, source)
    first.setup()
    cached = sorted((tmp_path / "cache" / "tokens").iterdir())
    assert len(cached) == 1
    stamp = (cached[0] / "train.bin").stat().st_mtime_ns

    again = datamodule(tmp_path, source)
    again.setup()
    assert sorted((tmp_path / "cache" / "tokens").iterdir()) == cached
    assert (cached[0] / "train.bin").stat().st_mtime_ns == stamp  # read, not rewritten
    assert np.array_equal(again.tokens["train"], first.tokens["train"])

    other = datamodule(tmp_path, source, vocab=400)
    other.setup()
    assert len(list((tmp_path / "cache" / "tokens").iterdir())) == 2
    assert other.vocab_size == 400
    assert not [p for p in (tmp_path / "cache").rglob(".*")]  # no temporary entries left


def test_tokens_are_stories_joined_by_end_of_text(tmp_path: Path) -> None:
    dm = datamodule(tmp_path, BuiltinSource(n_train=20, n_val=5))
    dm.setup()
    tokens = dm.tokens["train"]
    assert tokens.dtype == np.uint16 and tokens[-1] == dm.tokenizer.eot_id
    assert int((tokens == dm.tokenizer.eot_id).sum()) == 20
    first = tokens[: int(np.argmax(tokens == dm.tokenizer.eot_id))]
    assert dm.tokenizer.decode(first.tolist()) == next(dm.stories("train"))
    assert dm.val_bytes_per_token > 1.2  # BPE tokens cover more than a byte each


def test_a_damaged_token_cache_entry_is_named_and_rebuilt(tmp_path: Path, capsys) -> None:
    from tinystories.data.cache import load_token_cache

    source = BuiltinSource(n_train=100, n_val=10)
    datamodule(tmp_path, source).setup()
    (entry,) = (tmp_path / "cache" / "tokens").iterdir()
    meta = json.loads((entry / "meta.json").read_text())
    whole = (entry / "train.bin").read_bytes()
    assert meta["train"]["nbytes"] == len(whole) == 2 * meta["train"]["tokens"]

    (entry / "train.bin").write_bytes(whole[: len(whole) // 2])  # a copy cut short, a disk that filled
    with pytest.raises(DataError, match=f"entry {entry} is damaged: train.bin has {len(whole) // 2} bytes"):
        load_token_cache(entry)
    rebuilt = datamodule(tmp_path, source)
    rebuilt.setup()
    assert f"warning: the token cache entry {entry} is damaged" in capsys.readouterr().out
    assert (entry / "train.bin").read_bytes() == whole
    assert not [p for p in (tmp_path / "cache").rglob(".*")]


def test_a_short_write_while_building_the_cache_is_an_error(tmp_path: Path, monkeypatch) -> None:
    from tinystories.data import cache

    join = cache._join

    def join_losing_the_tail(target: Path, pieces: list[Path]) -> None:  # what a full disk did, without an error
        join(target, pieces)
        os.truncate(target, target.stat().st_size - 6)

    monkeypatch.setattr(cache, "_join", join_losing_the_tail)
    with pytest.raises(
        DataError, match=r"writing the token cache came up short \(train.bin has .*\): most likely the disk is full"
    ):
        datamodule(tmp_path, BuiltinSource(n_train=50, n_val=10)).setup()
    assert not list((tmp_path / "cache" / "tokens").iterdir())


# --- bad input -----------------------------------------------------------------------------------------------
def test_missing_path(tmp_path: Path) -> None:
    with pytest.raises(DataError, match=r"data path .*nowhere.txt does not exist. Point data.source.train_path"):
        LocalSource(str(tmp_path / "nowhere.txt"))


def test_empty_corpus_leaves_no_cache(tmp_path: Path) -> None:
    path = released_txt(tmp_path / "empty.txt", [])
    path.write_text("<|endoftext|>\n\n<|endoftext|>\n")
    dm = StoryDataModule(LocalSource(str(path), val_path=str(path)), TrainBPE(300), cache_dir=str(tmp_path / "cache"))
    with pytest.raises(DataError, match="is empty: no stories found"):
        dm.setup()
    assert not list((tmp_path / "cache" / "tokens").glob("*"))


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes("Zoë went to the café.\n<|endoftext|>\n".encode("latin-1"))
    with pytest.raises(DataError, match=r"latin1.txt is not UTF-8 text \(line 1: byte 0xeb\).*iconv -f latin1"):
        list(LocalSource(str(path)).stories("train"))


def test_hub_unreachable_offline_points_at_local_files() -> None:
    with pytest.raises(DataError, match="could not load 'roneneldan/TinyStories'.*data=local data.source.train_path"):
        next(HubSource("roneneldan/TinyStories").stories("train"))


def test_stretches_of_a_released_file_read_as_the_whole_file(tmp_path: Path) -> None:
    from tinystories.released_txt import story_boundaries

    text = "\n<|endoftext|>\n" + "".join(f"Story {i}.\nLine two {'é' * (i % 3)}.\n<|endoftext|>\n" for i in range(40))
    path = tmp_path / "stories.txt"
    path.write_text(text + "\n  \n<|endoftext|>\nA last story with no marker.\n", encoding="utf-8")
    whole = list(read_stories(path))
    assert len(whole) == 41
    for pieces in (1, 2, 3, 7, 100):
        cuts = story_boundaries(path, pieces)
        assert cuts[0] == 0 and cuts[-1] == path.stat().st_size and cuts == sorted(set(cuts))
        assert [s for a, b in zip(cuts, cuts[1:], strict=False) for s in read_stories(path, a, b)] == whole


@pytest.mark.parametrize("source_kind", ["local", "builtin"])
def test_the_token_cache_is_the_same_for_any_number_of_workers(
    tmp_path: Path, source_kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Parts read by two worker processes, joined in order, give the bytes one process writes; the held-out
    share is routed in the same pass. Parts are made small so a small corpus is cut into several."""
    from tinystories.data import sources
    from tinystories.data.cache import build_token_cache, load_token_cache

    monkeypatch.setattr(sources, "PART_BYTES", 2_000)
    monkeypatch.setattr(sources, "PART_STORIES", 50)
    if source_kind == "local":
        stories = generate_stories(400, seed=3) + ["Ünïcode â€™mojibakeâ€™ repaired."]
        path = tmp_path / "train.txt"
        path.write_text("".join(f"{s}\n<|endoftext|>\n" for s in stories), encoding="utf-8")
        source = LocalSource(str(path), val_fraction=0.1)
    else:
        source = BuiltinSource(n_train=300, n_val=60, seed=1)
    parts = source.parts(("train", "val"), 8)
    assert len(parts) >= 4
    tokenizer = TrainBPE(vocab_size=300).build(lambda: source.stories("train"))
    built = {}
    for workers in (1, 2):
        build_token_cache(tmp_path / f"w{workers}", tokenizer, parts, "test corpus", workers=workers)
        built[workers] = load_token_cache(tmp_path / f"w{workers}")
    (one, meta_one), (two, meta_two) = built[1], built[2]
    assert meta_one == meta_two and meta_one["val"]["stories"] > 0
    for split in ("train", "val"):
        assert np.array_equal(one[split], two[split])
    # The serial reading of the source, repaired, is what the cache holds.
    eot = tokenizer.eot_id
    first_train = one["train"][: int(np.argmax(one["train"] == eot))].tolist()
    assert tokenizer.decode(first_train) == next(iter(source.stories("train")))
    assert meta_one["train"]["stories"] + meta_one["val"]["stories"] == (401 if source_kind == "local" else 360)
    if source_kind == "local":
        assert "’mojibake’" in tokenizer.decode(one["train"].tolist() + one["val"].tolist())


def test_a_script_without_a_main_guard_is_told_how_to_build_the_cache(tmp_path: Path) -> None:
    """Worker processes are spawned, which re-imports the main script: unguarded, its workers die. The build
    says why and what to do, instead of a bare BrokenProcessPool."""
    import subprocess
    import sys

    script = tmp_path / "unguarded.py"
    script.write_text(
        "from pathlib import Path\n"
        "from tinystories.data.cache import build_token_cache\n"
        "from tinystories.data.sources import BuiltinSource\n"
        "from tinystories.data.tokenizer import TrainBPE\n"
        "source = BuiltinSource(n_train=40, n_val=10)\n"
        "tok = TrainBPE(vocab_size=300).build(lambda: source.stories('train'))\n"
        f"build_token_cache(Path({str(tmp_path / 'cache')!r}), tok, source.parts(('train', 'val'), 2) * 2, 'x', "
        "workers=2)\n"
    )
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0
    assert "if __name__ == '__main__':" in proc.stderr and "data.num_proc=1" in proc.stderr
    assert not (tmp_path / "cache").exists()
