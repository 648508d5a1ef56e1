"""THE one place that answers "may this user see or do this, now?".

Predicates are small and pure over (user, object, phase). Views, selectors,
exports, mails and PDF builders ask here; nothing else decides. Hidden objects
are answered with 404 by the callers (see `workshop.http.get_visible_or_404`).

One namespace, `policy.can_...`, over the modules that group the questions by
what they are about (it is the one package face here: every caller asks the
policy, never one of its parts).
"""

from workshop.policy.committee import (  # noqa: F401
    assignment_refusal,
    bidding_closed,
    bids_open_for,
    can_bid,
    can_invite_pc,
    can_manage_assignments,
    can_review,
    can_view_assignment_run,
    can_view_comment,
    can_view_comment_author,
    can_view_discussion,
    can_view_reviewer_identity,
    can_view_reviews,
    can_view_reviews_as_author,
    invitation_usable,
    is_assigned,
    own_review,
    review_edit_refusal,
    review_late_notice,
    visible_field_levels,
)
from workshop.policy.decisions import (  # noqa: F401
    can_decide,
    can_name_lead,
    can_release_decisions,
    can_send_reminders,
    can_view_decision,
    can_view_lead,
    can_view_paper_table,
    can_view_response,
    can_view_tags,
    can_write_meta_review,
    decision_pending,
    decision_pending_q,
    decision_shown,
    lead_refusal,
    meta_review_closed,
    meta_review_parts_visible,
    response_refusal,
)
from workshop.policy.jobs import (  # noqa: F401
    can_view_job,
    can_view_job_counts,
)
from workshop.policy.outbox import (  # noqa: F401
    can_view_mail,
    can_view_mail_body,
)
from workshop.policy.papers import (  # noqa: F401
    active_conflict,
    can_manage_submission,
    can_view_authors,
    can_view_pdf_history,
    can_view_submission,
    conflict_settled,
    conflicted_submissions_q,
    conflicted_user_ids,
    decision_released,
    edit_refusal,
    is_author,
    is_conflicted,
    paper_deadline_for,
    registration_closed,
    registration_refusal,
    revive_refusal,
    withdraw_refusal,
)
from workshop.policy.proceedings import (  # noqa: F401
    CAMERA_READY_MAIL,
    camera_ready_deadline_for,
    camera_ready_refusal,
    can_count_batch_mail,
    can_manage_proceedings,
    can_view_batch_mail_recipient,
    can_view_camera_ready,
    can_view_camera_ready_recipients,
    can_watch_mail_batch,
    is_accepted,
    is_proceedings_team,
    volume_prints_unconfirmed_authors,
)
from workshop.policy.roles import (  # noqa: F401
    can_assign,
    can_edit_review_form,
    can_grant_extension,
    can_manage_conflicts,
    can_manage_roles,
    can_manage_workshop,
    can_run_assignment,
    can_view_outbox,
    is_chair,
    is_organizer,
    is_pc_member,
)
