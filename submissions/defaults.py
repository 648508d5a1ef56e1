"""The outcomes a workshop starts with; chairs edit them (and their mails) afterwards."""

_ACCEPT_BODY = (
    "Dear authors,\n\nWe are happy to tell you that your paper #{number}, \"{title}\", is accepted to {workshop} "
    "as: {outcome}.\n\nThe reviews follow. Please take them into account in the camera-ready version, due "
    "{camera_ready_deadline}.\n\n{reviews}\n\nThank you for submitting your work.\nThe program chairs\n"
)
_REJECT_BODY = (
    "Dear authors,\n\nWe are sorry to tell you that your paper #{number}, \"{title}\", was not accepted to "
    "{workshop}. We received many strong submissions and could accept only a few.\n\nThe reviews follow; we "
    "hope they help.\n\n{reviews}\n\nThank you for submitting your work.\nThe program chairs\n"
)

OUTCOMES = [
    # name, category, subject, body
    ("Accept (oral)", "accept", "#{number} accepted: {title}", _ACCEPT_BODY),
    ("Accept (poster)", "accept", "#{number} accepted: {title}", _ACCEPT_BODY),
    ("Reject", "reject", "#{number}: {title}", _REJECT_BODY),
]


def seed(outcome_model) -> None:
    if outcome_model.objects.exists():
        return
    outcome_model.objects.bulk_create(
        outcome_model(name=name, category=category, position=i, mail_subject=subject, mail_body=body)
        for i, (name, category, subject, body) in enumerate(OUTCOMES)
    )
