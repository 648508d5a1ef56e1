import secrets
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from submissions import selectors
from submissions.camera_ready.selectors import camera_ready_statuses
from submissions.forms import (
    AuthorFormSet,
    DecisionForm,
    ExtensionForm,
    PdfUploadForm,
    SubmissionForm,
    initial_for,
)
from submissions.services import papers as paper_services
from submissions.uploads import pdf_size_limit, pdf_upload_post, upload_limited
from workshop import paper_lists, policy
from workshop.errors import Refused
from workshop.http import as_download, require
from workshop.models import VocabularyKind
from workshop.phases import DatedText, dated_html, upcoming_deadlines
from workshop.selectors import pc_members, workshop_current


def _next_deadline(workshop):
    return next((row for row in upcoming_deadlines(workshop) if row["is_next"]), None)


@login_required
def dashboard(request):
    workshop = workshop_current()
    papers = selectors.submissions_of_author(user=request.user)
    owed = {s.submission.pk: s.missing for s in camera_ready_statuses(
        among=[p.pk for p in papers if policy.is_accepted(p)])}
    for paper in papers:
        paper.camera_owed = owed.get(paper.pk)
    return render(request, "submissions/dashboard.html", {
        "submissions": papers,
        "next_deadline": _next_deadline(workshop),
        "registration_refusal": policy.registration_refusal(request.user, workshop, now=timezone.now()),
    })


def _forms(request, workshop, *, initial=None, authors_initial=None):
    data = request.POST if request.method == "POST" else None
    form = SubmissionForm(data, workshop=workshop, pc_members=pc_members(), initial=initial)
    authors = AuthorFormSet(data, prefix="authors", initial=authors_initial)
    return form, authors


@login_required
def submission_new(request):
    workshop = workshop_current()
    refusal = policy.registration_refusal(request.user, workshop, now=timezone.now())
    if refusal:
        return render(request, "submissions/closed.html", {"message": refusal}, status=403)
    me = {"name": request.user.full_name, "email": request.user.email,
          "affiliation": request.user.affiliation, "orcid": request.user.orcid}
    form, authors = _forms(request, workshop, initial={"token": secrets.token_urlsafe(32)},
                           authors_initial=[me])
    if request.method == "POST" and form.is_valid() and authors.is_valid():
        try:
            submission, created = paper_services.submission_create(
                by=request.user, data=form.to_data(authors), token=form.cleaned_data["token"],
                workshop=workshop,
            )
        except Refused as refused:
            messages.error(request, refused.message)
        else:
            if created:
                messages.success(request, f"Paper #{submission.pk} is registered. Upload its PDF "
                                 "before the paper deadline to complete it.")
            return redirect("submission_detail", number=submission.pk)
    return render(request, "submissions/form.html", {"form": form, "authors": authors, "is_new": True})


@login_required
def submission_detail(request, number):
    workshop = workshop_current()
    submission = selectors.submission_visible_or_404(user=request.user, number=number, workshop=workshop)
    return render(request, "submissions/detail.html", _detail_context(request, workshop, submission))


def _detail_context(request, workshop, submission, upload_form=None):
    now = timezone.now()
    user = request.user
    return {
        "submission": submission,
        "paper_list": paper_lists.neighbours(request.session, request.GET.get("ls"), submission.pk),
        "show_authors": policy.can_view_authors(user, submission, workshop=workshop),
        "edit_refusal": policy.edit_refusal(user, submission, workshop, now=now),
        "is_author": policy.is_author(user, submission),
        "can_manage": policy.can_manage_submission(user, submission),
        "revive_refusal": policy.revive_refusal(user, submission, workshop, now=now),
        "withdraw_refusal": policy.withdraw_refusal(user, submission, workshop, now=now),
        "versions": selectors.pdf_versions(submission=submission)
        if policy.can_view_pdf_history(user, submission) else None,
        "sees_upload": policy.can_view_pdf_history(user, submission),
        "conflicts": selectors.conflicts_visible_to(user=user, submission=submission),
        "upload_form": upload_form or PdfUploadForm(),
        "deadline": policy.paper_deadline_for(workshop, submission),
        "can_review": policy.can_review(user, submission),
        "shown_outcome": policy.decision_shown(user, submission, workshop=workshop),
        "can_decide": policy.can_decide(user, submission),
        "decision_form": DecisionForm(initial={"outcome": submission.outcome_id}),
        "decision_log": selectors.decision_log(submission=submission) if policy.can_decide(user, submission) else [],
        "tags": selectors.tags_of(submission=submission) if policy.can_view_tags(user, submission) else [],
        "terms": sorted(submission.threat_terms.all(),
                        key=lambda t: (VocabularyKind.values.index(t.kind), t.position)),
    }


