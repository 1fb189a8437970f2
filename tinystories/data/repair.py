"""The encoding damage of the released TinyStories files (`â€™` for `’`), undone per story."""

from __future__ import annotations


def repair_mojibake(story: str) -> str:
    """Undo the encoding damage in the released files (`â€™` for `’`, ...); ASCII stories need no look.
    Only the encoding is repaired: curly quotes and other characters the authors chose stay as they are."""
    if story.isascii():
        return story
    import ftfy

    return ftfy.fix_text(story, uncurl_quotes=False)
