"""HTML to PDF with WeasyPrint, fetching nothing: the page is rendered by our
own template, its style sheet is read from disk, and no address in it (a
note could hold one) is ever fetched. Fonts are the system's (fontconfig),
embedded in the file, so every word can be selected and searched.
WeasyPrint needs Pango (Debian's libpango-1.0-0; scripts/run.sh installs it).
A plain module: any module may import it."""


def html_to_pdf(html, stylesheet):
    """The PDF bytes of ``html`` (a str) styled by the CSS file ``stylesheet``."""
    import weasyprint  # imported at the first PDF: it takes a while, and most requests never need it
    from weasyprint.urls import URLFetcher

    fetch_nothing = URLFetcher(allowed_protocols=frozenset())
    stylesheets = [weasyprint.CSS(filename=str(stylesheet), url_fetcher=fetch_nothing)]
    return weasyprint.HTML(string=html, base_url="about:blank", url_fetcher=fetch_nothing).write_pdf(
        stylesheets=stylesheets)
