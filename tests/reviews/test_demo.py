import pytest

from reviews.demo.loader import load_demo, parse_seed_cfp
from reviews.models import Assignment, AuthorResponse, Bid, MetaReview, Review
from submissions.models import CameraReady, PdfVersion, ProceedingsBuild, Submission
from workshop.models import Role, Topic, Workshop


def test_parse_seed_cfp_finds_the_nine_topics_and_the_security_requirement():
    from reviews.demo.loader import SEED_CFP

    text, topics = parse_seed_cfp(SEED_CFP.read_text())

    assert len(topics) == 9
    assert topics[2] == "Training time attacks (e.g., data poisoning)"
    assert "clear explanation of their relationship" in text
    assert "layout: page" not in text


@pytest.mark.django_db
def test_load_demo_twice_gives_one_complete_demo(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path

    load_demo()
    load_demo()

    assert Topic.objects.count() == 9
    assert "science of security for machine" in Workshop.objects.get().cfp_text.replace("\n", " ")
    assert Role.objects.filter(name="chair").count() == 1
    assert Submission.objects.count() == 13
    assert PdfVersion.objects.filter(kind="submission").count() == 12
    assert PdfVersion.objects.filter(kind="camera_ready").count() == 4  # one for each accepted paper
    assert (Bid.objects.count(), Assignment.objects.count()) == (6, 34)
    assert sorted(Review.objects.values_list("status", flat=True)) == ["draft"] + ["submitted"] * 29
    decided = Submission.objects.filter(outcome__isnull=False)
    assert (decided.count(), decided.filter(decision_released_at__isnull=False).count()) == (5, 4)
    assert AuthorResponse.objects.count() == MetaReview.objects.count() == 1
    build = ProceedingsBuild.objects.get()
    assert (build.state, len(build.papers), build.published_at is not None) == ("done", 4, True)
    assert CameraReady.objects.filter(licence_accepted_at__isnull=True).count() == 1  # a reminder is due



def test_make_runs_load_demo_in_sixteen_lines_and_keeps_its_mail_in_the_outbox(tmp_path):
    """Issue 18, item 13: `make run` printed some 2,650 lines, mostly the demo's 72 mails. Run as
    `make run` runs it (its own SQLite file, eager Celery, the console mail backend)."""
    import os
    import sqlite3
    import subprocess
    import sys
    from pathlib import Path

    database = tmp_path / "demo.sqlite3"
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "EMAIL_URL", "SITE_URL"}}
    env.update(DATABASE_URL=f"sqlite:///{database}", MEDIA_ROOT=str(tmp_path / "media"),
               SITE_URL="http://127.0.0.1:8201")

    def manage(*args: str) -> str:
        done = subprocess.run([sys.executable, "manage.py", *args], cwd=Path(__file__).parents[2], env=env,
                              capture_output=True, text=True, timeout=300, check=True)
        return done.stdout + done.stderr

    manage("migrate", "--noinput", "--verbosity", "0")
    lines = manage("load_demo").splitlines()
    later = manage("shell", "-c", "from workshop.mail import mail_queue; "
                   "mail_queue(to='new@example.org', subject='Confirm your address', body='Hello.', kind='test')")

    with sqlite3.connect(database) as db:
        statuses = dict(db.execute("SELECT status, COUNT(*) FROM workshop_outgoingmail GROUP BY status"))
    assert len(lines) == 16
    assert lines[0] == "Demo workshop loaded: MLSec 2027, in its author-response period."
    assert lines[1] == "  13 papers (12 with a PDF), a PC of 5, 34 assignments, 29 submitted reviews,"
    assert lines[3] == (f"  {statuses['sent'] - 1} mails in the outbox ({statuses['sent'] - 1} sent): read them at "
                        "http://127.0.0.1:8201/chair/outbox/ as the chair. Mail from now on is printed here.")
    assert lines[4] == "Sign in at http://127.0.0.1:8201/accounts/login/ with the password demo-password-2027 as:"
    assert lines[5:7] == ["  chair@example.org           (chair, pc)", "  organizer@example.org       (organizer)"]
    assert set(statuses) == {"sent"} and statuses["sent"] > 60
    assert "Subject: Confirm your address" in later  # mail sent while the site runs is printed, as before
