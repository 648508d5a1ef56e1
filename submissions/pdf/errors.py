"""The one refusal the PDF checks raise."""

from workshop.errors import Refused


class PdfRejected(Refused):
    """An upload we refuse; `message` is written for the author, `code` for programs."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code
