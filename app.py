"""Start KneeAid with a production WSGI server: python app.py [--host H] [--port P]."""

import argparse

from waitress import serve

from kneeaid import create_app

app = create_app()


def main():
    parser = argparse.ArgumentParser(description="Serve KneeAid.")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=5000, help="port to listen on (default 5000)")
    parser.add_argument("--threads", type=int, default=8, help="worker threads (default 8)")
    args = parser.parse_args()
    print(f"KneeAid is serving on http://{args.host}:{args.port}/ (Ctrl+C stops it)", flush=True)
    serve(app, host=args.host, port=args.port, threads=args.threads)


if __name__ == "__main__":
    main()
