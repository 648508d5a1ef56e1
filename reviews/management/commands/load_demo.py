from django.core.management.base import BaseCommand

from reviews.demo.loader import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Load (or refresh) the demo workshop from the seed call for papers, with demo users."

    def handle(self, *args, **options):
        rows = load_demo()
        self.stdout.write(self.style.SUCCESS("Demo workshop loaded. Sign in with:"))
        for email, roles in rows:
            self.stdout.write(f"  {email:<27} {DEMO_PASSWORD}   ({roles})")
