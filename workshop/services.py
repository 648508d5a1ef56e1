"""Writes to workshop-wide data. Each service is one transaction."""

from django.db import transaction

from workshop import defaults
from workshop.models import Role, Topic, User, VocabularyTerm, Workshop


@transaction.atomic
def workshop_seed_defaults() -> Workshop:
    """Create the workshop with the CfP's topics and default vocabularies, unless
    they exist (after a test flush, say). Idempotent."""
    return defaults.seed(Workshop, Topic, VocabularyTerm)


@transaction.atomic
def roles_set(*, user: User, roles: set[str], by: User | None) -> None:
    """Give `user` exactly these roles."""
    current = set(Role.objects.filter(user=user).values_list("name", flat=True))
    Role.objects.filter(user=user, name__in=current - roles).delete()
    Role.objects.bulk_create(Role(user=user, name=name, granted_by=by) for name in roles - current)
    user.__dict__.pop("_workshop_roles", None)


@transaction.atomic
def settings_list_save(*, formset, **fixed) -> None:
    """Save a valid formset of a settings list (topics, a vocabulary) in one transaction,
    setting `fixed` on every new or changed row."""
    for obj in formset.save(commit=False):
        for attr, value in fixed.items():
            setattr(obj, attr, value)
        obj.save()
    for obj in formset.deleted_objects:
        obj.delete()
