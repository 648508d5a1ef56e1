"""When the file store does not answer, say so (503) instead of a 500.

Every write of a file happens inside the transaction that records it, so the
exception that reaches here has already rolled the database back: nothing was
half-saved, and the page says the person can simply try again."""

import logging

from boto3.exceptions import Boto3Error
from botocore.exceptions import BotoCoreError, ClientError
from django.shortcuts import render

logger = logging.getLogger(__name__)
STORE_ERRORS = (BotoCoreError, ClientError, Boto3Error)


class StorageUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, STORE_ERRORS):
            return None
        logger.error("file store unavailable on %s %s: %s", request.method, request.path, exception)
        response = render(request, "503_storage.html", status=503)
        response["Retry-After"] = "60"
        return response
