"""The chairs' mail pages: a message to the authors of chosen papers, reminders to
reviewers, the outcomes and chair-editable mail texts, and the progress of a batch."""

from django.contrib import messages
from django.shortcuts import redirect, render

from reviews.decisions import services
from reviews.decisions.compose import authors_message_preview, authors_message_start
from reviews.decisions.forms import ComposeForm, MailTemplateFormSet, OutcomeFormSet
from reviews.decisions.selectors import papers_decidable_by
from reviews.reviewing.reminders import reminders_preview, reminders_send_by_chair, unfinished_reviews
from submissions.models import Outcome
from submissions.outbox.selectors import batch_progress_or_404
from workshop import policy
from workshop.errors import Refused
from workshop.http import int_or_none, require
from workshop.models import MailTemplate


@require(policy.is_proceedings_team)  # chairs and organizers start batches; the selector decides which
def mail_batch(request, public_id):
    progress = batch_progress_or_404(user=request.user, public_id=public_id)
    context = {"batch": progress.batch, "progress": progress.run, "failed": progress.failed,
               "by_paper": progress.by_paper, "outbox_link": policy.can_view_outbox(request.user),
               "label": progress.label,
               "layout": "workshop/chair_base.html" if policy.is_chair(request.user)
               else "submissions/proceedings/base.html"}
    template = "reviews/partials/batch_progress.html" if request.htmx else "reviews/mail_batch.html"
    return render(request, template, context)


@require(policy.can_release_decisions)
def compose(request):
    papers = papers_decidable_by(user=request.user,
                                 numbers=[int_or_none(v) for v in request.GET.get("papers", "").split(",")])
    form = ComposeForm(request.POST or None)
    preview = None
    if request.method == "POST" and form.is_valid():
        message = {"submissions": papers, "subject": form.cleaned_data["subject"],
                   "body": form.cleaned_data["body"], "by": request.user}
        try:
            if "send" in request.POST:
                job, started = authors_message_start(**message)
                if not started:
                    messages.info(request, "Your previous message is still being written; here is its progress. "
                                           "Send this one when it is done.")
                return redirect("job_detail", public_id=job.public_id)
            count, sample = authors_message_preview(**message)
        except Refused as refused:
            form.add_error(None, refused.message)
        else:
            preview = {"count": count, "sample": sample}
    return render(request, "reviews/compose.html", {"form": form, "papers": papers, "preview": preview})


@require(policy.can_send_reminders)
def reminders(request):
    if request.method == "POST":
        try:
            job, started = reminders_send_by_chair(by=request.user)
        except Refused as refused:
            messages.info(request, refused.message)
            return redirect("reminders")
        if not started:
            messages.info(request, "Reminders are being sent already; here is their progress.")
        return redirect("job_detail", public_id=job.public_id)
    due = list(unfinished_reviews(by=request.user))
    return render(request, "reviews/reminders.html", {
        "due": due, "reviewers": len({a.reviewer_id for a in due}), "sample": reminders_preview(by=request.user)})


@require(policy.can_manage_workshop)
def mail_templates(request):
    templates = MailTemplateFormSet(request.POST or None, queryset=MailTemplate.objects.order_by("key"),
                                    prefix="templates")
    outcomes = OutcomeFormSet(request.POST or None, queryset=Outcome.objects.all(), prefix="outcomes")
    if request.method == "POST" and templates.is_valid() and outcomes.is_valid():
        try:
            services.mail_texts_save(templates=templates, outcomes=outcomes)
        except Refused as refused:
            messages.error(request, f"Nothing was saved. {refused.message}")  # the chair's edits stay in the form
        else:
            messages.success(request, "Outcomes and mail texts saved.")
            return redirect("mail_templates")
    return render(request, "reviews/mail_templates.html", {"templates": templates, "outcomes": outcomes})
