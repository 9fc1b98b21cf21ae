"""What the diary's and the alarms' stores share: files written whole or not at
all (atomic_files.py) and PostgreSQL's pool, schema and errors (postgres.py).
Which backend an app uses is kneeaid/backends.py."""
