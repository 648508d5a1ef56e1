import logging
from contextlib import contextmanager

from django.conf import settings
from django.core.management.base import BaseCommand
from django.urls import reverse

from reviews.demo.loader import DEMO_PASSWORD, load_demo
from reviews.demo.summary import demo_summary
from workshop.mail import absolute_url

CONSOLE = "django.core.mail.backends.console.EmailBackend"
# Run eagerly (no REDIS_URL), Celery logs a line for each of the demo's mail tasks, and kombu
# warns once that its in-memory broker has no host name: noise while the demo loads.
_CHATTY = {"celery.app.trace": logging.WARNING, "kombu.connection": logging.ERROR}


@contextmanager
def _demo_mail_not_printed():
    """The demo writes some 70 mails through the outbox, as the real pages do. Printed by
    the console backend they would bury everything else `make run` says, so while it loads
    they go nowhere (their rows say sent; a chair reads them in the outbox). Any other
    backend (a mail catcher) gets them as configured."""
    backend = settings.EMAIL_BACKEND
    levels = {name: logging.getLogger(name).level for name in _CHATTY}
    if backend == CONSOLE:
        settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
    for name, level in _CHATTY.items():
        logging.getLogger(name).setLevel(level)
    try:
        yield
    finally:
        settings.EMAIL_BACKEND = backend
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)


class Command(BaseCommand):
    help = "Load (or refresh) the demo workshop from the seed call for papers, with demo users."

    def add_arguments(self, parser):
        parser.add_argument("--print-mail", action="store_true",
                            help="Print the demo's mails too (the console backend prints some 70).")

    def handle(self, *args, **options):
        if options["print_mail"]:
            rows = load_demo()
        else:
            with _demo_mail_not_printed():
                rows = load_demo()  # commits inside: its mail goes out (eagerly) before the backend is back
        for line in demo_summary():
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(
            f"Sign in at {absolute_url(reverse('account_login'))} with the password {DEMO_PASSWORD} as:"))
        for email, roles in rows:
            self.stdout.write(f"  {email:<27} ({roles})")
