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
    assert (build.status, len(build.papers), build.published_at is not None) == ("done", 4, True)
    assert CameraReady.objects.filter(licence_accepted_at__isnull=True).count() == 1  # a reminder is due
