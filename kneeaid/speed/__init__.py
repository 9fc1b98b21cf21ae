"""The speed layer: pages the same for everyone answered from memory.

What such a page may depend on is declared once, in contract.py, and every
cache keys on it: the front cache in front of Flask (front_cache.py) and the
pages' skeletons, filled in per query (skeleton.py). How a body is sent, its
ETag, 304 and gzip, is compression.py."""
