"""Installable and offline: versioned static URLs, the manifests and the
service worker with its generated precache list (service_worker.py); the
scripts' import map and preloads (modules.py)."""

from . import modules, service_worker


def init_app(app):
    service_worker.init_app(app)
    modules.init_app(app)


__all__ = ["init_app"]
