"""Who a diary belongs to. There are no accounts: the first write makes an
anonymous profile, a random 128-bit id kept in an HttpOnly cookie, which is
also the recovery code. Writes come only from KneeAid's own pages (CSRF), and
the limits on writing live here."""

import logging
from datetime import UTC, datetime

from flask import abort, current_app, redirect, request
from werkzeug.exceptions import ServiceUnavailable, TooManyRequests

from ..extensions import limiter
from ..i18n.plain_text import lazy_gettext as _l
from .entries import validate_entry
from .fields import REASONS, BadEntry
from .store import ProfileGone, StorageUnavailable, TooManyWrites

log = logging.getLogger(__name__)

PROFILE_COOKIE = "kneeaid_profile"
FIVE_YEARS = 5 * 365 * 24 * 60 * 60


def store():
    return current_app.extensions["kneeaid.store"]


def current_profile():
    """The id of this browser's profile, if it has one that exists."""
    profile_id = request.cookies.get(PROFILE_COOKIE)
    return profile_id if store().exists(profile_id) else None


def remember_profile(response, profile_id):
    response.set_cookie(
        PROFILE_COOKIE, profile_id, max_age=FIVE_YEARS, httponly=True, samesite="Lax", secure=request.is_secure
    )
    return response


def forget_profile(response):
    response.delete_cookie(PROFILE_COOKIE, httponly=True, samesite="Lax", secure=request.is_secure)
    return response


def recovery_code(profile_id):
    return "-".join(profile_id[i : i + 4] for i in range(0, 32, 4))


def storage_unavailable():
    """The data folder cannot take writes now (read-only or full): nothing was
    changed, the phone keeps its entries and tries again later."""
    return ServiceUnavailable(
        _l("The diary cannot be saved on the server right now. Your entries stay on this phone and are sent later."),
        retry_after=300,
    )


def save(entries, deleted):
    """Store for this browser's profile (made on its first write); returns
    (acknowledged ids, ids refused because the diary is full, the profile id,
    whether it is new)."""
    profile_id = current_profile()
    created = profile_id is None
    if created:
        profile_id = store().new_profile_id()
    now = datetime.now(UTC).timestamp()
    try:
        acknowledged, full = store().save(
            profile_id,
            entries,
            deleted,
            now,
            new=created,
            writes_per_minute=current_app.config["WRITES_PER_MINUTE"],
            max_entries=current_app.config["MAX_ENTRIES_PER_PROFILE"],
        )
    except TooManyWrites:
        raise TooManyRequests(
            _l("Too many changes in a minute: wait a little and try again."), retry_after=60
        ) from None
    except ProfileGone:
        abort(409, description=_l("This diary was deleted a moment ago."))
    except StorageUnavailable:
        raise storage_unavailable() from None
    return acknowledged, full, profile_id, created


def delete(profile_id):
    """Delete a whole diary (a 503 when the data folder cannot be written)."""
    try:
        store().delete_profile(profile_id)
    except StorageUnavailable:
        raise storage_unavailable() from None


def new_profiles_per_hour():
    return f"{current_app.config['NEW_PROFILES_PER_HOUR']} per hour"


def saved_from_form(entry, problem_page, then):
    """Check and store one entry a form sent (browsers without JavaScript); then a redirect to
    ``then`` (303), or ``problem_page(reason)`` again with what is wrong (400), storing nothing."""
    try:
        validate_entry(entry, "entry", datetime.now(UTC))
    except BadEntry as problem:
        return problem_page(REASONS[problem.code]), 400
    _, full, profile_id, created = save([entry], [])
    if full:
        abort(409, description=REASONS["full"])
    response = redirect(then, 303)
    return remember_profile(response, profile_id) if created else response


def made_a_profile(response):
    return any(cookie.startswith(f"{PROFILE_COOKIE}=") for cookie in response.headers.getlist("Set-Cookie"))


def has_a_diary_or_storage_is_down():
    """Exempt from the new-diaries limit: a write to a diary that exists, and
    a request the storage cannot answer (it answers 503 by itself, and an
    error here would look to Flask-Limiter like its own storage failing)."""
    try:
        return current_profile() is not None
    except StorageUnavailable:
        return True


# A write without a diary makes one: at most NEW_PROFILES_PER_HOUR of those per
# client address, so one client cannot fill the disk with empty diaries.
# Writes to an existing diary are not counted (they have their own limit). The
# count is taken before the write (so requests at the same moment cannot all
# pass), and given back after one that made no diary (give_back_unused_reservation).
NEW_PROFILES_SCOPE = "new-profiles"
limit_new_profiles = limiter.shared_limit(
    new_profiles_per_hour,
    scope=NEW_PROFILES_SCOPE,
    exempt_when=has_a_diary_or_storage_is_down,
    error_message=lambda: _l("Too many new diaries from this address in an hour: try again later."),
)


def give_back_unused_reservation(response):
    """After a write without a diary that made none (refused, or nothing valid in it), the new
    diary it counted is given back: only diaries made count."""
    if made_a_profile(response):
        return response
    for limit in limiter.current_limits:
        if NEW_PROFILES_SCOPE in limit.request_args and not limit.breached:
            try:
                limit.limiter.hit(limit.limit, *limit.request_args, cost=-1)
            except Exception:  # the limits' storage (Redis) failing: the count stays one high for the hour
                log.warning("A new diary's reservation could not be given back", exc_info=True)
    return response
