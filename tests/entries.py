"""Diary entries as a phone sends them, and the sync that sends them."""

import uuid

ORIGIN = {"Origin": "http://localhost"}


def new_id():
    return str(uuid.uuid4())


def pain(pain_level=5, at="2026-11-20T10:00:00Z", **fields):
    return {"id": new_id(), "kind": "pain", "at": at, "pain": pain_level, "knee": "left", **fields}


def session(**fields):
    return {
        "id": new_id(),
        "kind": "session",
        "startedAt": "2026-11-20T10:00:00Z",
        "endedAt": "2026-11-20T10:30:00Z",
        "outcome": "completed",
        "cold": {"plannedMinutes": 15, "actualSeconds": 900},
        "elevation": {"plannedMinutes": 15, "actualSeconds": 900},
        **fields,
    }


def check(symptoms=("swelling",), tier="doctor", rules=("D3",), **fields):
    """A check made under the current rules (version 4)."""
    return {
        "id": new_id(),
        "kind": "check",
        "at": "2026-11-20T10:00:00Z",
        "rulesVersion": 4,
        "symptoms": list(symptoms),
        "tier": tier,
        "rules": list(rules),
        **fields,
    }


def old_check(symptoms, tier, rules, version=1):
    """A check made under an earlier version, as a phone's outbox kept it (version 1 had no rulesVersion)."""
    entry = check(symptoms, tier, rules, rulesVersion=version)
    if version == 1:
        del entry["rulesVersion"]
    return entry


def sync(client, entries=(), deleted=(), headers=ORIGIN):
    return client.post("/api/diary/sync", json={"entries": list(entries), "deleted": list(deleted)}, headers=headers)


def stored(client):
    return client.get("/diary/export.json").get_json()["entries"]


LONG_NOTE = "колено ноет после пробежки; " * 18  # about 500 characters


def workout(during=2, after=3, at="2026-11-20T10:00:00Z", **fields):
    return {
        "id": new_id(),
        "kind": "workout",
        "at": at,
        "activity": "run",
        "minutes": 40,
        "painDuring": during,
        "painAfter": after,
        "knee": "left",
        **fields,
    }


def morning_answer(of, score=1, at="2026-11-21T08:05:00Z", **fields):
    """The next morning's answer about a workout: a pain score of its knee, linked to it."""
    return pain(score, at=at, knee=of["knee"], morningOf=of["id"], **fields)


def doctor_visit(**fields):
    return {"id": new_id(), "kind": "doctor_visit", "at": "2026-11-22T10:00:00Z", **fields}
