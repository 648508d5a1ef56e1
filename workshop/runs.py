"""The one shape of background work, and the one way to show its progress.

A run records who started it, its state, its progress (done of total, the step
it is at), and when it ended and why it failed. Every kind of run (an
automatic assignment, a proceedings build, a mail batch) is shown as a
`Progress` (`assignment_run_progress`, `build_progress`, `BatchProgress.run`),
which `templates/partials/run_progress.html` shows and polls while the run is
not finished; `progress_write` is the one writer a worker uses.

`Run` is the abstract model of every run: `workshop.models.Job`, the mass actions
workshop/jobs.py drives in batches, `reviews.models.AssignmentRun` (its progress in
percent) and `submissions.models.ProceedingsBuild`. A mail batch is not a run: the
job that writes it is; the batch then counts its mails as the worker delivers them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import models


class RunState(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


FINISHED = frozenset({RunState.DONE, RunState.FAILED, RunState.CANCELLED})
ACTIVE = [RunState.QUEUED.value, RunState.RUNNING.value]


@dataclass(frozen=True)
class Progress:
    """What the progress partial shows of a run."""

    state: str  # a RunState value
    done: int
    total: int
    step: str = ""  # what it is doing now, in words
    counts: tuple[tuple[int, str], ...] = ()  # the line under the bar: ((2, "sent"), (0, "queued"), (0, "failed"))
    of: str = ""  # what the total counts, after it (" papers"), or "%" for a run that reports percents
    error: str = ""

    @property
    def finished(self) -> bool:
        return self.state in FINISHED

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.done / self.total)) if self.total else (100 if self.finished else 0)

    @property
    def line(self) -> str:
        """The plain line under the bar when the run reports no counts: "3 of 12 papers", "30%"."""
        return f"{self.percent}%" if self.of == "%" else f"{self.done:,} of {self.total:,}{self.of}"

    @property
    def label(self) -> str:
        if self.state == RunState.DONE:
            return "Done"
        if self.state == RunState.FAILED:
            return "Failed"
        if self.state == RunState.CANCELLED:
            return "Cancelled"
        return self.step or ("Waiting for a worker" if self.state == RunState.QUEUED else "Working…")


class Run(models.Model):
    """The fields every background run has."""

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    state = models.CharField(max_length=10, choices=RunState.choices, default=RunState.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    step = models.CharField(max_length=200, blank=True)
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)  # why it failed, in words for whoever started it
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]


def progress_write(model: type[models.Model], pk: int, **fields) -> None:
    """Record a run's progress in one UPDATE, in the caller's transaction: the progress and the
    batch of work it reports commit together, so a page never shows work that was rolled back."""
    model.objects.filter(pk=pk).update(**fields)
