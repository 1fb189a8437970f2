"""Grading stories with an LLM, in the paper's way: the model under test completes a story beginning, and a grader
model scores the completion for grammar, creativity, consistency with the beginning and plot (out of 10) and
guesses the age group of its writer. Any OpenAI-compatible endpoint grades; one failed or malformed answer is
recorded as a failure of that prompt, never as a crash of the evaluation."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from tinystories.llm import ChatClient, LLMError

CRITERIA = ("grammar", "creativity", "consistency", "plot")
AGE_GROUPS = ("A: 3 or under", "B: 4-5", "C: 6-7", "D: 8-9", "E: 10-12", "F: 13-16")

GRADER_PROMPT = """In the following exercise, the student is given a beginning of a story. The student needs to \
complete it into a full story. The exercise tests the student's language abilities and creativity. The symbol *** \
marks the separator between the prescribed beginning and the student's completion:

{beginning}***{completion}

Please provide your general assessment about the part written by the student (the one after the *** symbol). Is it \
grammatically correct? Is it consistent with the beginning of the story? Pay special attention to whether the \
student manages to complete the sentence which is split in the middle by the separator ***.

Then grade the student's completion in terms of grammar, creativity, consistency with the story's beginning and \
whether the plot makes sense, each from 1 to 10, and guess the age group of the student: {age_groups}.
End your answer with one line of JSON: {{"grammar": G, "creativity": C, "consistency": S, "plot": P, \
"age_group": "LETTER"}}"""


@dataclass
class Grades:
    scores: dict[str, dict] = field(default_factory=dict)  # prompt -> {criterion: score, age_group: letter}
    failures: dict[str, str] = field(default_factory=dict)  # prompt -> why it has no grade

    def means(self) -> dict[str, float]:
        graded = list(self.scores.values())
        return {c: sum(g[c] for g in graded) / len(graded) for c in CRITERIA} if graded else {}


def parse_grade(reply: str) -> dict:
    """The last JSON object of the grader's reply, checked: four scores from 1 to 10 and an age group."""
    objects = re.findall(r"\{[^{}]*\}", reply)
    if not objects:
        raise ValueError("no JSON object in the reply")
    grade = json.loads(objects[-1])
    for criterion in CRITERIA:
        value = grade.get(criterion)
        if not isinstance(value, (int, float)) or not 1 <= value <= 10:
            raise ValueError(f"{criterion} is {value!r}, not a score from 1 to 10")
    letter = str(grade.get("age_group", "")).strip()[:1].upper()
    if letter not in "ABCDEF" or not letter:
        raise ValueError(f"age_group is {grade.get('age_group')!r}, not one of A-F")
    return {**{c: float(grade[c]) for c in CRITERIA}, "age_group": letter}


def grade_completions(client: ChatClient, completions: dict[str, str]) -> Grades:
    """Grades each (beginning -> completion); a prompt whose request fails or whose reply cannot be read is
    listed in `failures` with the reason."""
    grades = Grades()
    for beginning, completion in completions.items():
        prompt = GRADER_PROMPT.format(beginning=beginning, completion=completion, age_groups=", ".join(AGE_GROUPS))
        try:
            grades.scores[beginning] = parse_grade(client.complete(prompt, temperature=0.0, max_tokens=600))
        except LLMError as e:
            grades.failures[beginning] = f"request failed: {e}"
        except (ValueError, TypeError) as e:
            grades.failures[beginning] = f"unreadable grade: {e}"
    return grades
