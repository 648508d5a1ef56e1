"""Writes of the program committee's work, by topic; import them from here.

Each service is one transaction that validates, saves, logs and queues the mail
it owes; a refusal is `Refused` with the message the person sees."""

from reviews.services.assignments import (
    BulkRow,
    assignment_add,
    assignment_remove,
    assignments_apply,
    assignments_preview,
)
from reviews.services.committee import (
    InvitationRow,
    bid_set,
    conflict_set,
    conflict_suggestions,
    conflict_waive,
    conflicts_detect,
    invitation_create,
    invitation_resend,
    invitation_respond,
    invitations_apply,
    invitations_preview,
    pc_profile_save,
)
from reviews.services.decisions import (
    ReleasePlan,
    author_reviews_text,
    authors_message,
    decision_mail,
    decisions_release,
    paper_values,
    release_plan,
    template_mail,
)
from reviews.services.discussion import lead_set, meta_review_save, response_open_mails, response_save, word_count
from reviews.services.reminders import reminders_automatic, reminders_send, reminders_send_by_chair, unfinished_reviews
from reviews.services.reviewing import comment_add, review_discard_changes, review_missing_fields, review_save
from workshop.errors import Refused

__all__ = [
    "BulkRow", "InvitationRow", "ReleasePlan", "Refused", "assignment_add", "author_reviews_text", "authors_message",
    "decision_mail", "decisions_release", "lead_set", "meta_review_save", "paper_values", "release_plan",
    "reminders_automatic", "reminders_send", "reminders_send_by_chair", "response_open_mails", "response_save",
    "template_mail", "unfinished_reviews", "word_count", "assignment_remove", "assignments_apply",
    "assignments_preview", "bid_set", "comment_add", "conflict_set", "conflict_suggestions", "conflict_waive",
    "conflicts_detect", "invitation_create", "invitation_resend", "invitation_respond", "invitations_apply",
    "invitations_preview", "pc_profile_save", "review_discard_changes", "review_missing_fields", "review_save",
]
