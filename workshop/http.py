"""View helpers that turn policy answers into responses.

A "no" from the policy is a 404, the same answer as for a missing object, so
an outsider cannot tell hidden from absent."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import Http404


def require(predicate):
    """Decorate a view: anonymous users are sent to log in, others the policy
    refuses get 404."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not predicate(request.user):
                raise Http404("Not found")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def int_or_none(value) -> int | None:
    """A tampered or missing id becomes None, never a 500."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
