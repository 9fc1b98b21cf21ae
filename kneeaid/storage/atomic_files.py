"""Writing files so that a crash at any moment leaves the old file or the new
one, never half of one: the one way the diary's store and the alarm queue
write to the data folder."""

import errno
import os
from pathlib import Path


class StorageUnavailable(Exception):
    """The data folder cannot be written now (read-only, full, no permission).
    Nothing was changed; reads still work."""


# The errors that mean "this disk cannot take writes now", not "a bug".
CANNOT_WRITE = {errno.EROFS, errno.ENOSPC, errno.EDQUOT, errno.EACCES, errno.EPERM}


def write_atomically(path, text):
    """Write ``text`` to ``path``: to a temporary file, flushed and fsynced,
    renamed over the old file (atomic on POSIX), then the folder fsynced, so
    the change is on disk when this returns. The temporary file's name starts
    with a dot, so folder listings can skip it."""
    path = Path(path)
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        with temporary.open("w", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)  # the old file stays as it was
        raise
    sync_folder(path.parent)


def sync_folder(folder):
    """Make a rename or a removal in ``folder`` durable."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
