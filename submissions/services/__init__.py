"""Writes to submissions, by topic; import them from here.

Each service is one transaction that validates, saves, and queues the mail it
owes; a refusal is `Refused` with the message the person sees."""

from submissions.services.camera_ready import (
    PrintedAuthor,
    camera_ready_extension_grant,
    camera_ready_metadata_save,
    camera_ready_reminders,
    camera_ready_upload,
    licence_accept,
)
from submissions.services.papers import (
    AuthorEntry,
    SubmissionData,
    decision_record,
    decisions_record,
    extension_grant,
    pdf_upload,
    submission_create,
    submission_revive,
    submission_update,
    submission_withdraw,
    tags_change,
)
from submissions.services.proceedings import (
    build_publish,
    build_run,
    build_start,
    published_build,
    volume_order_save,
)
from workshop.errors import Refused

__all__ = [
    "AuthorEntry", "PrintedAuthor", "Refused", "SubmissionData", "build_publish",
    "build_run", "build_start", "camera_ready_extension_grant", "camera_ready_metadata_save", "camera_ready_reminders",
    "camera_ready_upload", "decision_record", "decisions_record", "extension_grant",
    "licence_accept", "pdf_upload", "published_build", "submission_create", "submission_revive",
    "submission_update", "submission_withdraw", "tags_change", "volume_order_save",
]
