"""Sampling from a network: greedy, top-k and nucleus agree where they must, the KV cache gives what recomputing
everything gives, a seed gives the same stories, and the end-of-text token stops a row."""

import torch

from tinystories.model import ModelConfig, Transformer
from tinystories.sampling import Sampling, continue_text, generate

SHAPE = dict(family="llama", d_model=32, n_layer=2, n_head=4, n_kv_head=2, max_seq_len=32, vocab_size=50)
GREEDY = Sampling(max_new_tokens=8, temperature=0)


def network() -> Transformer:
    torch.manual_seed(0)
    return Transformer(ModelConfig(**SHAPE))


def test_greedy_at_zero_temperature_and_stops_at_end_of_text() -> None:
    model = network()
    prompt = torch.tensor([1, 2, 3])
    greedy = generate(model, prompt, GREEDY)
    assert greedy.shape == (1, 8)
    assert torch.equal(generate(model, prompt, Sampling(8, temperature=1.0, top_k=1)), greedy)
    assert torch.equal(generate(model, prompt, Sampling(8, temperature=1.0, top_p=1e-6)), greedy)
    stop = int(greedy[0, 0])
    assert torch.equal(generate(model, prompt, GREEDY, eot_id=stop), greedy[:, :1])
    batch = generate(model, torch.stack([prompt, prompt]), Sampling(4, temperature=0.8))
    assert batch.shape == (2, 4) and int(batch.max()) < 50
    assert model.training  # sampling leaves the mode it found


def test_cached_generation_matches_recomputing_everything() -> None:
    model = network().eval()
    prompt = torch.tensor([[1, 2, 3], [4, 5, 6]])
    idx = prompt.clone()
    for _ in range(40):  # past the 32-token context: the cache is refilled on the way
        logits = model(idx[:, -model.cfg.max_seq_len :])[:, -1]
        if idx.shape[1] >= model.cfg.max_seq_len:
            break
        idx = torch.cat([idx, logits.argmax(-1, keepdim=True)], dim=1)
    naive = idx[:, 3:]
    cached = generate(model, prompt, Sampling(naive.shape[1], temperature=0))
    assert torch.equal(cached, naive)


def test_a_seed_gives_the_same_samples_without_moving_the_global_stream() -> None:
    model = network()
    seeded = Sampling(20, temperature=1.0, seed=7)
    before = torch.random.get_rng_state()
    runs = [generate(model, torch.tensor([1, 2]), seeded) for _ in range(2)]
    assert torch.equal(runs[0], runs[1])
    assert torch.equal(torch.random.get_rng_state(), before)
    shared = torch.Generator().manual_seed(7)  # one stream over several calls
    assert torch.equal(generate(model, torch.tensor([1, 2]), seeded, generator=shared), runs[0])
    assert not torch.equal(generate(model, torch.tensor([1, 2]), seeded, generator=shared), runs[0])


class Chars:
    eot_id = 0

    def encode(self, text: str) -> list[int]:
        return [ord(c) % 50 for c in text]

    def decode(self, ids: list[int]) -> str:
        return "".join(chr(97 + i % 26) for i in ids)


def test_continue_text_cuts_each_row_at_its_end_of_text() -> None:
    texts = continue_text(network(), Chars(), "abc", Sampling(12, temperature=1.0, seed=1), n=3)
    assert len(texts) == 3 and all(len(t) <= 12 for t in texts)


def test_prompts_of_different_lengths_in_one_batch_continue_as_they_would_alone() -> None:
    model = network()
    prompts = [[1, 2, 3, 4, 5, 6], [7], [8, 9, 10]]
    alone = [generate(model, torch.tensor(p), GREEDY)[0] for p in prompts]
    padded = torch.zeros(3, 6, dtype=torch.long)
    for i, p in enumerate(prompts):
        padded[i, : len(p)] = torch.tensor(p)
    together = generate(model, padded, GREEDY, lengths=[len(p) for p in prompts])
    assert together.shape == (3, 8)
    for row, expected in zip(together, alone, strict=True):
        assert torch.equal(row, expected)
    # A row that stops early is padded with end-of-text; the others go on.
    stop = int(alone[1][2])
    stopped = generate(model, padded, GREEDY, eot_id=stop, lengths=[len(p) for p in prompts])
    first = alone[1].tolist().index(stop)
    assert stopped[1, : first + 1].tolist() == alone[1][: first + 1].tolist() and set(stopped[1, first:].tolist()) == {
        stop
    }
