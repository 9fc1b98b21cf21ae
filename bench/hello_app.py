"""The baseline the page benchmark compares with: a bare Flask "hello" app
on the same server (waitress, 8 threads), so the ratio says what KneeAid's
own work costs, whatever this machine's speed.

    python bench/hello_app.py PORT
"""

import logging
import sys

from flask import Flask
from waitress import serve

app = Flask(__name__)


@app.route("/")
def hello():
    return "Hello, World!"


if __name__ == "__main__":
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # "Task queue depth" under load is the point
    serve(app, host="127.0.0.1", port=int(sys.argv[1]), threads=8, _quiet=True)
