"""How often a diary may be written: at most ``per_minute`` writes in any 60
seconds. A pure function of the write times, so every storage backend counts
the same way (store.py keeps the times in the profile's file, pg_store.py in
its row)."""

WINDOW_SECONDS = 60


class TooManyWrites(Exception):
    """The profile wrote more often than its limit allows."""


def count_write(times, now, per_minute):
    """The write times to keep after a write at ``now`` (seconds since the
    epoch): those of the last 60 seconds, and now. Raises TooManyWrites if
    ``per_minute`` writes were made already in those 60 seconds."""
    recent = [at for at in times if now - at < WINDOW_SECONDS]
    if len(recent) >= per_minute:
        raise TooManyWrites()
    return recent + [now]
