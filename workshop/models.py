"""Workshop-wide models: the one Workshop of this deployment, its vocabularies,
people and roles, and the mail outbox."""

import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models

from workshop.orcid import validate_orcid
from workshop.runs import ACTIVE, Run
from workshop.validators import validate_acronym

AOE = "Etc/GMT+12"  # Anywhere on Earth is UTC-12; POSIX names invert the sign.


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create(self, email, password, **fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **fields):
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(email, password, **fields)

    def create_superuser(self, email, password=None, **fields):
        fields.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **fields)


class User(AbstractUser):
    """A person: author, PC member, chair or organizer. Signs in by email."""

    username = None
    first_name = None
    last_name = None
    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=200)
    affiliation = models.CharField(max_length=200, blank=True)
    email_domains = models.CharField(
        "institution email domains",
        max_length=500,
        blank=True,
        help_text="Comma-separated, e.g. cs.example.edu, example.org: other institutions you belong to. The chairs "
        "see them as conflict suggestions; the domains of your verified email addresses are used automatically.",
    )
    orcid = models.CharField(
        "ORCID iD", max_length=19, blank=True, validators=[validate_orcid]
    )

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    objects = UserManager()

    class Meta:
        ordering = ["full_name", "email"]

    def __str__(self):
        return self.full_name or self.email

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def domain_list(self) -> list[str]:
        return [d.strip().lower() for d in self.email_domains.split(",") if d.strip()]


class AnonymityMode(models.TextChoices):
    DOUBLE_BLIND = "double", "Double-blind (authors hidden from reviewers)"
    SINGLE_BLIND = "single", "Single-blind (reviewers hidden from authors)"
    OPEN = "open", "Open (everyone sees names)"


class Phase(models.TextChoices):
    SETUP = "setup", "Not yet open"
    SUBMISSION = "submission", "Submissions open"
    BIDDING = "bidding", "Bidding"
    REVIEWING = "reviewing", "Reviewing"
    DISCUSSION = "discussion", "Discussion"
    NOTIFICATION = "notification", "Decisions released"
    CAMERA_READY = "camera_ready", "Camera-ready"
    CLOSED = "closed", "Closed"


