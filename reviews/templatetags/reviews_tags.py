"""The reviews' part of pages that the lower apps render (the paper page):
`submissions` never imports `reviews`, its template asks for this part."""

from django import template
from django.utils import timezone

from reviews.discussion.selectors import lead_choices, meta_review_of, response_of
from reviews.reviewing.selectors import comments_visible_to, reviews_visible_to
from workshop import policy

register = template.Library()


@register.inclusion_tag("reviews/partials/paper_reviews.html", takes_context=True)
def paper_reviews(context, submission):
    request, workshop = context["request"], context["workshop"]
    user = request.user
    meta = meta_review_of(submission=submission)
    parts = policy.meta_review_parts_visible(user, submission, workshop=workshop)
    return {
        "request": request, "csrf_token": context.get("csrf_token"), "submission": submission, "workshop": workshop,
        "reviews": reviews_visible_to(user=user, submission=submission, workshop=workshop),
        "comments": comments_visible_to(user=user, submission=submission, workshop=workshop),
        "can_discuss": policy.can_view_discussion(user, submission, workshop=workshop),
        "is_chair": policy.is_chair(user),
        "meta": meta if meta and meta.is_written and parts else None, "meta_parts": parts,
        "can_write_meta": policy.can_write_meta_review(user, submission, meta),
        "can_name_lead": policy.can_name_lead(user, submission),
        "lead": meta.lead if policy.can_view_lead(user, submission, meta, workshop=workshop) else None,
        "lead_choices": lead_choices(submission=submission) if policy.can_name_lead(user, submission) else [],
        "response": response_of(submission=submission)
        if policy.can_view_response(user, submission, workshop=workshop) else None,
        "response_open": policy.response_refusal(user, submission, workshop, now=timezone.now()) is None,
    }
