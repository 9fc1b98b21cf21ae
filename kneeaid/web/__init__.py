"""What every response gets, whatever the feature: security headers
(headers.py), Cache-Control (caching.py), error pages (errors.py); the JSON
API's helpers (api.py) and the page-or-fragment choice (fragments.py). The
speed layer (kneeaid/speed/) sits in front of Flask and after each view."""

from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from ..speed.compression import compress
from ..speed.front_cache import FrontCache
from .caching import set_caching
from .errors import error_page
from .headers import add_security_headers, relative_redirects


def init_app(app):
    app.wsgi_app = FrontCache(app, app.wsgi_app)
    if app.config["PROXY_HOPS"]:
        hops = int(app.config["PROXY_HOPS"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    app.register_error_handler(HTTPException, error_page)
    app.register_error_handler(Exception, error_page)
    # after_request runs in reverse order: compression last, on the final body.
    app.after_request(compress)
    app.after_request(set_caching)
    app.after_request(add_security_headers)
    app.after_request(relative_redirects)