class Workshop(models.Model):
    """The single workshop this deployment runs (HotCRP: one conference per install)."""

    name = models.CharField(max_length=200)
    acronym = models.CharField(max_length=30, validators=[validate_acronym],
                               help_text="Letters, digits and dashes: it names the downloads and BibTeX keys.")
    year = models.PositiveIntegerField()
    venue = models.CharField(max_length=200, blank=True)
    homepage = models.URLField("workshop homepage", max_length=300, blank=True,
                               help_text="The workshop's own web site, e.g. https://mlsec.example.org/2027/: the "
                                         "CEUR-WS index links the volume's title to it.")
    event_dates = models.CharField("when the workshop takes place", max_length=100, blank=True,
                                   help_text="As printed on the proceedings cover, e.g. 18 May 2027.")
    cfp_text = models.TextField("call for papers (Markdown)", blank=True)
    timezone = models.CharField(
        max_length=64,
        default=AOE,
        help_text="IANA name. Deadlines are entered and enforced in this zone; "
        "Etc/GMT+12 is Anywhere on Earth (AoE).",
    )

    submission_opens = models.DateTimeField(null=True, blank=True)
    abstract_deadline = models.DateTimeField("abstract registration deadline", null=True, blank=True)
    paper_deadline = models.DateTimeField(null=True, blank=True)
    bidding_closes = models.DateTimeField(null=True, blank=True)
    review_deadline = models.DateTimeField(null=True, blank=True)
    response_opens = models.DateTimeField("author response opens", null=True, blank=True)
    response_closes = models.DateTimeField("author response closes", null=True, blank=True)
    notification_date = models.DateTimeField(null=True, blank=True)
    camera_ready_deadline = models.DateTimeField(null=True, blank=True)

    phase_override = models.CharField(
        max_length=20,
        choices=Phase.choices,
        blank=True,
        help_text="Leave empty to follow the dates. Set to hold the workshop in a phase.",
    )
    decisions_released = models.BooleanField(
        default=False, help_text="Authors see decisions (and released reviews) once this is on."
    )

    anonymity = models.CharField(
        max_length=10, choices=AnonymityMode.choices, default=AnonymityMode.DOUBLE_BLIND
    )
    page_limit = models.PositiveIntegerField(
        default=8, help_text="Pages of main text, excluding references and appendices."
    )
    unclear_page_limit = models.CharField(
        "when we cannot tell where a long paper's references start", max_length=10,
        choices=[("refuse", "Refuse the upload, naming the page count"),
                 ("warn", "Accept it and warn the authors (appendices allowed)")],
        default="refuse",
        help_text="Applies to PDFs longer than the page limit whose References or Appendix heading we cannot find.",
    )
    max_pdf_mb = models.PositiveIntegerField("maximum PDF size (MB)", default=20)
    min_topics = models.PositiveIntegerField("minimum topics per paper", default=1)
    max_topics = models.PositiveIntegerField("maximum topics per paper", default=3)
    abstract_word_limit = models.PositiveIntegerField(default=300)
    reviews_visible_to_pc = models.CharField(
        "PC members see a paper's other reviews", max_length=10,
        choices=[("after_own", "After submitting their own review"), ("always", "Always (if assigned)")],
        default="after_own",
    )
    reviewer_names_to_pc = models.CharField(
        "PC members see who wrote the other reviews", max_length=10,
        choices=[("after_own", "After submitting their own review"), ("always", "Always (if assigned)"),
                 ("never", "Never")],
        default="after_own",
    )
    reviews_per_paper = models.PositiveIntegerField(default=3)
    pc_sees_decisions = models.BooleanField(
        "PC members see decisions before they are released", default=False,
        help_text="Off: only chairs see decisions until they are released to the authors.",
    )
    response_word_limit = models.PositiveIntegerField("author response word limit", default=500)
    reminder_days_before = models.PositiveIntegerField(
        "automatic review reminders, days before the review deadline", null=True, blank=True,
        help_text="Reviewers with unfinished reviews are reminded daily from this many days before the review "
        "deadline. Leave empty for no automatic reminders.",
    )
    response_mail_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    camera_ready_page_limit = models.PositiveIntegerField(
        default=10, help_text="Pages of main text in the final version, excluding references and appendices.")
    licence_name = models.CharField(max_length=80, default="CC BY 4.0")
    licence_text = models.TextField(
        default="The authors grant the workshop and its publisher the right to publish this paper under the "
                "Creative Commons Attribution 4.0 International licence (CC BY 4.0, "
                "https://creativecommons.org/licenses/by/4.0/). The authors keep the copyright.",
        help_text="What authors accept with the camera-ready version.")
    preface = models.TextField("proceedings preface (Markdown)", blank=True)
    program_published = models.BooleanField(
        "accepted papers are public", default=False,
        help_text="Shows the accepted papers (titles, authors, code links) on the public program page.")
    statement_word_limit = models.PositiveIntegerField(
        default=400, help_text="For each of the attack model and relationship-to-security statements."
    )

    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"{self.acronym} {self.year}"

    DEADLINE_FIELDS = (
        "submission_opens",
        "abstract_deadline",
        "paper_deadline",
        "bidding_closes",
        "review_deadline",
        "response_opens",
        "response_closes",
        "notification_date",
        "camera_ready_deadline",
    )


class Topic(models.Model):
    name = models.CharField(max_length=200, unique=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self):
        return self.name


class VocabularyKind(models.TextChoices):
    ATTACKER_GOAL = "goal", "Attacker goal"
    ATTACKER_KNOWLEDGE = "knowledge", "Attacker knowledge"
    ATTACK_PHASE = "phase", "ML phase attacked"
    TARGET_DOMAIN = "domain", "Target domain"
    CONTRIBUTION = "contribution", "Contribution type"


class VocabularyTerm(models.Model):
    """One term of a threat-model vocabulary, editable by chairs."""

    kind = models.CharField(max_length=20, choices=VocabularyKind.choices)
    label = models.CharField(max_length=120)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["kind", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "label"], name="unique_term_per_kind"),
        ]

    def __str__(self):
        return self.label


