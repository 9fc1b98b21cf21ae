""" "Can I train today?": the training log (../shared/training.md). Its pages
(pages.py), its rules (rules.py, read from static/data/training.json, the same
file static/js/training-rules.js evaluates offline) and their words (words.py).
A workout is a diary entry (kneeaid/diary/kinds/workout.py), so the diary reads
the rules and the words: this package imports nothing itself, and the app
registers pages.bp."""
