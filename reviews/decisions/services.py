"""Deciding papers: one paper or many (the same decision, one transaction, logged),
what a bulk decision would change before it is confirmed, chair tags, and the
outcomes and chair-editable mail texts the decisions are mailed with."""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import ProtectedError

from submissions.models import DecisionChange, Outcome, Submission, Tag
from workshop import policy
from workshop.errors import Refused
from workshop.models import User


def decision_record(*, submission: Submission, outcome: Outcome | None, by: User, note: str = "",
                    change_released: bool = False) -> bool:
    """Set (or clear, with None) the paper's decision, logged; returns whether it changed."""
    return decisions_record(submissions=[submission], outcome=outcome, by=by, note=note,
                            change_released=change_released) > 0


def decisions_record(*, submissions: list[Submission], outcome: Outcome | None, by: User, note: str = "",
                     change_released: bool = False) -> int:
    """The same decision for many papers, in one transaction; returns how many changed.

    The chairs' decision changes at once; what the authors see (the released
    outcome) only at the next release, which tells them it changed. Changing a
    released decision must be asked for (`change_released`): it is never a side
    effect of a bulk action."""
    for submission in submissions:
        if not policy.can_decide(by, submission):
            raise Refused(f"You cannot decide on #{submission.pk}.")
    new = outcome.pk if outcome else None
    with transaction.atomic():
        current = list(Submission.objects.select_for_update(of=("self",)).select_related("outcome")
                       .filter(pk__in=[s.pk for s in submissions]).order_by("pk"))
        changing = [paper for paper in current if paper.outcome_id != new]
        released = [paper.pk for paper in changing if policy.decision_released(paper)]
        if released and not change_released:
            raise Refused("Nothing changed: " + ", ".join(f"#{n}" for n in released)
                          + (" has a released decision" if len(released) == 1 else " have released decisions")
                          + ". Confirm that you change released decisions to do so.")
        if not changing:
            return 0
        Submission.objects.filter(pk__in=[paper.pk for paper in changing]).update(outcome=outcome)
        DecisionChange.objects.bulk_create(
            DecisionChange(submission=paper, by=by, note=note.strip(), old=paper.outcome.name if paper.outcome else "",
                           new=outcome.name if outcome else "")
            for paper in changing
        )
    for submission in submissions:
        if submission.outcome_id != new:
            submission.outcome = outcome
    return len(changing)


def tags_change(*, submissions: list[Submission], add: list[str], remove: list[str], by: User) -> int:
    """Add and remove chair tags on papers; returns how many tags changed."""
    for submission in submissions:
        if not policy.can_view_tags(by, submission):
            raise Refused(f"You cannot tag #{submission.pk}.")
    numbers = [s.pk for s in submissions]
    with transaction.atomic():
        present = set(Tag.objects.filter(submission_id__in=numbers, name__in=add).values_list("submission_id", "name"))
        new = [Tag(submission_id=number, name=name) for number in numbers for name in add
               if (number, name) not in present]
        Tag.objects.bulk_create(new, ignore_conflicts=True)
        removed = Tag.objects.filter(submission_id__in=numbers, name__in=remove).delete()[0]
    return len(new) + removed


@dataclass(frozen=True)
class PlannedDecision:
    """One paper of a bulk decision, before it is confirmed."""

    paper: Submission
    new: Outcome | None

    @property
    def changes(self) -> bool:
        return self.paper.outcome_id != (self.new.pk if self.new else None)

    @property
    def released(self) -> bool:
        """The authors were told a decision, which this would change (at the next release)."""
        return self.changes and policy.decision_released(self.paper)

    @property
    def told(self) -> Outcome | None:
        return self.paper.released_outcome if policy.decision_released(self.paper) else None



def decisions_plan(*, submissions: list[Submission], outcome: Outcome | None) -> list[PlannedDecision]:
    """What deciding `outcome` for `submissions` would change, for the chair to confirm."""
    return [PlannedDecision(paper, outcome) for paper in submissions]


OUTCOME_IN_USE = "An outcome that papers have cannot be deleted; change their decisions first."


def mail_texts_save(*, templates, outcomes) -> None:
    """Save the chair-editable mail texts and the outcomes (valid formsets) together, or
    neither: an outcome still in use (PROTECT) refuses the whole change."""
    try:
        with transaction.atomic():
            templates.save()
            outcomes.save()
    except ProtectedError:
        raise Refused(OUTCOME_IN_USE) from None
