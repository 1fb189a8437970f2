"""The built-in story corpus: simple children's stories rendered from templates, with no network and no LLM.

This is a small first version; the issue "Built-in story generator" grows it into the paper's full recipe.
"""

from tinystories.synth.stories import VERSION, generate_stories, render_story

__all__ = ["VERSION", "generate_stories", "render_story"]
