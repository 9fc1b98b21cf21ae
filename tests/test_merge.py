"""The diary's merge rule alone: idempotent, last edit wins, tombstones."""

from kneeaid.diary.merge import edit_time, merge


def entry(entry_id="a", **fields):
    return {"id": entry_id, "kind": "pain", "at": "2026-11-20T10:00:00Z", "pain": 3, "knee": "left", **fields}


def test_an_edit_of_an_entry_dated_later_today_wins():
    later_today = entry(at="2026-11-20T18:00:00+03:00")
    edit = {**later_today, "pain": 6, "updatedAt": "2026-11-20T10:05:00+03:00"}
    kept, _, _ = merge({"a": later_today}, set(), [edit], [])
    assert kept["a"] == edit


def test_edit_times_are_compared_as_moments_not_as_text():
    # 12:30 at +05:00 is 07:30Z: earlier than 08:00Z, though "12:30" > "08:00" as text.
    earlier = entry(pain=1, updatedAt="2026-11-20T12:30:00+05:00")
    later = entry(pain=9, updatedAt="2026-11-20T08:00:00Z")
    for first, second in ((earlier, later), (later, earlier)):
        kept, _, _ = merge({}, set(), [first], [])
        kept, _, _ = merge(kept, set(), [second], [])
        assert kept["a"]["pain"] == 9
    assert edit_time(later) > edit_time(earlier)


def test_a_late_copy_of_the_original_never_undoes_an_edit():
    edited = entry(pain=7, updatedAt="2026-11-20T12:00:00Z")
    kept, _, _ = merge({"a": edited}, set(), [entry()], [])
    assert kept["a"] == edited


def test_the_same_entry_twice_is_kept_once_and_inputs_are_not_changed():
    stored = {"a": entry()}
    kept, gone, _ = merge(stored, set(), [entry(), entry()], [])
    assert kept == {"a": entry()} and gone == set()
    assert stored == {"a": entry()}


def test_a_deleted_entry_never_comes_back():
    kept, gone, _ = merge({"a": entry()}, set(), [], ["a"])
    assert kept == {} and gone == {"a"}
    kept, gone, _ = merge(kept, gone, [entry(updatedAt="2030-01-01T00:00:00Z")], [])
    assert kept == {}


def test_a_full_diary_takes_no_new_entry_but_edits_and_deletions_always_work():
    kept = {i: entry(i) for i in ("a", "b")}
    after, _, full = merge(kept, set(), [entry("c"), {**entry("a"), "pain": 9, "updatedAt": "2026-11-21T00:00:00Z"}],
                           [], max_entries=2)
    assert full == ["c"]
    assert set(after) == {"a", "b"} and after["a"]["pain"] == 9
    # A deletion in the same sync makes room first.
    after, gone, full = merge(kept, set(), [entry("c")], ["b"], max_entries=2)
    assert full == [] and set(after) == {"a", "c"} and gone == {"b"}
