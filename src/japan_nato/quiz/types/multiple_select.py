"""multiple_select: pick every right option and no wrong one."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from japan_nato.quiz.answers import LETTERS, InvalidAnswer, letter_range, pick, split_list
from japan_nato.quiz.model import Result
from japan_nato.quiz.types.fields import _option_problems
from japan_nato.quiz.types.options import LetteredOptions


@dataclass(frozen=True, kw_only=True)
class MultipleSelect(LetteredOptions):
    """Pick every right option and no wrong one."""

    type_name: ClassVar[str] = "multiple_select"
    type_label: ClassVar[str] = "multiple select"
    fields: ClassVar[tuple[str, ...]] = ("options",)

    def parse(self, answer: Any) -> frozenset[int]:
        """Return the set of chosen option indexes."""
        if isinstance(answer, set | frozenset):
            if len(answer) > len(LETTERS):
                raise InvalidAnswer(
                    f"{len(answer)} entries are more than there are to choose from."
                )
            answer = sorted(answer, key=str)
        values = split_list(answer)
        if not values:
            raise InvalidAnswer("No option was chosen.")
        texts = tuple(o.text for o in self.options)
        chosen = [pick(value, texts, "option") for value in values]
        if len(set(chosen)) != len(chosen):
            raise InvalidAnswer("The same option was given twice.")
        return frozenset(chosen)

    def grade(self, parsed: frozenset[int]) -> Result:
        """Right only for the exact set; otherwise count the right choices."""
        wanted = {i for i, o in enumerate(self.options) if o.correct}
        right = len(parsed & wanted)
        wrong = sorted(parsed - wanted)
        if parsed == wanted:
            return self._result(True, right=right, total=len(wanted))
        score = f"{right} of {len(wanted)} choices right"
        if wrong:
            score += f", and {len(wrong)} wrong choice{'s' if len(wrong) > 1 else ''}"
        score += "."
        missed = len(wanted) - right
        feedback = [self.options[i].feedback for i in wrong]
        if missed:
            feedback.append(f"You missed {missed} right option{'s' if missed > 1 else ''}.")
        return self._result(
            False,
            " ".join(feedback),
            score=score,
            right=right,
            total=len(wanted),
            chosen_wrong=tuple(self.options[i].text for i in wrong),
        )

    def format_answer(self, parsed: frozenset[int]) -> str:
        """Return the chosen options' texts, in file order (the same whatever the shuffle)."""
        chosen = sorted((self.options[i] for i in parsed), key=lambda o: o.position)
        return "; ".join(o.text for o in chosen)

    def answer_help(self) -> str:
        """Say what a valid answer looks like."""
        wanted = {LETTERS[i] for i, o in enumerate(self.options) if o.correct}
        # The example must never be the right answer.
        first, second = next(pair for pair in ("AC", "AB", "BC") if set(pair) != wanted)
        return (
            "Choose one or more options: give a list of their letters "
            f"({letter_range(len(self.options))}) or texts, "
            f'e.g. ["{first}", "{second}"] or "{first}, {second}".'
        )

    def display_lines(self) -> list[str]:
        """Return the lettered options."""
        note = [] if "all that apply" in self.prompt.lower() else ["(Choose all that apply.)"]
        return super().display_lines() + note

    def correct_answer(self) -> str:
        """Return the right options with their letters."""
        return "; ".join(f"{LETTERS[i]}. {o.text}" for i, o in enumerate(self.options) if o.correct)

    def buttons_help(self) -> str:
        """Say how to answer with the check boxes."""
        return "Tick one or more boxes, then press Check."

    def terminal_help(self) -> str:
        """Say how to type an answer in the terminal."""
        return "Type the letters of every right option, separated by commas, e.g. A, C."

    def example_answers(self) -> tuple[Any, Any]:
        """Return the right options' texts and one wrong option's text."""
        right = [o.text for o in self.options if o.correct]
        return right, [o.text for o in self.options if not o.correct][:1]

    def chosen_labels(self, parsed: frozenset[int]) -> list[str]:
        """Return the chosen options' letters, in shown order."""
        return [LETTERS[i] for i in sorted(parsed)]

    @classmethod
    def field_problems(cls, raw: Mapping[str, Any]) -> list[tuple[str, str]]:
        """Check the options and that at least one is correct."""
        problems = _option_problems(raw, 3, 8)
        options = raw.get("options")
        if isinstance(options, list) and all(isinstance(o, dict) for o in options):
            if not any(o.get("correct") is True for o in options):
                problems.append(("options", "at least one option must be correct"))
        return problems
