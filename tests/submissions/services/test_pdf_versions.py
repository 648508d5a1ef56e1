"""The one way an upload becomes a version, whichever PDF it is."""

import io

import pikepdf
import pytest

from submissions.camera_ready.services import camera_ready_upload
from submissions.services.papers import pdf_upload
from workshop.errors import Refused


def _blank_pages(count: int) -> bytes:
    pdf = pikepdf.new()
    for _ in range(count):
        pdf.add_blank_page()
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize(("upload", "paper"), [(pdf_upload, "submission"), (camera_ready_upload, "accepted")],
                         ids=["paper", "camera-ready"])
def test_every_upload_is_capped_at_200_pages_in_total_whatever_its_page_limit(upload, paper, author, request):
    paper = request.getfixturevalue(paper)
    workshop = request.getfixturevalue("open_workshop")
    workshop.page_limit = workshop.camera_ready_page_limit = 500
    workshop.save()

    with pytest.raises(Refused) as refused:
        upload(submission=paper, by=author, data=_blank_pages(201), filename="long.pdf", workshop=workshop)

    assert refused.value.message == ("Your PDF has 201 pages; we accept at most 200 pages in total, including "
                                     "references and appendices.")
    assert paper.pdf_versions.count() == 0