@login_required
def submission_edit(request, number):
    workshop = workshop_current()
    submission = selectors.submission_visible_or_404(user=request.user, number=number, workshop=workshop)
    refusal = policy.edit_refusal(request.user, submission, workshop, now=timezone.now())
    if refusal:
        messages.error(request, dated_html(refusal))
        return redirect("submission_detail", number=submission.pk)
    initial, authors_initial = initial_for(submission)
    initial["token"] = "edit"  # noqa: S105 - edits are guarded by the version, not a token
    form, authors = _forms(request, workshop, initial=initial, authors_initial=authors_initial)
    if request.method == "POST" and form.is_valid() and authors.is_valid():
        try:
            paper_services.submission_update(
                submission=submission, by=request.user, data=form.to_data(authors),
                expected_version=form.cleaned_data.get("version") or 0, workshop=workshop,
            )
        except Refused as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, f"Paper #{submission.pk} is saved. A receipt is on its way to the authors.")
            return redirect("submission_detail", number=submission.pk)
    return render(request, "submissions/form.html", {
        "form": form, "authors": authors, "is_new": False, "submission": submission,
    })


@upload_limited(pdf_size_limit)
@require_POST
@login_required
def pdf_upload(request, number):
    workshop = workshop_current()
    submission = selectors.submission_visible_or_404(user=request.user, number=number, workshop=workshop)

    def page(form, *, status):
        # read again: the versions shown are the ones stored now
        shown = selectors.submission_visible_or_404(user=request.user, number=number, workshop=workshop)
        return render(request, "submissions/detail.html", _detail_context(request, workshop, shown, form),
                      status=status)

    return pdf_upload_post(request, workshop=workshop, page=page, uploaded="PDF uploaded",
                           store=partial(paper_services.pdf_upload, submission=submission, by=request.user,
                                         workshop=workshop),
                           done_url=reverse("submission_detail", args=[submission.pk]))


@login_required
def paper_pdf(request, number):
    """The current PDF with identifying metadata stripped, as reviewers get it."""
    workshop = workshop_current()
    submission = selectors.submission_visible_or_404(user=request.user, number=number, workshop=workshop)
    sees_upload = policy.can_view_pdf_history(request.user, submission)
    version = submission.current_pdf if sees_upload else submission.reviewer_pdf
    if version is None:
        raise Http404("No PDF yet")
    return as_download(FileResponse(version.reviewer_file.open("rb"), content_type="application/pdf"),
                       filename=f"submission-{submission.pk}.pdf")


@login_required
def pdf_version_download(request, number, version_id):
    """Any earlier upload, byte for byte: authors and chairs only."""
    workshop = workshop_current()
    submission = selectors.submission_visible_or_404(user=request.user, number=number, workshop=workshop)
    if not policy.can_view_pdf_history(request.user, submission):
        raise Http404("No such file")
    version = get_object_or_404(submission.pdf_versions, pk=version_id)
    return as_download(FileResponse(version.file.open("rb"), content_type="application/pdf"),
                       filename=f"submission-{submission.pk}-{version.uploaded_at:%Y%m%d-%H%M%S}.pdf")


def _author_action(request, number, service, success, *, confirm: str = ""):
    """`success`: the message, with {number}, or a function of the paper that writes it."""
    workshop = workshop_current()
    submission = selectors.submission_visible_or_404(user=request.user, number=number, workshop=workshop)
    if confirm and request.POST.get("confirm") != "yes":
        messages.error(request, confirm)
        return redirect("submission_detail", number=submission.pk)
    try:
        service(submission=submission, by=request.user, workshop=workshop)
        messages.success(request, success(submission) if callable(success) else success.format(number=submission.pk))
    except Refused as refused:
        messages.error(request, dated_html(refused.message))
    return redirect("submission_detail", number=submission.pk)


@require_POST
@login_required
def submission_withdraw(request, number):
    return _author_action(request, number, paper_services.submission_withdraw, partial(_withdrawn, request),
                          confirm="Nothing changed: tick the box to confirm that you want to withdraw the paper.")


def _withdrawn(request, submission) -> str:
    """Whether the withdrawal can still be undone, and until when."""
    workshop = workshop_current()
    refusal = policy.revive_refusal(request.user, submission, workshop, now=timezone.now())
    if refusal:
        return format_html("Paper #{} is withdrawn. {}", submission.pk, dated_html(refusal))
    deadline = policy.paper_deadline_for(workshop, submission)
    if deadline is None:
        return f"Paper #{submission.pk} is withdrawn. You can revive it while submissions are open."
    return format_html("Paper #{} is withdrawn. {}", submission.pk, dated_html(DatedText(
        "You can revive it until the paper deadline, ", deadline, workshop.timezone, ".")))


@require_POST
@login_required
def submission_revive(request, number):
    return _author_action(request, number, paper_services.submission_revive,
                          "Paper #{number} is back in the workshop.")


def extension_from_post(request, workshop, grant, *, what: str) -> None:
    """Read the `until` field and pass it to `grant(until=...)`, saying how it went (both extension forms)."""
    form = ExtensionForm(request.POST, workshop=workshop)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["until"]))
        return
    until = form.cleaned_data["until"]
    try:
        grant(until=until)
        messages.success(request, f"{what} saved." if until else f"{what} removed.")
    except Refused as refused:
        messages.error(request, refused.message)


@require_POST
@require(policy.can_grant_extension)
def extension_set(request, number):
    workshop = workshop_current()
    submission = selectors.submission_visible_or_404(user=request.user, number=number, workshop=workshop)
    extension_from_post(request, workshop, partial(paper_services.extension_grant, submission=submission,
                                                   by=request.user), what="Extension")
    return redirect("submission_detail", number=submission.pk)
