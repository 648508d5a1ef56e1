"""The reviews' part of pages that the lower apps render (the paper page):
`submissions` never imports `reviews`, its template asks for this part."""

from django import template

from reviews import selectors
from workshop import policy

register = template.Library()


@register.inclusion_tag("reviews/partials/paper_reviews.html", takes_context=True)
def paper_reviews(context, submission):
    request, workshop = context["request"], context["workshop"]
    user = request.user
    return {
        "request": request, "csrf_token": context.get("csrf_token"), "submission": submission, "workshop": workshop,
        "reviews": selectors.reviews_visible_to(user=user, submission=submission, workshop=workshop),
        "comments": selectors.comments_visible_to(user=user, submission=submission, workshop=workshop),
        "can_discuss": policy.can_view_discussion(user, submission, workshop=workshop),
        "is_chair": policy.is_chair(user),
    }
