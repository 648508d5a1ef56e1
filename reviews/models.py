"""The program committee's work: invitations, profiles, bids, assignments,
reviews (with their form as data) and discussion."""

import secrets

from django.conf import settings
from django.db import models

from submissions.models import Submission
from workshop.models import RoleName, Topic, VocabularyTerm
from workshop.runs import Run, RunState


class InvitationStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"


def _invitation_token() -> str:
    return secrets.token_urlsafe(32)


class Invitation(models.Model):
    """An invitation to join the PC. Its link is single-use: the account that
    accepts it receives the roles."""

    email = models.EmailField()
    name = models.CharField(max_length=200)
    affiliation = models.CharField(max_length=200, blank=True)
    roles = models.JSONField(default=list)
    token = models.CharField(max_length=64, unique=True, default=_invitation_token)
    status = models.CharField(max_length=10, choices=InvitationStatus.choices, default=InvitationStatus.PENDING)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    sent_count = models.PositiveIntegerField(default=0)

    VALID_DAYS = 30  # a link older than this is dead; the chairs can send a fresh one

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.name} <{self.email}> ({self.status})"

    @property
    def role_labels(self) -> list[str]:
        labels = dict(RoleName.choices)
        return [labels.get(role, role) for role in self.roles]


class Level(models.IntegerChoices):
    NONE = 0, "None"
    LOW = 1, "Low"
    MEDIUM = 2, "Medium"
    HIGH = 3, "High"


class PcProfile(models.Model):
    """What a PC member knows, for matching and conflict detection."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pc_profile")
    research_statement = models.TextField(blank=True)
    recent_papers = models.TextField(
        blank=True, help_text="Your recent papers: a title line, then its abstract; a blank line between papers."
    )
    collaborators = models.TextField(
        blank=True, help_text="Recent co-authors and advisors/advisees, one per line: name and/or email."
    )
    threat_expertise = models.ManyToManyField(VocabularyTerm, blank=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Profile of {self.user}"


class TopicExpertise(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="topic_expertise")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="+")
    level = models.PositiveSmallIntegerField(choices=Level.choices, default=Level.NONE)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "topic"], name="unique_topic_expertise")]

    def __str__(self):
        return f"{self.user} {self.topic}: {self.level}"


class Preference(models.TextChoices):
    EAGER = "eager", "Eager"
    WILLING = "willing", "Willing"
    NOT_WILLING = "not_willing", "Not willing"
    CONFLICT = "conflict", "Conflict"


class Bid(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bids")
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="bids")
    preference = models.CharField(max_length=12, choices=Preference.choices, blank=True)
    expertise = models.PositiveSmallIntegerField(choices=Level.choices, null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "submission"], name="unique_bid")]

    def __str__(self):
        return f"{self.user} on #{self.submission_id}: {self.preference}"


class Assignment(models.Model):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="assignments")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments")
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    reminded_on = models.DateField(null=True, blank=True)  # a reminder goes out at most once a day

    class Meta:
        constraints = [models.UniqueConstraint(fields=["submission", "reviewer"], name="unique_assignment")]

    def __str__(self):
        return f"#{self.submission_id} → {self.reviewer}"


class FieldKind(models.TextChoices):
    SCORE = "score", "Score"
    TEXT = "text", "Text"
    CHOICE = "choice", "Choice"


class FieldVisibility(models.TextChoices):
    AUTHORS = "authors", "Authors and PC"
    PC = "pc", "PC only"
    CHAIRS = "chairs", "Chairs only"


class ReviewField(models.Model):
    """One question of the review form; chairs edit the form as data."""

    key = models.SlugField(max_length=40, unique=True)
    label = models.CharField(max_length=120)
    kind = models.CharField(max_length=10, choices=FieldKind.choices)
    options = models.JSONField(default=list, blank=True, help_text='[["1", "Strong reject"], ...]')
    required = models.BooleanField(default=True)
    visibility = models.CharField(max_length=10, choices=FieldVisibility.choices, default=FieldVisibility.AUTHORS)
    help = models.CharField(max_length=300, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self):
        return self.label


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"


class Review(models.Model):
    """Created by the reviewer's first save, never by opening the form.

    `values` are the submitted answers, the only ones anybody else reads;
    `draft_values` are the reviewer's private working copy (autosaves, "Save
    draft", and edits of a submitted review until "Update review")."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews")
    values = models.JSONField(default=dict, blank=True)
    draft_values = models.JSONField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT)
    submitted_at = models.DateTimeField(null=True, blank=True)
    is_late = models.BooleanField(default=False)
    # Optimistic lock, so a stale tab cannot overwrite newer text.
    version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["submission", "reviewer"], name="unique_review")]

    def __str__(self):
        return f"Review of #{self.submission_id} by {self.reviewer_id} ({self.status})"

    @property
    def is_submitted(self) -> bool:
        return self.status == ReviewStatus.SUBMITTED

    @property
    def has_pending_changes(self) -> bool:
        """A submitted review with edits its reviewer has not published yet."""
        return self.is_submitted and self.draft_values is not None

    @property
    def working_values(self) -> dict:
        """What the reviewer's own form shows."""
        return self.draft_values if self.draft_values is not None else self.values


class ReviewVersion(models.Model):
    """Every submitted state of a review, kept."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="versions")
    values = models.JSONField()
    status = models.CharField(max_length=10, choices=ReviewStatus.choices)
    saved_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-saved_at", "-id"]

    def __str__(self):
        return f"{self.review} @ {self.saved_at}"


class Comment(models.Model):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    body = models.TextField()
    chairs_only = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"Comment on #{self.submission_id}"


class Proposal(models.TextChoices):
    """What became of a run's proposal, once it is computed."""

    OPEN = "open", "Ready to review"
    APPLIED = "applied", "Applied"
    DISCARDED = "discarded", "Discarded"


class AssignmentRun(Run):
    """One automatic-assignment computation (a `Run`: its state, and its progress in percent
    done of 100), with its parameters and, in `result`, the proposed assignment, which a chair
    applies or discards (`proposal`)."""

    # Whoever computed it: the proposal is read as they may see it, so they stay.
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    params = models.JSONField(default=dict)
    proposal = models.CharField(max_length=10, choices=Proposal.choices, default=Proposal.OPEN)

    def __str__(self):
        return f"Assignment run {self.pk} ({self.label})"

    @property
    def ready(self) -> bool:
        """Computed, and neither applied nor discarded: a chair may apply it."""
        return self.state == RunState.DONE and self.proposal == Proposal.OPEN

    @property
    def label(self) -> str:
        if self.proposal != Proposal.OPEN:
            return self.get_proposal_display()
        return self.get_proposal_display() if self.state == RunState.DONE else self.get_state_display()


class MetaReview(models.Model):
    """The discussion lead's summary: a part for the authors (mailed with the
    decision) and a part for the PC. The lead is named by a chair."""

    submission = models.OneToOneField(Submission, on_delete=models.CASCADE, related_name="meta_review")
    lead = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    author_text = models.TextField("for the authors", blank=True)
    pc_text = models.TextField("for the PC only", blank=True)
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Meta-review of #{self.submission_id}"

    @property
    def is_written(self) -> bool:
        return bool(self.author_text.strip() or self.pc_text.strip())


class AuthorResponse(models.Model):
    """The authors' one response to the reviews, while the response window is open."""

    submission = models.OneToOneField(Submission, on_delete=models.CASCADE, related_name="author_response")
    text = models.TextField()
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Response to the reviews of #{self.submission_id}"
