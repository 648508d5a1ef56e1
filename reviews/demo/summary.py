"""What `manage.py load_demo` prints: what the demo holds, in a few lines (its
mail stays in the outbox, where a chair reads it)."""

from django.db.models import Count

from reviews.models import Assignment, AuthorResponse, Review, ReviewStatus
from submissions.models import PdfKind, PdfVersion, ProceedingsBuild, Submission
from workshop.mail import absolute_url
from workshop.models import OutgoingMail, Role, RoleName
from workshop.phases import phase_at, response_window_open
from workshop.selectors import workshop_current


def demo_summary() -> list[str]:
    workshop = workshop_current()
    phase = "author-response period" if response_window_open(workshop) else f"“{phase_at(workshop).label}” phase"
    papers = Submission.objects.count()
    with_pdf = PdfVersion.objects.filter(kind=PdfKind.SUBMISSION).values("submission").distinct().count()
    decided = Submission.objects.filter(outcome__isnull=False)
    mails = dict(OutgoingMail.objects.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    published = ProceedingsBuild.objects.filter(published_at__isnull=False).exists()
    return [
        f"Demo workshop loaded: {workshop.acronym} {workshop.year}, in its {phase}.",
        f"  {papers} papers ({with_pdf} with a PDF), a PC of {Role.objects.filter(name=RoleName.PC).count()}, "
        f"{Assignment.objects.count()} assignments, "
        f"{Review.objects.filter(status=ReviewStatus.SUBMITTED).count()} submitted reviews,",
        f"  {decided.count()} decisions ({decided.filter(decision_released_at__isnull=False).count()} released), "
        f"{AuthorResponse.objects.count()} author response, "
        f"{PdfVersion.objects.filter(kind=PdfKind.CAMERA_READY).count()} camera-ready PDFs"
        f"{', a published proceedings volume' if published else ''}.",
        f"  {sum(mails.values())} mails in the outbox ({_counts(mails)}): read them at "
        f"{absolute_url('/chair/outbox/')} as the chair. Mail from now on is printed here.",
    ]


def _counts(by_status: dict[str, int]) -> str:
    return ", ".join(f"{n} {status}" for status, n in sorted(by_status.items())) or "none"
