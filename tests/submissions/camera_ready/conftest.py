"""Helpers of the camera-ready tests."""



from tests.submissions import pdf_corpus


def final_pdf(pages=3) -> bytes:
    return pdf_corpus.paper(pages, byline="Alice Author, Chen Coauthor")
