"""Pages around the discussion: naming the lead, the meta-review, and the
authors' response to the reviews."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from reviews.discussion import selectors, services
from reviews.discussion.forms import MetaReviewForm, ResponseForm
from reviews.reviewing.selectors import reviews_visible_to
from submissions.selectors import submission_visible_or_404
from workshop import policy
from workshop.errors import Refused
from workshop.http import int_or_none
from workshop.models import User
from workshop.selectors import workshop_current


@require_POST
@login_required
def lead_set(request, number):
    workshop = workshop_current()
    submission = submission_visible_or_404(user=request.user, number=number, workshop=workshop)
    if not policy.can_name_lead(request.user, submission):
        raise Http404("No such paper")
    back = redirect(f"/submissions/{submission.pk}/#discussion")
    chosen = request.POST.get("lead")
    lead = None
    if chosen != "":  # "" is the list's "Nobody"; anything else must be a person
        lead_id = int_or_none(chosen)
        lead = User.objects.filter(pk=lead_id).first() if lead_id else None
        if lead is None:
            messages.error(request, f"Choose the discussion lead of #{submission.pk} from its reviewers in the "
                                    "list. Nothing changed.")
            return back
    try:
        services.lead_set(submission=submission, lead=lead, by=request.user)
        messages.success(request, f"{lead.full_name} leads the discussion." if lead else "No discussion lead.")
    except Refused as refused:
        messages.error(request, f"{refused.message} Nothing changed.")
    return back


@login_required
def meta_review(request, number):
    workshop = workshop_current()
    submission = submission_visible_or_404(user=request.user, number=number, workshop=workshop)
    meta = selectors.meta_review_of(submission=submission)
    if not policy.can_write_meta_review(request.user, submission, meta):
        closed = policy.meta_review_closed(request.user, submission, meta, workshop=workshop)
        if closed is None:
            raise Http404("No such meta-review")
        return render(request, "reviews/meta_review.html", {"submission": submission, "closed": closed,
                                                            "meta": meta})
    form = MetaReviewForm(request.POST or None, initial={"author_text": meta.author_text if meta else "",
                                                         "pc_text": meta.pc_text if meta else ""})
    if request.method == "POST" and form.is_valid():
        try:
            services.meta_review_save(submission=submission, by=request.user, **form.cleaned_data)
        except Refused as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, "Meta-review saved. Its author part goes to the authors with the decision.")
            return redirect(f"/submissions/{submission.pk}/#discussion")
    return render(request, "reviews/meta_review.html", {"submission": submission, "form": form})


@login_required
def author_response(request, number):
    workshop = workshop_current()
    submission = submission_visible_or_404(user=request.user, number=number, workshop=workshop)
    refusal = policy.response_refusal(request.user, submission, workshop, now=timezone.now())
    if refusal and not policy.is_author(request.user, submission):
        raise Http404("No such response")
    if refusal and not workshop.response_opens:
        raise Http404("No response period")  # a workshop without one shows nothing of it
    response = selectors.response_of(submission=submission)
    form = ResponseForm(request.POST or None, word_limit=workshop.response_word_limit,
                        initial={"text": response.text if response else ""})
    if request.method == "POST" and form.is_valid():
        try:
            services.response_save(submission=submission, by=request.user, text=form.cleaned_data["text"],
                                   workshop=workshop)
        except Refused as refused:
            form.add_error("text", refused.message)
        else:
            messages.success(request, "Response saved. The reviewers see it above the discussion.")
            return redirect(f"/submissions/{submission.pk}/#response")
    return render(request, "reviews/author_response.html", {
        "submission": submission, "form": form, "refusal": refusal, "response": response,
        "reviews": reviews_visible_to(user=request.user, submission=submission, workshop=workshop),
    })
