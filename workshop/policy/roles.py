"""Who someone is (their roles) and the doors to the chairs' pages, named by what they let one do."""



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


# Doors to the chairs' pages, named by what they let one do, so the persona x phase table
# (tests/workshop/test_policy.py) covers each. What a page then shows of each paper is
# decided per paper (conflicts included) by the predicates further down.


def can_run_assignment(user) -> bool:
    """Start, watch, apply or discard automatic-assignment runs."""
    return is_chair(user)


def can_assign(user) -> bool:
    """The manual and bulk assignment pages and the assignments CSV."""
    return is_chair(user)


def can_manage_conflicts(user) -> bool:
    """The conflicts page: add, waive and confirm suggested conflicts."""
    return is_chair(user)


def can_grant_extension(user) -> bool:
    """Grant deadline extensions (the paper's own chairs: `can_manage_submission` per paper)."""
    return is_chair(user)


def can_edit_review_form(user) -> bool:
    return is_chair(user)
