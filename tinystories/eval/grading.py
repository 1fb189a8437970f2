"""Grading stories with an LLM, in the paper's way: the model under test completes a story beginning, and a grader
model scores the completion for grammar, creativity, consistency with the beginning and plot (out of 10) and
guesses the age group of its writer. Any OpenAI-compatible endpoint grades; one failed or malformed answer is
recorded as a failure of that prompt, never as a crash of the evaluation.

The grader is asked for a JSON object that fits GRADE_SCHEMA where the server offers structured output (small
local graders then cannot wander off the format); where it does not, its reply is read either way: a JSON object,
or the paper's free-text grade ("Grammar: 8/10, Creativity: 7/10, ... Age group: B (4-5)")."""

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


SCORES = list(range(1, 11))
GRADE_SCHEMA = {
    "type": "object",
    "properties": {
        "assessment": {"type": "string"},
        **{c: {"type": "integer", "enum": SCORES} for c in CRITERIA},
        "age_group": {"type": "string", "enum": [g[0] for g in AGE_GROUPS]},
    },
    "required": ["assessment", *CRITERIA, "age_group"],
    "additionalProperties": False,
}
# "Grammar: 8/10", "creativity - 7 out of 10", "**Plot**: 6"; the score must be out of 10 or follow a colon or dash
SCORE_OUT_OF_10 = r"\b{0}\w*[^\d\n.]{{0,40}}?(\d+(?:\.\d+)?)\s*(?:/\s*10|out of 10)"
SCORE_AFTER_COLON = r"\b{0}\w*\W{{0,4}}\s*[:=-]\s*\**\s*(\d+(?:\.\d+)?)\b"
AGE_LETTER = re.compile(r"(?i:age(?: group)?)\W{0,4}(?:(?i:is|of)\s+)?(?:(?i:group)\s+)?\(?([A-F])(?![A-Za-z])")
AGE_RANGE = re.compile(r"(?i)age(?: group)?[^\n\d]{0,30}?(\d+)\s*(?:-|to|–)\s*(\d+)")


@dataclass
class Grades:
    scores: dict[str, dict] = field(default_factory=dict)  # prompt -> {criterion: score, age_group: letter}
    failures: dict[str, str] = field(default_factory=dict)  # prompt -> why it has no grade

    def means(self) -> dict[str, float]:
        graded = list(self.scores.values())
        return {c: sum(g[c] for g in graded) / len(graded) for c in CRITERIA} if graded else {}


def parse_grade(reply: str) -> dict:
    """Four scores from 1 to 10 and an age group letter: from the reply's last JSON object if it has one, else from
    the paper's free-text format."""
    objects = re.findall(r"\{[^{}]*\}", reply)
    if objects:
        return checked_grade(json.loads(objects[-1]))
    try:
        return checked_grade(free_text_grade(reply))
    except ValueError as e:
        raise ValueError(f"no JSON object in the reply, and no free-text grade: {e}") from None


def free_text_grade(reply: str) -> dict:
    grade: dict = {}
    for criterion in CRITERIA:
        for pattern in (SCORE_OUT_OF_10, SCORE_AFTER_COLON):
            found = re.findall(pattern.format(criterion), reply, flags=re.IGNORECASE)
            if found:
                grade[criterion] = float(found[-1])
                break
        else:
            raise ValueError(f"no {criterion} score")
    letters = AGE_LETTER.findall(reply)
    if letters:
        grade["age_group"] = letters[-1]
    else:
        ranges = AGE_RANGE.findall(reply)
        groups = {tuple(re.findall(r"\d+", g)[-2:]): g[0] for g in AGE_GROUPS if "-" in g}
        if not ranges or tuple(ranges[-1]) not in groups:
            raise ValueError("no age group")
        grade["age_group"] = groups[tuple(ranges[-1])]
    return grade


def checked_grade(grade: dict) -> dict:
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
            grades.scores[beginning] = parse_grade(
                client.complete(prompt, temperature=0.0, max_tokens=600, schema=GRADE_SCHEMA, schema_name="grade")
            )
        except LLMError as e:
            grades.failures[beginning] = f"request failed: {e}"
        except (ValueError, TypeError) as e:
            grades.failures[beginning] = f"unreadable grade: {e}"
    return grades
