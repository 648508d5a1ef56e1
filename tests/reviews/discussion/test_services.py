"""The response period's mails."""


import pytest

from reviews.decisions.services import decision_record
from reviews.discussion.services import response_open_mails, response_save
from submissions.models import Outcome, Submission
from submissions.selectors import with_related
from tests.reviews.conftest import release_now
from workshop.errors import Refused
from workshop.models import OutgoingMail


def _fresh(paper):
    return with_related(Submission.objects.filter(pk=paper.pk)).get()


def _accept():
    return Outcome.objects.get(name="Accept (poster)")


@pytest.mark.django_db
def test_response_open_mail_goes_once_to_each_author_of_each_complete_paper(pc_world, response_window):
    people, paper = pc_world
    from submissions.models import PdfVersion

    PdfVersion.objects.create(submission=paper, file="x.pdf", reviewer_file="y.pdf", original_name="x.pdf",
                              sha256="0" * 64, size=1, page_count=1, uploaded_by=people["author"])

    first = response_open_mails()
    second = response_open_mails()

    mails = OutgoingMail.objects.filter(kind="author:response-open")
    assert (first, second) == (2, 0)
    assert sorted(m.recipient for m in mails) == sorted([people["author"].email, people["coauthor"].email])
    assert "Poisons detectors." in mails[0].body and people["reviewer_after"].full_name not in mails[0].body


@pytest.mark.django_db
def test_response_ends_for_a_paper_once_its_decision_is_released(pc_world, response_window):
    people, paper = pc_world
    decision_record(submission=paper, outcome=_accept(), by=people["chair"])
    release_now(by=people["chair"])

    with pytest.raises(Refused) as refused:
        response_save(submission=_fresh(paper), by=people["author"], text="Late.", workshop=response_window)

    assert "response period for it is over" in refused.value.message
