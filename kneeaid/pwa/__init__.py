"""Installable and offline: versioned static URLs, the manifests and the
service worker with its generated precache list (service_worker.py)."""

from .service_worker import init_app

__all__ = ["init_app"]
