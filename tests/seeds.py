"""What the data migrations create, put back after a test emptied the tables."""


def seed_migrated_defaults() -> None:
    from reviews import defaults as review_defaults
    from reviews.models import ReviewField
    from submissions import defaults as submission_defaults
    from submissions.models import Outcome
    from workshop import defaults as workshop_defaults
    from workshop.models import MailTemplate
    from workshop.services import workshop_seed_defaults

    workshop_seed_defaults()
    review_defaults.seed(ReviewField)
    submission_defaults.seed(Outcome)
    workshop_defaults.seed_mail_templates(MailTemplate)
