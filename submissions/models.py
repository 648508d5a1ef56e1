"""Papers, their authors, declared conflicts and every uploaded PDF version."""

import secrets

from django.conf import settings
from django.db import models

from submissions.pdf import CHAIR_FLAGS
from workshop.models import Topic, VocabularyTerm
from workshop.orcid import validate_orcid
from workshop.runs import Run
from workshop.validators import validate_plain_url


class SubmissionStatus(models.TextChoices):
    REGISTERED = "registered", "Registered (PDF missing)"
    COMPLETE = "complete", "Complete"
    WITHDRAWN = "withdrawn", "Withdrawn"


class OutcomeCategory(models.TextChoices):
    ACCEPT = "accept", "Accept"
    REJECT = "reject", "Reject"


class Outcome(models.Model):
    """A decision chairs can give (Accept (oral), Accept (poster), Reject, ...),
    with the mail its authors get when it is released."""

    name = models.CharField(max_length=80, unique=True)
    category = models.CharField(max_length=10, choices=OutcomeCategory.choices)
    position = models.PositiveIntegerField(default=0)
    mail_subject = models.CharField(max_length=300)
    mail_body = models.TextField()

    class Meta:
        ordering = ["position", "id"]

    def __str__(self):
        return self.name

    @property
    def is_accept(self) -> bool:
        return self.category == OutcomeCategory.ACCEPT


