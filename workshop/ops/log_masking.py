"""Secrets in URLs never reach a log line.

A password-reset key, an e-mail confirmation key or a PC-invitation token in a
URL is as good as the password or the seat it opens, and URLs get logged
everywhere: our access line, Django's "Not Found: <path>" (with the request's
full path and query as an extra field), the dev server, gunicorn's errors. So
every handler carries `SecretMaskFilter`, which masks them in the message, its
arguments, the extra fields and the traceback, whichever logger sent them.

No Django here: gunicorn loads this before the application."""

import logging
import re

MASK = "***"
_SEP = r"(?:/|%2F)"  # a path, or one url-encoded in a query (?next=%2Fpc%2Finvitation%2F...)
_SEGMENT = r"(?:[^/?#&\s'\"%]|%3A)+"  # confirmation keys hold colons, url-encoded in a query
SECRET_IN_URL = re.compile(
    rf"(?P<keep>password{_SEP}reset{_SEP}key{_SEP}[0-9A-Za-z]+-"  # allauth: <uidb36>-<key>
    rf"|confirm-email{_SEP}"
    rf"|pc{_SEP}invitation{_SEP})"
    rf"{_SEGMENT}",
    re.IGNORECASE,
)
# OAuth callbacks (ORCID sign-in) carry a one-time code and the state binding it to a session.
SECRET_IN_QUERY = re.compile(r"(?P<keep>[?&](?:code|state|key|token)=)[^&#\s'\"]+", re.IGNORECASE)

_RECORD_FIELDS = frozenset(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime"}


def mask_secrets(text: str) -> str:
    text = SECRET_IN_URL.sub(rf"\g<keep>{MASK}", text)
    return SECRET_IN_QUERY.sub(rf"\g<keep>{MASK}", text)


def _masked(value):
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, str):
        return mask_secrets(value)
    if isinstance(value, dict):
        return {key: _masked(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_masked(item) for item in value)
    # An object (Django's `request` extra): a JSON formatter would print its str(), path and query included.
    return mask_secrets(str(value))


class SecretMaskFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:  # formatted first, so a secret is masked whether it came in the format string or an argument
            record.msg, record.args = mask_secrets(record.getMessage()), ()
        except (TypeError, ValueError, KeyError):  # a broken format: logging reports it, without the secret
            record.msg, record.args = mask_secrets(str(record.msg)), _masked(record.args)
        for name, value in list(record.__dict__.items()):
            if name not in _RECORD_FIELDS:
                setattr(record, name, _masked(value))
        if record.exc_info:
            record.exc_text = mask_secrets(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None  # else the formatter would print the unmasked traceback again
        elif record.exc_text:
            record.exc_text = mask_secrets(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_secrets(record.stack_info)
        return True
