"""How a body is sent: its ETag and its gzip. One place for both, as Flask's
answers (kneeaid/http.py) and the pages filled in in front of Flask
(kneeaid/front_cache.py) must give the same bytes.

gzip is libdeflate's (the ``deflate`` package): standard gzip, smaller than
zlib's at each level and made in a quarter of the time.
"""

import deflate
from werkzeug.http import generate_etag

# A page compressed for one request, or for one set of a check's answers:
# 60 µs for a check result (zlib's level 4, which we had, took 230 µs for 3 % less).
FAST = 1
# A page or a static file compressed once and kept in memory: 0.3 ms for a check result.
ONCE = 9
SMALLEST_WORTH_COMPRESSING = 512


def page_etag(body):
    """The ETag of a page's body (werkzeug's, as ``response.add_etag()`` makes it)."""
    return generate_etag(body)


def gzip(body, level=FAST):
    return bytes(deflate.gzip_compress(body, level))  # it gives a bytearray; WSGI wants bytes


def gzipped_etag(etag):
    """A compressed body's own ETag: a different body needs a different tag."""
    return etag + "-gzip"