class Submission(models.Model):
    """A paper. Its number (#12) is its primary key: short, stable, never reused."""

    title = models.CharField(max_length=300)
    abstract = models.TextField(help_text="Markdown; $...$ for math.")
    topics = models.ManyToManyField(Topic, related_name="submissions")
    threat_terms = models.ManyToManyField(VocabularyTerm, related_name="submissions", blank=True)
    attack_model = models.TextField("attack model")
    security_relationship = models.TextField("relationship to security")
    artifact_url = models.URLField("code / artifact URL", blank=True, max_length=500,
                                   validators=[validate_plain_url])
    will_open_source = models.BooleanField("code will be open-sourced", default=False)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Optimistic lock: every save bumps it; an edit made from an older copy is refused.
    version = models.PositiveIntegerField(default=1)
    # The form's one-time token, so a double-clicked "Register" creates one paper.
    submit_token = models.CharField(max_length=64, unique=True, null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    deadline_extension = models.DateTimeField(
        null=True, blank=True, help_text="A chair's per-paper extension of the paper deadline."
    )
    # The decision (HotCRP keeps it on the paper): the chairs' current one, embargoed until a
    # chair releases it. Authors see `released_outcome`, what the last release told them: a
    # change reaches them only through the next release, with a letter saying it changed.
    outcome = models.ForeignKey(Outcome, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    released_outcome = models.ForeignKey(Outcome, null=True, blank=True, on_delete=models.PROTECT,
                                         related_name="+")
    decision_released_at = models.DateTimeField(null=True, blank=True)  # when the last release was

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"#{self.pk} {self.title}"

    @property
    def number(self) -> int:
        return self.pk

    @property
    def current_pdf(self):
        """The newest submission PDF; uses the selectors' prefetch when present."""
        versions = getattr(self, "submission_pdfs", None)
        if versions is None:
            versions = list(
                self.pdf_versions.filter(kind=PdfKind.SUBMISSION).order_by("-uploaded_at", "-id")[:1]
            )
        return versions[0] if versions else None

    @property
    def reviewer_pdf(self):
        """The newest submission PDF whose reviewer copy matched the upload:
        a copy that came out different is never handed to reviewers."""
        versions = getattr(self, "submission_pdfs", None)
        if versions is None:
            versions = self.pdf_versions.filter(kind=PdfKind.SUBMISSION).order_by("-uploaded_at", "-id")
        return next((v for v in versions if not v.copy_problem), None)

    @property
    def status(self) -> str:
        if self.withdrawn_at is not None:
            return SubmissionStatus.WITHDRAWN
        return SubmissionStatus.COMPLETE if self.current_pdf else SubmissionStatus.REGISTERED


class Author(models.Model):
    """One entry of the ordered author list. Whoever signs in with this email
    address is a contact of the paper and may edit it."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="authors")
    position = models.PositiveIntegerField()
    name = models.CharField(max_length=200)
    email = models.EmailField()
    affiliation = models.CharField(max_length=200, blank=True)
    orcid = models.CharField("ORCID iD", max_length=19, blank=True, validators=[validate_orcid])

    class Meta:
        ordering = ["submission", "position"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "email"], name="unique_author_email"),
        ]

    def __str__(self):
        return self.name


class ConflictReason(models.TextChoices):
    COAUTHOR = "coauthor", "Co-author (recent)"
    ADVISOR = "advisor", "Advisor / advisee"
    INSTITUTION = "institution", "Same institution"
    PERSONAL = "personal", "Personal relationship"
    OTHER = "other", "Other"


class ConflictSource(models.TextChoices):
    AUTHOR = "author", "Declared by the authors"
    PC = "pc", "Declared by the PC member"
    AUTOMATIC = "auto", "Detected automatically"
    CHAIR = "chair", "Set by a chair"


class Conflict(models.Model):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="conflicts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conflicts")
    reason = models.CharField(max_length=20, choices=ConflictReason.choices)
    source = models.CharField(max_length=10, choices=ConflictSource.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    # A chair may judge a declared conflict not to be one; it then no longer counts.
    waived_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["submission", "user", "source"], name="unique_conflict_source"),
        ]

    def __str__(self):
        return f"#{self.submission_id} x {self.user_id} ({self.reason}, {self.source})"


def _random_upload_path(instance, filename: str) -> str:
    """Stored names carry nothing of the author's file name."""
    return f"pdf/{secrets.token_hex(2)}/{secrets.token_urlsafe(24)}.pdf"


class PdfKind(models.TextChoices):
    SUBMISSION = "submission", "Submission"
    CAMERA_READY = "camera_ready", "Camera-ready"


class PdfVersion(models.Model):
    """Every upload is kept; the newest of a kind is the current one."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="pdf_versions")
    kind = models.CharField(max_length=20, choices=PdfKind.choices, default=PdfKind.SUBMISSION)
    file = models.FileField(upload_to=_random_upload_path, max_length=200)
    # The copy reviewers download: identifying metadata stripped (none for camera-ready versions).
    reviewer_file = models.FileField(upload_to=_random_upload_path, max_length=200, blank=True)
    original_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    page_count = models.PositiveIntegerField()
    anonymity_warnings = models.JSONField(default=list, blank=True)
    # What reviewers download has its own figures: showing them the original's
    # hash would let them match it against a preprint.
    reviewer_sha256 = models.CharField(max_length=64, blank=True)
    reviewer_size = models.PositiveBigIntegerField(default=0)
    # Set when the reviewer copy differs from the upload: it is then kept from reviewers.
    copy_problem = models.TextField(blank=True)
    notes = models.JSONField(default=list, blank=True)
    # What the checks could not establish, for the chairs (keys of submissions.pdf.CHAIR_FLAGS).
    chair_flags = models.JSONField(default=list, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["submission", "kind", "-uploaded_at", "-id"]
        get_latest_by = "uploaded_at"

    def __str__(self):
        return f"#{self.submission_id} {self.kind} {self.sha256[:12]}"

    @property
    def chair_flag_texts(self) -> list[str]:
        return [CHAIR_FLAGS.get(flag, flag) for flag in self.chair_flags]


class DecisionChange(models.Model):
    """Every change of a paper's decision: who, when, from what, to what, why."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="decision_changes")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    old = models.CharField(max_length=80, blank=True)  # outcome names, so the log survives renamed outcomes
    new = models.CharField(max_length=80, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"#{self.submission_id}: {self.old or 'none'} -> {self.new or 'none'}"


class Tag(models.Model):
    """A chair's label on a paper (#borderline, #discuss); chairs only."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="tags")
    name = models.SlugField(max_length=40)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["submission", "name"], name="unique_tag")]
        ordering = ["name"]

    def __str__(self):
        return f"#{self.submission_id} #{self.name}"


class CameraReady(models.Model):
    """What an accepted paper's authors confirm for the proceedings: the final
    title, abstract and author list as printed, and the publication licence.
    The final PDFs are PdfVersion rows of kind camera_ready (all kept).
    Organizers set the session and the place in the volume."""

    submission = models.OneToOneField(Submission, on_delete=models.CASCADE, related_name="camera_ready")
    title = models.CharField(max_length=300, blank=True)
    abstract = models.TextField(blank=True)
    # [{"name": "Ada Author", "affiliation": "Lakeside University", "orcid": "0000-..."}], in order
    authors = models.JSONField(default=list, blank=True)
    metadata_confirmed_at = models.DateTimeField(null=True, blank=True)
    licence_accepted_at = models.DateTimeField(null=True, blank=True)
    licence_accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                            on_delete=models.SET_NULL, related_name="+")
    licence_name = models.CharField(max_length=80, blank=True)  # what was accepted, as it read then
    extension = models.DateTimeField(null=True, blank=True, help_text="This paper's own camera-ready deadline.")
    session = models.CharField(max_length=120, blank=True)
    position = models.PositiveIntegerField(null=True, blank=True)

    def __str__(self):
        return f"Camera-ready of #{self.submission_id}"


def _volume_path(instance, filename: str) -> str:
    return f"proceedings/{secrets.token_urlsafe(18)}.pdf"


class ProceedingsBuild(Run):
    """One build of the proceedings volume (a Celery task), kept with its file and SHA-256.
    A `Run`: its state, progress (papers done of total, the step) and error, as every job."""

    papers = models.JSONField(default=list)  # the paper numbers, in volume order
    file = models.FileField(upload_to=_volume_path, max_length=200, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    pages = models.PositiveIntegerField(default=0)
    front_pages = models.PositiveIntegerField(default=0)  # roman-numbered pages before paper page 1
    ranges = models.JSONField(default=list, blank=True)  # [[first, last], ...] per paper
    published_at = models.DateTimeField(null=True, blank=True)
    # The papers as this build printed them (titles, authors, order, sessions,
    # pages, code links; `submissions.proceedings.exports.program_snapshot`): the public
    # program shows the published build's, never today's data. None: built before
    # snapshots, or not finished.
    program = models.JSONField(null=True, blank=True)
    # A draft is for proof-reading: "DRAFT" on every page and in its file name, placeholders
    # for missing PDFs; it is never published and no export is made from it.
    draft = models.BooleanField(default=False)
    # What each paper still owed when this was built: {"12": ["the licence"], ...}
    owed = models.JSONField(default=dict, blank=True)
    # Why it was published although papers owed something or it no longer matched them.
    publish_note = models.TextField(blank=True)

    def __str__(self):
        return f"Proceedings {'draft' if self.draft else 'build'} {self.pk} ({self.state})"
