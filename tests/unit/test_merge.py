"""The diary's merge rule alone: idempotent, last edit wins, tombstones, the cap.
Every storage backend calls it, so these hold for each of them."""

from kneeaid.diary.merge import edit_time, merge, named_ids


def entry(entry_id="a", **fields):
    return {"id": entry_id, "kind": "pain", "at": "2026-11-20T10:00:00Z", "pain": 3, "knee": "left", **fields}


def apply(kept, tombstones, entries, deleted_ids=(), max_entries=None):
    """What a backend does: look up the named ids, merge, write the result."""
    named = named_ids(entries, deleted_ids)
    known = {entry_id: kept[entry_id] for entry_id in named if entry_id in kept}
    room = None if max_entries is None else max_entries - len(kept)
    stored, removed, refused = merge(known, tombstones & named, entries, deleted_ids, room)
    after = {entry_id: value for entry_id, value in kept.items() if entry_id not in removed}
    return {**after, **stored}, tombstones | removed, refused


def test_an_edit_of_an_entry_dated_later_today_wins():
    later_today = entry(at="2026-11-20T18:00:00+03:00")
    edit = {**later_today, "pain": 6, "updatedAt": "2026-11-20T10:05:00+03:00"}
    stored, _, _ = merge({"a": later_today}, set(), [edit], [])
    assert stored == {"a": edit}


def test_edit_times_are_compared_as_moments_not_as_text():
    # 12:30 at +05:00 is 07:30Z: earlier than 08:00Z, though "12:30" > "08:00" as text.
    earlier = entry(pain=1, updatedAt="2026-11-20T12:30:00+05:00")
    later = entry(pain=9, updatedAt="2026-11-20T08:00:00Z")
    for first, second in ((earlier, later), (later, earlier)):
        kept, _, _ = apply({}, set(), [first])
        kept, _, _ = apply(kept, set(), [second])
        assert kept["a"]["pain"] == 9
    assert edit_time(later) > edit_time(earlier)


def test_a_late_copy_of_the_original_never_undoes_an_edit():
    edited = entry(pain=7, updatedAt="2026-11-20T12:00:00Z")
    stored, removed, refused = merge({"a": edited}, set(), [entry()], [])
    assert stored == {} and removed == set() and refused == [], "nothing to write"


def test_the_same_entry_twice_is_kept_once_and_inputs_are_not_changed():
    known = {"a": entry()}
    kept, gone, _ = apply(known, set(), [entry(), entry()])
    assert kept == {"a": entry()} and gone == set()
    assert known == {"a": entry()}


def test_a_deleted_entry_never_comes_back():
    kept, gone, _ = apply({"a": entry()}, set(), [], ["a"])
    assert kept == {} and gone == {"a"}
    kept, gone, _ = apply(kept, gone, [entry(updatedAt="2030-01-01T00:00:00Z")])
    assert kept == {}
    stored, removed, _ = merge({}, {"a"}, [entry()], [])
    assert stored == {} and removed == set()


def test_a_full_diary_takes_no_new_entry_but_edits_and_deletions_always_work():
    kept = {i: entry(i) for i in ("a", "b")}
    after, _, full = apply(
        kept, set(), [entry("c"), {**entry("a"), "pain": 9, "updatedAt": "2026-11-21T00:00:00Z"}], max_entries=2
    )
    assert full == ["c"]
    assert set(after) == {"a", "b"} and after["a"]["pain"] == 9
    # A deletion in the same sync makes room first.
    after, gone, full = apply(kept, set(), [entry("c")], ["b"], max_entries=2)
    assert full == [] and set(after) == {"a", "c"} and gone == {"b"}


def test_room_is_counted_by_new_entries_only_and_a_deletion_of_an_unknown_id_makes_none():
    stored, _, refused = merge({}, set(), [entry("c"), entry("d"), entry("c")], ["x"], room=1)
    assert set(stored) == {"c"} and refused == ["d"]


def test_a_sync_names_the_ids_of_its_entries_and_its_deletions():
    assert named_ids([entry("a"), entry("b")], ["c"]) == {"a", "b", "c"}


def test_every_entry_not_refused_and_every_deletion_is_acknowledged_and_the_count_follows():
    from kneeaid.diary.merge import acknowledged, entries_added

    old, new, full = {"id": "old"}, {"id": "new"}, {"id": "full"}
    stored, removed, refused = merge({"old": old, "gone": {"id": "gone"}}, set(), [old, new, full], ["gone"], room=0)
    assert (set(stored), removed, refused) == ({"old", "new"}, {"gone"}, ["full"])
    assert acknowledged([old, new, full], ["gone"], refused) == ["old", "new", "gone"]
    assert entries_added({"old": old, "gone": {"id": "gone"}}, stored, removed) == 0  # one in, one out
