"""The built-in story corpus: the TinyStories recipe (three random words and a set of story features per story)
rendered from word lists and story schemas written here, with no network and no LLM."""

from tinystories.synth.stories import VERSION, Story, StoryGenerator

__all__ = ["VERSION", "Story", "StoryGenerator"]
