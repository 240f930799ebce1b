"""HTML to PDF with WeasyPrint, fetching nothing from the network.

The HTML is rendered from our own templates; still, WeasyPrint would fetch any URL it meets (a stylesheet, an image).
Its fetcher here only serves data: URLs and files inside app/static, so a PDF export never makes a request."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlparse

STATIC_DIR = (Path(__file__).resolve().parent.parent / "static").resolve()


def _local_fetcher():
    from weasyprint.urls import URLFetcher

    class LocalFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            parsed = urlparse(url)
            if parsed.scheme == "file":
                path = Path(unquote(parsed.path)).resolve()
                if not (path.is_relative_to(STATIC_DIR) and path.is_file()):
                    raise ValueError("the PDF export reads only the application's own static files")
            return super().fetch(url, headers)

    return LocalFetcher(allowed_protocols=("data", "file"))


def render_pdf(html: str, base_url: str | None = None) -> bytes:
    """The PDF of ``html``; relative URLs resolve against ``base_url`` (default: the static folder)."""
    from weasyprint import HTML  # imported here: loading Pango takes a moment, and only exports need it

    document = HTML(string=html, base_url=base_url or STATIC_DIR.as_uri() + "/", url_fetcher=_local_fetcher())
    return document.write_pdf()
