"""HTML to PDF with WeasyPrint, fetching nothing, in a child process bounded in
time and memory. The page is rendered by our own template, its style sheet is
read from disk, and no address in it (a note could hold one) is ever fetched.
Fonts are the system's (fontconfig), embedded in the file, so every word can be
selected and searched. WeasyPrint needs Pango (Debian's libpango-1.0-0;
scripts/run.sh installs it).

Why a child process: a PDF is the one request whose cost grows with what a
person typed. The summary lists a bounded number of entries (diary/report.py),
and the child is the second fence: it is killed when it passes its time or
memory limit, or when the client has gone, and a process renders at most a
few at once (the rest get a 503 with Retry-After, kneeaid/diary/pages.py).
Children come from a fork server that has WeasyPrint loaded once, so a PDF
pays no start-up. A plain module: any module may import it."""

import logging
import multiprocessing
import resource
import time
from typing import NamedTuple

logger = logging.getLogger(__name__)

_forks = multiprocessing.get_context("forkserver")
_forks.set_forkserver_preload(["weasyprint", "kneeaid.pdf"])


class Rendered(NamedTuple):
    pdf: bytes
    peak_memory_mb: float  # the child's own peak (resident), as the benchmark reports it


class PdfNotMade(Exception):
    """The PDF was not made: it passed its time or memory limit, or the client went away."""


def html_to_pdf(html, stylesheet):
    """The PDF bytes of ``html`` (a str) styled by the CSS file ``stylesheet``,
    and how many characters no font could draw (WeasyPrint logs a warning for
    each; they are counted here, not written out one by one)."""
    import weasyprint  # loaded by the fork server; elsewhere at the first PDF
    from weasyprint.urls import URLFetcher

    fetch_nothing = URLFetcher(allowed_protocols=frozenset())
    missing = MissingGlyphs()
    logging.getLogger("weasyprint").addFilter(missing)
    try:
        stylesheets = [weasyprint.CSS(filename=str(stylesheet), url_fetcher=fetch_nothing)]
        document = weasyprint.HTML(string=html, base_url="about:blank", url_fetcher=fetch_nothing)
        return document.write_pdf(stylesheets=stylesheets), missing.count
    finally:
        logging.getLogger("weasyprint").removeFilter(missing)


class MissingGlyphs(logging.Filter):
    """Counts, and keeps out of the log, WeasyPrint's warning for a character no font has."""

    def __init__(self):
        super().__init__()
        self.count = 0

    def filter(self, record):
        if "glyph" in record.getMessage().lower():
            self.count += 1
            return False
        return True


def _render(html, stylesheet, memory_bytes, connection):
    """In the child: limit its memory, render, send the PDF and the count of missing glyphs."""
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = _address_space() + memory_bytes
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard if hard == resource.RLIM_INFINITY else min(limit, hard)))
    pdf, missing = html_to_pdf(html, stylesheet)
    connection.send((pdf, missing, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))
    connection.close()


def _address_space():
    """This process's virtual memory now, in bytes (the fork server's libraries are already in it)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * resource.getpagesize()


def render(html, stylesheet, *, seconds, memory_bytes, client_gone=lambda: False):
    """The PDF of ``html`` (Rendered), made in a child process that is killed
    past ``seconds`` or ``memory_bytes`` more memory, or once ``client_gone()``
    says the client went away (PdfNotMade). Logs one line when characters
    could not be drawn."""
    receiving, sending = _forks.Pipe(duplex=False)
    child = _forks.Process(target=_render, args=(html, str(stylesheet), memory_bytes, sending), daemon=True)
    child.start()
    sending.close()
    deadline = time.monotonic() + seconds
    try:
        while not receiving.poll(0.05):
            if time.monotonic() > deadline:
                raise PdfNotMade(f"the PDF took more than {seconds} s")
            if client_gone():
                raise PdfNotMade("the client went away")
            if not child.is_alive() and not receiving.poll(0):
                raise PdfNotMade(f"the PDF's process ended with code {child.exitcode} (its memory limit?)")
        try:
            pdf, missing, peak_memory_mb = receiving.recv()
        except EOFError:
            raise PdfNotMade("the PDF's process ended without a PDF (its memory limit?)") from None
    finally:
        receiving.close()
        if child.is_alive():
            child.kill()
        child.join()
    if missing:
        logger.warning("A PDF has %d characters that no font could draw (they print as boxes).", missing)
    return Rendered(pdf, peak_memory_mb)
