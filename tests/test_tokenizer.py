from pathlib import Path

import pytest

from conftest import generate_stories
from tinystories.data.tokenizer import FrequentSubset, Pretrained, TextTokenizer, TrainBPE
from tinystories.errors import DataError
from tinystories.released_txt import EOT, read_stories

STORIES = list(generate_stories(300, seed=0)) + ["Ünïcode “quotes” and emoji 🐶 stay exact.\n\nTwo newlines too."]


def test_bpe_round_trips_exactly() -> None:
    tok = TrainBPE(vocab_size=400).build(lambda: iter(STORIES))
    assert tok.vocab_size == 400
    assert tok.tokenizer.id_to_token(tok.eot_id) == EOT
    for story in STORIES[:50] + STORIES[-1:]:
        assert tok.decode(tok.encode(story)) == story
    assert tok.encode(f"The end.{EOT}")[-1] == tok.eot_id  # the separator is one token


def test_real_stories_round_trip(shared_sample: Path) -> None:
    stories = list(read_stories(shared_sample))
    tok = TrainBPE(vocab_size=1000).build(lambda: iter(stories))
    for story in stories:
        assert tok.decode(tok.encode(story)) == story


def test_save_and_load(tmp_path: Path) -> None:
    tok = TrainBPE(vocab_size=200).build(lambda: iter(STORIES))
    tok.save(tmp_path / "tok")
    again = TextTokenizer.load(tmp_path / "tok")
    assert again.fingerprint() == tok.fingerprint()
    assert [p.name for p in tmp_path.iterdir()] == ["tok"]  # no temporary folder left behind
    from_file = Pretrained(str(tmp_path / "tok" / "tokenizer.json")).build(lambda: iter(()))
    assert from_file.encode(STORIES[0]) == tok.encode(STORIES[0])


def test_frequent_subset_remaps_to_the_most_common_tokens(tmp_path: Path) -> None:
    TrainBPE(vocab_size=500).build(lambda: iter(STORIES)).save(tmp_path / "base")
    sub = FrequentSubset(base=str(tmp_path / "base" / "tokenizer.json"), vocab_size=200).build(lambda: iter(STORIES))
    assert sub.vocab_size == 200
    ids = sub.encode(STORIES[1] + EOT)
    assert max(ids) < 200 and ids[-1] == sub.eot_id
    common = "One day, she went to the park with her mom."  # the commonest words of the stories
    assert sub.decode(sub.encode(common)) == common
    rare = "Ünïcode 🐶"
    assert sub.fallback_id in sub.encode(rare)
    assert "\ufffd" in sub.decode(sub.encode(rare))
    sub.save(tmp_path / "sub")
    assert TextTokenizer.load(tmp_path / "sub").encode(common) == sub.encode(common)


def test_missing_tokenizer_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="tokenizer file .*nope.json does not exist"):
        Pretrained(str(tmp_path / "nope.json")).build(lambda: iter(()))


def test_hub_tokenizer_offline_says_what_to_do() -> None:
    with pytest.raises(DataError, match="Offline, point tokenizer.name_or_path at a local tokenizer.json"):
        Pretrained("EleutherAI/gpt-neo-125M").build(lambda: iter(()))


class CountingDecoder:
    """A tokenizer that counts the tokens it is asked to decode."""

    def __init__(self, tok: TextTokenizer) -> None:
        self.tok, self.decoded = tok, 0

    def decode(self, ids: list[int]) -> str:
        self.decoded += len(ids)
        return self.tok.decode(ids)


@pytest.mark.parametrize("keep", [False, True], ids=["bpe", "subset"])
def test_text_streams_exactly_in_linear_time(keep: bool, tmp_path: Path) -> None:
    from tinystories.generate import TextStream

    tok = TrainBPE(vocab_size=300).build(lambda: iter(STORIES))
    if keep:  # a vocabulary cut to frequent tokens: rare ones decode as U+FFFD
        tok.save(tmp_path / "base")
        spec = FrequentSubset(str(tmp_path / "base" / "tokenizer.json"), vocab_size=200)
        tok = spec.build(lambda: iter(STORIES))
    text = " ".join(STORIES[:20] + STORIES[-1:]) + " 🐶"
    ids = tok.encode(text)
    counting = CountingDecoder(tok)
    stream = TextStream(counting)
    shown = "".join(stream.push(i) for i in ids) + stream.flush()
    assert shown == tok.decode(ids)
    assert counting.decoded < 8 * len(ids)  # each token decoded a few times, not once per later token
