"""View helpers that turn policy answers into responses.

A "no" from the policy is a 404, the same answer as for a missing object, so
an outsider cannot tell hidden from absent. Downloads get their file name
from `as_download`."""

import unicodedata
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.utils.http import content_disposition_header


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


# Characters a file system refuses or a browser would turn into a path.
_FILE_NAME_UNSAFE = str.maketrans({c: "-" for c in '/\\"<>:|?*'})


def download_name(name: str) -> str:
    """`name` fit for a saved file: no control or invisible formatting
    characters (a right-to-left override would make "fdp.exe" read "exe.pdf"),
    no path separators or quotes, one line."""
    kept = "".join(c for c in unicodedata.normalize("NFC", str(name))
                   if unicodedata.category(c) not in ("Cc", "Cf", "Zl", "Zp", "Co", "Cn", "Cs"))
    return " ".join(kept.translate(_FILE_NAME_UNSAFE).split()) or "download"


def as_download(response, *, filename: str, inline: bool = False):
    """THE way a response gets its file name: Django quotes it (RFC 6266, with
    RFC 5987 for anything beyond ASCII), after `download_name` cleaned it."""
    response["Content-Disposition"] = content_disposition_header(not inline, download_name(filename))
    return response
