"""Evaluation of what a model can do: the probe suite, story quality (and, to come, the evaluate CLI and grading)."""
