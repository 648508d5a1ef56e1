"""THE one place that answers "may this user see or do this, now?".

Predicates are small and pure over (user, object, phase). Views, selectors,
exports, mails and PDF builders ask here; nothing else decides. Hidden objects
are answered with 404 by the callers (see `workshop.http.get_visible_or_404`)."""

from workshop.models import RoleName
from workshop.selectors import role_names_of


def is_chair(user) -> bool:
    return RoleName.CHAIR in role_names_of(user)


def is_pc_member(user) -> bool:
    return RoleName.PC in role_names_of(user)


def is_organizer(user) -> bool:
    return RoleName.ORGANIZER in role_names_of(user)


def can_manage_workshop(user) -> bool:
    """Edit settings, dates, topics, vocabularies and roles."""
    return is_chair(user)


def can_view_outbox(user) -> bool:
    return is_chair(user)


def can_manage_roles(user) -> bool:
    return is_chair(user)


def can_view_mail_body(user, mail) -> bool:
    """Account mails carry sign-in and password-reset links: only their
    recipient may read them, never a chair looking at the outbox."""
    return can_view_outbox(user) and not mail.kind.startswith("account:")