class RoleName(models.TextChoices):
    CHAIR = "chair", "Chair"
    PC = "pc", "PC member"
    ORGANIZER = "organizer", "Organizer"


class Role(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roles")
    name = models.CharField(max_length=20, choices=RoleName.choices)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="unique_role_per_user")]

    def __str__(self):
        return f"{self.user} ({self.get_name_display()})"


class MailTemplate(models.Model):
    """A mail text chairs edit, with {placeholders} (see workshop/mailtext.py).
    The decision mails' texts live on their outcomes instead."""

    key = models.SlugField(max_length=40, unique=True)
    subject = models.CharField(max_length=300)
    body = models.TextField()

    def __str__(self):
        return self.key


class MailBatchKind(models.TextChoices):
    """Who may start a batch, and so watch it (`policy.can_watch_mail_batch`)."""

    CHAIRS = "chairs", "Sent by the chairs"  # releases, messages to authors, review reminders, the response period
    CAMERA_READY = "camera_ready", "Camera-ready reminders"  # organizers and chairs without conflicts


class MailBatch(models.Model):
    """Mails sent as one action (a release, reminders, a message to authors), so
    whoever sent them can watch them go out."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    label = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=MailBatchKind.choices, default=MailBatchKind.CHAIRS)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.label


class MailStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    QUEUED = "queued", "Queued"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class OutgoingMail(models.Model):
    """Every email the app sends is first a row here, written in the same
    transaction as the change that caused it; a Celery task delivers it.

    `paper_number` names the paper a mail is about, so the policy can hide it
    from people who may not see that paper's authors or reviewers; pages
    address a mail by its `public_id`, never by its sequential id."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    paper_number = models.PositiveIntegerField(null=True, blank=True, db_index=True)
    batch = models.ForeignKey(MailBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="mails")
    recipient = models.EmailField()
    subject = models.CharField(max_length=300)
    body = models.TextField()
    html_body = models.TextField(blank=True)
    kind = models.CharField(max_length=60)
    related_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.SET_NULL)
    related_id = models.CharField(max_length=40, blank=True)
    related = GenericForeignKey("related_type", "related_id")
    status = models.CharField(max_length=10, choices=MailStatus.choices, default=MailStatus.QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self):
        return f"{self.subject} → {self.recipient} ({self.status})"


class MailPaper(models.Model):
    """A paper a mail about several papers is about (one reviewer's assignments, say),
    so the outbox hides it from whoever is conflicted with any of them, as it hides a
    one-paper mail by its `paper_number`."""

    mail = models.ForeignKey(OutgoingMail, on_delete=models.CASCADE, related_name="papers")
    number = models.PositiveIntegerField(db_index=True)

    def __str__(self):
        return f"#{self.number}"


class JobKind(models.TextChoices):
    ASSIGNMENT_APPLY = "assignment-apply", "Applying an assignment proposal"
    DECISIONS_RELEASE = "decisions-release", "Releasing decisions"
    PAPERS_DECIDE = "papers-decide", "Deciding papers in bulk"
    PAPERS_TAG = "papers-tag", "Tagging papers in bulk"
    AUTHORS_MESSAGE = "authors-message", "Writing to authors"
    REVIEW_REMINDERS = "review-reminders", "Reminding reviewers"
    CAMERA_READY_REMINDERS = "camera-ready-reminders", "Reminding authors of the camera-ready version"
    PC_INVITATIONS = "pc-invitations", "Inviting the committee"


class Job(Run):
    """A mass action a worker does in bounded batches, each its own transaction
    (workshop/jobs.py). `done` counts the items finished and is committed with the
    batch that did them, so a job a killed worker left continues where it stopped."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=40, choices=JobKind.choices)
    scope = models.CharField(max_length=80)  # what it acts on: one active job per kind and scope
    task = models.CharField(max_length=120)  # the Celery task that drives it, for the sweep
    params = models.JSONField(default=dict, blank=True)  # what to do, fixed when it is prepared
    heartbeat_at = models.DateTimeField(null=True, blank=True)  # the last batch's commit

    class Meta(Run.Meta):
        constraints = [models.UniqueConstraint(fields=["kind", "scope"], condition=models.Q(state__in=ACTIVE),
                                               name="one_active_job_per_scope")]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.state})"
