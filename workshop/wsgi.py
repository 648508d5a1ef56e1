import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workshop.settings")
application = get_wsgi_application()
# Import every view now, not on the first request: with gunicorn's preload_app the
# workers fork with it loaded (shared pages, no slow first request after a restart).
get_resolver().url_patterns  # noqa: B018 - evaluated for its imports
