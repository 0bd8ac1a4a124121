"""Previews of submitted PDFs for the grading page: the first pages rendered as PNG images on the
server (pypdfium2, PDFium, the engine Chrome uses), so a PDF is read in the page without ever being
opened by the browser in our origin (the file views send `sandbox`, under which no browser shows a
PDF anyway). A file that is not a PDF, or that PDFium cannot read, has no preview: it is a
download."""

import io

import pypdfium2 as pdfium

PREVIEW_PAGES = 3
PREVIEW_WIDTH = 900  # pixels: a page as wide as the grading page's column


class NoPreview(Exception):
    """The file cannot be previewed (not a PDF, damaged, or the page does not exist)."""


def page_count(field_file) -> int:
    """How many pages the grading page previews (at most PREVIEW_PAGES)."""
    with _document(field_file) as document:
        return min(len(document), PREVIEW_PAGES)


def page_png(field_file, number: int) -> bytes:
    """Page `number` (1-based, up to PREVIEW_PAGES) as a PNG PREVIEW_WIDTH pixels wide."""
    if not 1 <= number <= PREVIEW_PAGES:
        raise NoPreview(f"Only the first {PREVIEW_PAGES} pages are previewed.")
    with _document(field_file) as document:
        if number > len(document):
            raise NoPreview("No such page.")
        page = document[number - 1]
        width = page.get_width() or 1
        image = page.render(scale=min(4.0, PREVIEW_WIDTH / width)).to_pil()
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


class _document:
    def __init__(self, field_file):
        self.field_file = field_file
        self.document = None

    def __enter__(self) -> pdfium.PdfDocument:
        if not self.field_file.name.lower().endswith(".pdf"):
            raise NoPreview("Not a PDF.")
        with self.field_file.open("rb") as stream:
            data = stream.read()
        try:
            self.document = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as error:
            raise NoPreview("PDFium cannot read it.") from error
        return self.document

    def __exit__(self, *exc) -> None:
        if self.document is not None:
            self.document.close()
