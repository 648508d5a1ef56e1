"""Reads of workshop-wide data."""

from django.db.models import QuerySet

from workshop.models import (
    Role,
    RoleName,
    Topic,
    User,
    VocabularyKind,
    VocabularyTerm,
    Workshop,
)


def workshop_current() -> Workshop:
    """The deployment's one workshop, created by the data migration (a read: never creates it)."""
    workshop = Workshop.objects.order_by("id").first()
    if workshop is None:
        raise Workshop.DoesNotExist("No workshop: run `manage.py migrate`, which creates it.")
    return workshop


def topics_ordered() -> QuerySet[Topic]:
    return Topic.objects.order_by("position", "id")


def vocabulary_by_kind() -> dict[str, list[VocabularyTerm]]:
    grouped: dict[str, list[VocabularyTerm]] = {kind: [] for kind in VocabularyKind.values}
    for term in VocabularyTerm.objects.order_by("kind", "position", "id"):
        grouped[term.kind].append(term)
    return grouped


def role_names_of(user) -> frozenset[str]:
    """The user's roles, loaded once per request object and cached on it."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_workshop_roles", None)
    if cached is None:
        cached = frozenset(Role.objects.filter(user=user).values_list("name", flat=True))
        user._workshop_roles = cached
    return cached


def users_with_roles_cached(ids) -> dict[int, User]:
    """Users by id, their roles read in one query and cached where `role_names_of` looks."""
    people = {u.pk: u for u in User.objects.filter(pk__in=ids)}
    roles: dict[int, set[str]] = {pk: set() for pk in people}
    for user_id, name in Role.objects.filter(user_id__in=list(people)).values_list("user_id", "name"):
        roles[user_id].add(name)
    for pk, person in people.items():
        person._workshop_roles = frozenset(roles[pk])
    return people


def people_with_roles() -> QuerySet[User]:
    return User.objects.filter(is_active=True).prefetch_related("roles").order_by("full_name", "email")


def pc_members() -> QuerySet[User]:
    """The program committee: active people with the PC role. The one query for it."""
    return User.objects.filter(roles__name=RoleName.PC, is_active=True).order_by("full_name", "pk").distinct()


def chairs() -> QuerySet[User]:
    return User.objects.filter(roles__name=RoleName.CHAIR, is_active=True).order_by("full_name", "pk").distinct()

