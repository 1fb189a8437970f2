"""Measuring what a model can do: the probe suite (probes.py, made from probe_templates.py), story quality
(quality.py), LLM grading (grading.py) and the probe callback for training (callback.py); `tinystories.evaluate`
puts them together."""
