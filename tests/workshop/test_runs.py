"""The one progress shape (workshop/runs.py) and its one partial."""

from django.template.loader import render_to_string

from workshop.runs import Progress, RunState


def test_a_queued_run_waits_for_a_worker_and_polls():
    progress = Progress(state=RunState.QUEUED, done=0, total=0)

    html = render_to_string("partials/run_progress.html", {"progress": progress, "name": "job", "poll": "/p/"})

    assert (progress.label, progress.percent) == ("Waiting for a worker", 0)
    assert 'id="job-progress"' in html and 'hx-get="/p/"' in html and "This page updates by itself." in html


def test_a_running_run_shows_its_step_and_count():
    progress = Progress(state=RunState.RUNNING, done=3, total=12, step="Stamping papers", of=" papers")

    assert (progress.label, progress.line, progress.percent) == ("Stamping papers", "3 of 12 papers", 25)


def test_a_run_reporting_percents_says_so():
    assert Progress(state=RunState.RUNNING, done=30, total=100, of="%").line == "30%"


def test_a_finished_run_stops_polling_and_shows_its_counts_and_error():
    progress = Progress(state=RunState.FAILED, done=1, total=2, counts=((1, "sent"), (1, "failed")),
                        error="The mail server refused.")

    html = render_to_string("partials/run_progress.html", {"progress": progress, "name": "job", "poll": "/p/"})

    assert "hx-get" not in html and "updates by itself" not in html
    assert "<strong>1</strong> sent · <strong>1</strong> failed, of 2." in html
    assert '<p class="error" role="alert">The mail server refused.</p>' in html
    assert progress.label == "Failed"
