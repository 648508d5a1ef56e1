"""Check uploaded paper PDFs and make the reviewer copy (no Django here).

One structural reader and writer: qpdf (through pikepdf) parses the upload once,
repairing damage the way viewers do, and everything structural is decided on
that parse: page count, limits, active content, metadata, signatures, and the
reviewer copy, which is the same parse with the identifying parts removed and
written out again (only objects reachable from the document are written). When
qpdf cannot read a file that PDFium opens, the pages PDFium reads are rebuilt into
a new file and checked instead (`rebuild`). PDFium (through pypdfium2, the engine
of Chrome's viewer) reads the text, as reviewers' viewers would, and draws both the
upload and the copy to check that the copy shows the same pages.

Every byte string either yields a `PdfResult` or raises `PdfRejected` carrying a
stable `code` and a message that can be shown to the author as is; nothing else
escapes `check_pdf`. Refusals that may have turned a good paper away are logged
(logger `submissions.pdf`) with the file's SHA-256 and size, never its content.

The modules, in the order a check runs: envelope (bytes before parsing), budget
(time and decompression), structure (the walk: active content, what the copy
changes), metadata, forms (annotations, fields, signatures), identity (matching
names), page_limit, copy (the reviewer copy), viewer (PDFium: text, drawing,
comparison), rebuild; check ties them together; messages holds every sentence.
"""

from submissions.pdf.check import PdfResult, check_pdf
from submissions.pdf.errors import PdfRejected
from submissions.pdf.messages import CHAIR_FLAGS, MB

__all__ = ["CHAIR_FLAGS", "MB", "PdfRejected", "PdfResult", "check_pdf"]
