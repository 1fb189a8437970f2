"""One definition of a word and of the measures on words, shared by the corpus statistics and the evaluation."""

import pytest

from tinystories.eval.quality import story_quality
from tinystories.synth.stats import corpus_stats
from tinystories.text_stats import distinct_n, repetition_rate, words


def test_words_keep_apostrophes_inside_and_any_script() -> None:
    assert words("Lily’s dog didn't run 2 times! Zoë's café.") == [
        "lily’s",
        "dog",
        "didn't",
        "run",
        "2",
        "times",
        "zoë's",
        "café",
    ]
    assert words("'Hi,' said Tom_Bo -- 'bye'") == ["hi", "said", "tom", "bo", "bye"]


def test_distinct_n_and_repetition_on_fixed_text() -> None:
    texts = ["The cat sat. The cat sat.", "A dog ran!", "And then the"]
    assert distinct_n(texts, 1) == pytest.approx(8 / 12)  # the cat sat a dog ran and then, of 12 words
    assert distinct_n(texts[:2], 2) == pytest.approx(5 / 7)  # n-grams never cross from one text to the next
    assert repetition_rate(texts[:2], 2) == pytest.approx(2 / 7)
    assert repetition_rate(texts[:2], 4) == 0.0
    assert distinct_n([], 2) == 0.0 and repetition_rate([""]) == 0.0


def test_corpus_statistics_and_evaluation_agree_on_the_same_text() -> None:
    texts = ["Mia’s cat can't find 3 red balls.", "Mia’s cat found them! The cat was happy.", "Zoë smiled."]
    assert corpus_stats(texts)["distinct_3grams"] == story_quality(texts)["distinct_3"] == distinct_n(texts, 3)
    assert corpus_stats(texts)["distinct_words"] == len(set(words(" ".join(texts))))
