"""Start KneeAid with a production WSGI server: python app.py [--host H] [--port P]."""

import argparse
import logging
import sys

from waitress import create_server

from kneeaid import alarms, create_app

# Warnings and errors to stderr (a database or Redis that cannot be reached, a setting that cannot
# work); the limiter's "storage recovered" too.
logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
logging.getLogger("flask-limiter").setLevel(logging.INFO)
# waitress warns "Task queue depth is N" for each request that waits for a thread: under a
# burst, a line a request, written in the time the server lacks most. Its errors still show.
logging.getLogger("waitress.queue").setLevel(logging.ERROR)
app = create_app()


def server_options(app, args):
    """waitress's settings: the address, and the app's own limits."""
    options = {
        "host": args.host,
        "port": args.port,
        "threads": args.threads,
        # Refuse a larger body before buffering it, not after (the app's limit).
        "max_request_body_size": app.config["MAX_CONTENT_LENGTH"],
        # Read ahead on each connection, so a long request (a PDF) learns that its client has
        # gone (environ["waitress.client_disconnected"]) and stops.
        "channel_request_lookahead": 5,
    }
    if app.config["PROXY_HOPS"]:
        # Behind the proxy, its X-Forwarded-* headers reach ProxyFix (kneeaid/web/__init__.py),
        # which trusts exactly PROXY_HOPS of them; waitress would drop them.
        options["clear_untrusted_proxy_headers"] = False
    return options


def main():
    parser = argparse.ArgumentParser(description="Serve KneeAid.")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=5000, help="port to listen on (default 5000)")
    parser.add_argument("--threads", type=int, default=8, help="worker threads (default 8)")
    args = parser.parse_args()
    try:
        server = create_server(app, **server_options(app, args))
    except OSError as error:
        sys.exit(f"KneeAid cannot listen on {args.host}:{args.port}: {error.strerror or error}")
    alarms.start_sending(app)  # the timer's alarms, pushed when due
    print(f"KneeAid is serving on http://{args.host}:{args.port}/ (Ctrl+C stops it)", flush=True)
    server.run()


if __name__ == "__main__":
    main()
