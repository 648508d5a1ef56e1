"""A reviewer's pages: the review form (autosave, preview, the offline text form)
and the discussion's comments; and the chairs' editor of the review form."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from reviews.models import ReviewField
from reviews.reviewing import selectors, services
from reviews.reviewing.forms import CommentForm, ReviewFieldFormSet, ReviewForm
from reviews.reviewing.offline import OfflineField, OfflineParseError, parse_offline_form, render_offline_form
from submissions.selectors import submission_visible_or_404
from workshop import policy
from workshop.errors import Refused
from workshop.http import as_download, int_or_none, require
from workshop.markdown import render_markdown
from workshop.phases import dated_html
from workshop.selectors import workshop_current


def _reviewable(request, number):
    workshop = workshop_current()
    submission = submission_visible_or_404(user=request.user, number=number, workshop=workshop)
    if not policy.can_review(request.user, submission):
        raise Http404("No such review")
    return workshop, submission


def _offline_fields(fields: list[ReviewField]) -> list[OfflineField]:
    return [OfflineField(key=f.key, label=f.label, kind=f.kind, required=f.required,
                         options=tuple((v, label) for v, label in f.options), help=f.help,
                         visibility=f.visibility) for f in fields]


@login_required
def review_edit(request, number):
    workshop, submission = _reviewable(request, number)
    fields = selectors.review_fields()
    review = selectors.own_review_or_new(submission=submission, user=request.user)
    form = ReviewForm(request.POST or None, fields=fields, initial=review.working_values)
    if request.method == "POST" and form.is_valid():
        autosave = request.POST.get("autosave") == "1"
        version = int_or_none(request.POST.get("version")) or 0
        try:
            if "discard" in request.POST:
                review = services.review_discard_changes(submission=submission, by=request.user,
                                                         expected_version=version, workshop=workshop)
                messages.info(request, "Your changes are discarded; the submitted review is unchanged.")
                return redirect("review_edit", number=submission.pk)
            submit, was_submitted = "submit" in request.POST, review.is_submitted
            review = services.review_save(
                submission=submission, by=request.user, values=form.cleaned_data, expected_version=version,
                submit=submit, workshop=workshop, fields=fields,
            )
        except Refused as refused:
            if autosave:
                return render(request, "reviews/partials/autosave.html", {"error": refused.message})
            messages.error(request, dated_html(refused.message))
            if "submit" in request.POST:
                for field in fields:
                    if field.label in services.review_missing_fields(form.cleaned_data, fields):
                        form.add_error(field.key, "Please answer this to submit the review.")
        else:
            if autosave:
                return render(request, "reviews/partials/autosave.html", {"review": review})
            if submit:
                messages.success(request, "Review updated." if was_submitted else "Review submitted.")
            elif review.is_submitted:
                messages.info(request, "Changes saved privately. Others still see your submitted review until you "
                                       "click “Update review”.")
            else:
                messages.success(request, "Draft saved.")
            return redirect("review_edit", number=submission.pk)
    return render(request, "reviews/review_form.html", {
        "submission": submission, "review": review, "form": form,
        "refusal": policy.review_edit_refusal(request.user, submission, workshop),
        "late": policy.review_late_notice(review, workshop, now=timezone.now()),
        "others": selectors.reviews_visible_to(user=request.user, submission=submission, workshop=workshop)
        if review.is_submitted else [],
    })


@require_POST
@login_required
def review_preview(request, number):
    _reviewable(request, number)
    fields = [f for f in selectors.review_fields() if f.kind == "text"]
    rendered = [(f.label, render_markdown(request.POST.get(f.key, ""))) for f in fields
                if request.POST.get(f.key, "").strip()]
    return render(request, "reviews/partials/preview.html", {"rendered": rendered})


@login_required
def review_offline_download(request, number):
    workshop, submission = _reviewable(request, number)
    review = selectors.own_review_or_new(submission=submission, user=request.user)
    try:
        text = render_offline_form(fields=_offline_fields(selectors.review_fields()), number=submission.pk,
                                   title=submission.title, values=review.working_values, workshop=str(workshop))
    except ValueError:
        messages.error(request, "Your review has a line starting with ==+== or ==-==, which the offline form "
                                "cannot hold. Edit it here, or change that line first.")
        return redirect("review_edit", number=submission.pk)
    return as_download(HttpResponse(text, content_type="text/plain; charset=utf-8"),
                       filename=f"review-{submission.pk}.txt")


@require_POST
@login_required
def review_offline_upload(request, number):
    workshop, submission = _reviewable(request, number)
    upload = request.FILES.get("review_file")
    if upload is None:
        messages.error(request, "Choose the filled-in review file to upload.")
        return redirect("review_edit", number=submission.pk)
    if upload.size > 400_000:
        messages.error(request, "That file is too large to be a review form.")
        return redirect("review_edit", number=submission.pk)
    fields = selectors.review_fields()
    review = selectors.own_review_or_new(submission=submission, user=request.user)
    try:
        values = parse_offline_form(upload.read().decode("utf-8", errors="replace"),
                                    fields=_offline_fields(fields), number=submission.pk)
        services.review_save(submission=submission, by=request.user, values=values,
                             expected_version=review.version, submit="submit" in request.POST,
                             workshop=workshop, fields=fields)
    except OfflineParseError as error:
        messages.error(request, f"Nothing was saved. {error}")
    except Refused as refused:
        messages.error(request, dated_html(refused.message))
    else:
        messages.success(request, "The uploaded review is saved.")
    return redirect("review_edit", number=submission.pk)


@require_POST
@login_required
def comment_add(request, number):
    workshop = workshop_current()
    submission = submission_visible_or_404(user=request.user, number=number, workshop=workshop)
    if not policy.can_view_discussion(request.user, submission, workshop=workshop):
        raise Http404("No such discussion")
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.comment_add(submission=submission, by=request.user, body=form.cleaned_data["body"],
                                 chairs_only=form.cleaned_data["chairs_only"], workshop=workshop)
            messages.success(request, "Comment posted.")
        except Refused as refused:
            messages.error(request, refused.message)
    else:
        messages.error(request, "The comment is empty or too long (at most 20,000 characters).")
    return redirect(f"/submissions/{submission.pk}/#discussion")


@require(policy.can_edit_review_form)
def chair_review_form(request):
    formset = ReviewFieldFormSet(request.POST or None, queryset=ReviewField.objects.order_by("position", "id"))
    if request.method == "POST" and formset.is_valid():
        missing = services.review_form_save(formset=formset)
        messages.success(request, "Review form saved.")
        for label, count in missing.items():
            messages.warning(request, f"{count} submitted review{'s do' if count > 1 else ' does'} not answer the "
                             f"required question “{label}”. They stay submitted; their reviewers must answer it "
                             "the next time they update them.")
        return redirect("chair_review_form")
    return render(request, "reviews/chair_review_form.html", {"formset": formset})
