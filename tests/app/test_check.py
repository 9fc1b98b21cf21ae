"""The symptom check on the server: every rule of docs/medical-rules.md, bad input, the guides."""

import re

import pytest

from kneeaid.check import triage
from tests.support import in_russian, shown, shown_text
from tests.triage_contract import HEADLINES, REASONS, RETIRED, RULE_CASES, TIER_OF


def result_page(client, lang, symptoms):
    query = "&".join(f"s={symptom}" for symptom in symptoms)
    response = client.get(f"/{lang}/check/result?{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def tier_of(page):
    return re.search(r'<section id="result" class="result" data-tier="(\w+)"', page).group(1)


def test_every_rule_of_the_contract_has_a_case_and_only_those_are_evaluated():
    assert set(RULE_CASES) == {rule["id"] for rule in triage.RULES}
    assert RETIRED == {rule["id"] for rule in triage.ALL_RULES} - set(RULE_CASES)
    assert triage.VERSION == 4


@pytest.mark.parametrize("rule", sorted(RULE_CASES))
def test_each_rule_fires_with_its_exact_tier_and_reason(client, lang, rule):
    firing, _ = RULE_CASES[rule]
    for symptoms in firing:
        page = result_page(client, lang, symptoms)
        assert rule in shown(page, "rule"), symptoms
        assert tier_of(page) == TIER_OF[rule[0]], symptoms
        assert re.search(rf"<h2>(<span class=\"so-far\">[^<]*</span>)?{HEADLINES[lang][tier_of(page)]}</h2>", page)
        reason = shown_text(page, "rule", rule)
        expected = " ".join((REASONS[rule] if lang == "en" else in_russian(REASONS[rule])).split())
        assert reason.startswith(expected), (reason, expected)
        if lang == "ru":
            assert expected != REASONS[rule] and re.search("[а-я]", expected)


@pytest.mark.parametrize("rule", sorted(RULE_CASES))
def test_each_rule_stays_quiet_on_a_near_miss(client, lang, rule):
    _, missing = RULE_CASES[rule]
    for symptoms in missing:
        assert rule not in shown(result_page(client, lang, symptoms), "rule"), symptoms


@pytest.mark.parametrize(
    "symptoms",
    [
        ["numbness"],
        ["injury", "cannot_bear_weight"],
        ["fever", "hot"],
        ["child", "injury"],
        ["morning_stiffness"],
        ["both_knees"],
    ],
)
def test_retired_rules_never_fire(client, symptoms):
    assert not set(shown(result_page(client, "en", symptoms), "rule")) & RETIRED


@pytest.mark.parametrize(
    "symptoms, tier, rules",
    [
        (["none"], "selfcare", []),
        (["first_time_load"], "selfcare", []),
        (["age_55_plus"], "selfcare", []),
        (["both_knees"], "selfcare", []),
        (["none", "swelling"], "doctor", ["D3"]),
        (["injury", "cannot_bear_weight"], "urgent", ["U3", "U6", "D10"]),
        (["numbness"], "doctor", ["D14"]),
        (["hot", "swelling"], "urgent", ["U8", "D3", "D4"]),
        (["fever", "redness", "swelling"], "urgent", ["U8", "U17", "D3", "D4"]),
        (["child", "fever"], "urgent", ["U9", "U17", "D9"]),
        (["pain_over_2_days", "both_knees"], "doctor", ["D1", "D13"]),
        (["deformity", "pain_over_2_days"], "emergency", ["E1", "D1"]),
        (["breathless", "calf"], "emergency", ["E5", "U10"]),
        # Version 3: the NHS's same-day signs, and U8, D3 and D13 reading a badly swollen knee too.
        (["gives_way"], "urgent", ["U14"]),
        (["crunch_pain"], "urgent", ["U15"]),
        (["bad_swelling"], "urgent", ["U16", "D3"]),
        (["swelling"], "doctor", ["D3"]),
        (["hot", "bad_swelling"], "urgent", ["U8", "U16", "D3", "D4"]),
        (["fever", "bad_swelling"], "urgent", ["U8", "U16", "U17", "D3"]),
        (["both_knees", "bad_swelling"], "urgent", ["U16", "D3", "D13"]),
        (["swelling", "gives_way", "crunch_pain"], "urgent", ["U14", "U15", "D3"]),
        (["none", "bad_swelling"], "urgent", ["U16", "D3"]),
        # Version 4: a temperature alone, and a knee both red and hot, are seen today; either sign alone is not.
        (["fever"], "urgent", ["U17"]),
        (["none", "fever"], "urgent", ["U17"]),
        (["hot"], "doctor", ["D4"]),
        (["redness"], "doctor", ["D4"]),
        (["hot", "redness"], "urgent", ["U18", "D4"]),
        (["redness", "swelling"], "doctor", ["D3", "D4"]),
        (["fever", "hot", "redness"], "urgent", ["U8", "U17", "U18", "D4"]),
        (["deformity", "fever"], "emergency", ["E1", "U17"]),
        (["cold_foot", "hot", "redness"], "emergency", ["E4", "U18", "D4"]),
        (["breathless", "fever", "redness"], "emergency", ["E5", "U8", "U17", "D4"]),
    ],
)
def test_the_highest_tier_wins_and_every_fired_rule_is_listed(client, symptoms, tier, rules):
    page = result_page(client, "en", symptoms)
    assert tier_of(page) == tier
    assert shown(page, "rule") == rules
    assert shown(page, "tier-block") == [tier]


def tier_block(page, tier):
    """The HTML of one tier's care card: up to the next card, or the first-aid box after the last."""
    return page.split(f'data-tier-block="{tier}">')[1].split("data-tier-block=")[0].split("data-first-aid-box")[0]


def unanswered_block(page):
    return tier_block(page, "unanswered")


@pytest.mark.parametrize("query", ["", "s=bogus", "s=", "s=cold_foot_x"])
def test_no_answer_gives_no_tier_and_asks_for_one(client, lang, query):
    page = client.get(f"/{lang}/check/result?{query}").get_data(as_text=True)
    assert tier_of(page) == "unanswered"
    assert shown(page, "tier-block") == ["unanswered"]
    assert shown(page, "rule") == [] and shown(page, "first-aid") == []
    assert "<div data-answered hidden>" in page
    block = unanswered_block(page)
    assert {"en": "</span>Tick what applies</h2>", "ru": "</span>Отметьте, что подходит</h2>"}[lang] in block
    assert {"en": "“None of these”", "ru": "«Ничего из перечисленного»"}[lang] in block


def test_the_empty_check_shows_no_tier(client, lang):
    page = client.get(f"/{lang}/check").get_data(as_text=True)
    assert tier_of(page) == "unanswered"
    assert shown(page, "tier-block") == ["unanswered"]


# First aid, chosen by the rules that fired (the contract's table).
FIRST_AID = {
    "keep_still": "Do not move or straighten the leg: support it as it lies, with rolled clothes or a pillow. "
    "Do not raise it. Do not walk on it.",
    "no_ice_cold_foot": "No ice, and do not raise the leg. Keep it still and warm enough.",
    "sit_upright": "Sit upright and keep still. Do not walk about.",
    "dress_wound": "Cover the wound with a clean dressing. No ice on the wound.",
    "no_calf_massage": "Do not massage the calf.",
    "no_ice_numb": "No ice on skin that cannot feel heat or cold.",
    "until_seen": "Until then: an ice pack wrapped in a towel for 10-15 minutes, then the leg raised.",
    "no_heat_no_training": "No heat, no training until a doctor has seen the knee.",
    "while_waiting": "While you wait: keep the leg still. An ice pack wrapped in a towel may ease the pain.",
}


@pytest.mark.parametrize(
    "symptoms, first_aid",
    [
        (["deformity"], ["keep_still"]),
        (["cold_foot"], ["no_ice_cold_foot"]),
        (["breathless"], ["sit_upright"]),
        (["deformity", "cold_foot"], ["keep_still", "no_ice_cold_foot"]),
        # Version 4: every urgent and doctor card says "no heat, no training", also beside a limit.
        (["open_wound"], ["dress_wound", "no_heat_no_training"]),
        (["calf"], ["no_calf_massage", "no_heat_no_training"]),
        (["numbness", "injury"], ["no_ice_numb", "no_heat_no_training"]),
        (["numbness"], ["no_ice_numb", "no_heat_no_training"]),
        (["deformity", "open_wound", "numbness"], ["keep_still", "dress_wound", "no_ice_numb"]),
        (["locked"], ["until_seen", "no_heat_no_training"]),
        (["swelling"], ["until_seen", "no_heat_no_training"]),
        (["fever"], ["until_seen", "no_heat_no_training"]),
        (["deformity", "fever"], ["keep_still"]),
        (["first_time_load"], []),
        (["none"], []),
        ([], []),
    ],
)
def test_first_aid_follows_the_rules_that_fired(client, lang, symptoms, first_aid):
    page = result_page(client, lang, symptoms)
    assert shown(page, "first-aid") == first_aid
    for item in first_aid:
        text = FIRST_AID[item] if lang == "en" else in_russian(FIRST_AID[item])
        assert shown_text(page, "first-aid", item).startswith(" ".join(text.split()))
    # Nothing tells a person with a deformed leg or a cold, pale foot to raise it or ice it.
    if {"keep_still", "no_ice_cold_foot"} & set(first_aid):
        assert "until_seen" not in first_aid and "while_waiting" not in first_aid


def test_an_emergency_without_limits_says_keep_still_while_waiting():
    from kneeaid.check.triage import first_aid

    assert first_aid("emergency", ()) == ("while_waiting",)
    assert first_aid("emergency", ("E1",)) == ("keep_still",)
    assert first_aid("selfcare", ()) == ()


def test_the_first_time_load_note_shows_only_with_it(client):
    note = "Muscle soreness after a new or unusually hard workout is normal and is worst on the first or second day."
    with_it = result_page(client, "en", ["first_time_load"])
    assert re.search(r"<p data-first-time-load>" + re.escape(note), with_it)
    assert not re.search(r"<p data-first-time-load>", result_page(client, "en", ["none"]))


def test_emergency_and_urgent_have_tappable_numbers(client, lang):
    for symptoms, tier in (["deformity"], "emergency"), (["cannot_bear_weight"], "urgent"):
        page = result_page(client, lang, symptoms)
        block = tier_block(page, tier)
        for number in ("112", "103", "911", "999"):
            assert f'href="tel:{number}"' in block
    label = {"en": "Europe and Russia, from any mobile phone", "ru": "Европа и Россия"}[lang]
    assert label in page
    assert "most countries" not in page


def test_selfcare_and_doctor_link_to_the_timer_and_doctor_says_what_to_tell(client):
    selfcare = tier_block(result_page(client, "en", ["none"]), "selfcare")
    assert 'href="/en/timer"' in selfcare
    doctor = result_page(client, "en", ["swelling"])
    assert (
        'href="/en/timer"' in shown_text(doctor, "first-aid", "until_seen") or 'data-first-aid="until_seen">' in doctor
    )
    assert re.search(
        r'data-first-aid="until_seen">[^<]*<span class="source">[^<]*</span> <a class="button" '
        r'href="/en/timer">',
        doctor,
    )
    assert '<div data-for-tiers="urgent doctor">\n    <h3>Tell the doctor</h3>' in doctor
    assert '<div data-for-tiers="urgent doctor" hidden>' in result_page(client, "en", ["none"])


def test_every_result_says_it_is_not_a_diagnosis(client, lang):
    page = result_page(client, lang, ["swelling"])
    assert {"en": "This is not a diagnosis.", "ru": "Это не диагноз."}[lang] in page


def test_answers_are_listed_in_words(client):
    page = result_page(client, "ru", ["swelling", "child"])
    assert shown(page, "symptom") == ["swelling", "child"]
    assert "Колено опухло" in page


@pytest.mark.parametrize(
    "query", ["s=bogus", "s=", "s=swelling&s=swelling", "s=" + "x" * 5000, "s=<script>", "s=swelling&s=%00"]
)
def test_answers_not_understood_are_ignored_and_said(client, query):
    page = client.get(f"/en/check/result?{query}").get_data(as_text=True)
    assert '<p class="warning" data-not-understood>Some answers were not understood' in page
    assert "<script>" not in page.split("<main")[1].split("</main>")[0].replace('<script src="/static', "")


def test_understood_answers_give_no_warning(client):
    page = result_page(client, "en", ["swelling", "hot"])
    assert '<p class="warning" data-not-understood hidden>' in page


def test_more_than_100_parameters_is_a_clear_400(client, lang):
    response = client.get(f"/{lang}/check/result?" + "&".join(["s=swelling"] * 101))
    assert response.status_code == 400
    message = {
        "en": "Too many answers in one request: at most 100.",
        "ru": "Слишком много ответов в одном запросе: не больше 100.",
    }[lang]
    assert message in response.get_data(as_text=True)
    assert client.get("/en/check?" + "&".join(["x=1"] * 101)).status_code == 400


def test_the_result_url_can_be_shared_and_reopened(client):
    page = result_page(client, "en", ["swelling"])
    change = re.search(r'id="change-answers" class="button" hx-boost="false" href="([^"]+)"', page).group(1)
    assert change == "/en/check?s=swelling"
    assert 'value="swelling" checked' in client.get(change).get_data(as_text=True)


def test_htmx_preview_gets_a_fragment_and_the_page_stays_whole(client):
    fragment = client.get("/en/check/result?s=locked", headers={"HX-Request": "true"})
    assert "<html" not in fragment.get_data(as_text=True)
    assert 'data-tier="urgent"' in fragment.get_data(as_text=True)
    assert "HX-Request" in fragment.headers["Vary"]
    boosted = client.get("/en/check/result?s=locked", headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert "<html" in boosted.get_data(as_text=True)
    restore = client.get(
        "/en/check/result?s=locked", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert "<html" in restore.get_data(as_text=True)


# The guides ---------------------------------------------------------------


DOSE = re.compile(r"\d+\s*(mg|мг|ml|мл|tablet|таблет)", re.I)


def test_no_page_names_a_drug_dose(client, app, page_urls):
    for url in page_urls:
        page = client.get(url).get_data(as_text=True)
        assert not DOSE.search(page), url
        for drug in ("ibuprofen", "diclofenac", "nurofen", "ибупрофен", "диклофенак"):
            assert drug not in page.lower(), url


# Phrasings the content review found wrong, misleading or contradicting another
# page. None may come back, in any language.
RETIRED_PHRASINGS = [
    "passes in a few days",  # soreness against the 2-day rule
    "most countries",  # 112 does not work in most countries
    "orthopaedist",  # one name for who to see: a doctor, or a trauma and orthopaedic specialist
    "Fever: a possible infection",  # the heat page must say "today"
    "Cold is never longer",  # a description, not an instruction; cold as a noun
    "remove the cold",
    "Start cold",
    "wrapped cold",
    "cold wrapped in a towel",
    "the shin shifts",  # jargon
    "arthrosis",  # a calque: osteoarthritis
    "orthosis",
    "cadence",
    "urgent care centre",
    "in the knee or in the whole body",
    "or you are not sure",
    "Get emergency help now",
    "Signs of arthritis.",
    "The person in pain is a child",  # no age
]
RETIRED_RUSSIAN = [
    "ортопеду или своему врачу",
    "своему врачу",
    "Нельзя опереться",
    "Начать холод",
    "Холод никогда не",
    "возвышенное положение",
    "Возвышенное положение",
    "подворот",
    "завёрнутый холод",
    "физиотерапию",
    "До этого:",
    "ни шрифты",
    "не нормально",
    "большинстве стран",
]


def test_no_retired_phrasing_is_left_in_any_catalog_or_page(client, page_urls):
    from babel.messages.pofile import read_po

    from kneeaid.i18n.catalogs import TRANSLATIONS_DIR

    with (TRANSLATIONS_DIR / "ru" / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalog = [m for m in read_po(po) if m.id]
    english = [m.id if isinstance(m.id, str) else " ".join(m.id) for m in catalog]
    russian = [m.string if isinstance(m.string, str) else " ".join(m.string) for m in catalog]
    for phrase in RETIRED_PHRASINGS:
        assert not [text for text in english if phrase in text], phrase
    for phrase in RETIRED_RUSSIAN:
        assert not [text for text in russian if phrase in text], phrase
    for url in page_urls:
        page = client.get(url).get_data(as_text=True)
        for phrase in RETIRED_PHRASINGS + RETIRED_RUSSIAN:
            assert phrase not in page, (url, phrase)


def test_none_of_these_is_dropped_when_anything_else_is_ticked(client):
    page = result_page(client, "en", ["none", "swelling"])
    assert shown(page, "symptom") == ["swelling"]
    assert triage.evaluate(["none", "swelling"]).symptoms == ("swelling",)
    assert triage.evaluate(["none"]).symptoms == ("none",)


# Sources (version 3): each claim names the page that says it ----------------


def test_every_source_a_rule_first_aid_or_page_names_is_cited(client, page_urls):
    from kneeaid.check.sources import SOURCES

    named = {source for item in (*triage.ALL_RULES, *triage.FIRST_AID) for source in item["sources"]}
    assert named <= set(SOURCES)
    assert "NHS" not in named  # a rule names the NHS page that says it, not "NHS"
    about = client.get("/en/about").get_data(as_text=True)
    for url in page_urls:
        page = client.get(url).get_data(as_text=True)
        for key in re.findall(r'/about#source-([\w-]+)"', page):
            assert f'id="source-{key}"' in about, (url, key)


@pytest.mark.parametrize(
    "symptoms, rule, sources",
    [
        (["gives_way"], "U14", "source: NHS: knee pain"),
        (["crunch_pain"], "U15", "source: NHS: knee pain"),
        (["bad_swelling"], "U16", "source: NHS: knee pain"),
        (["hot", "swelling"], "U8", "sources: NHS: septic arthritis, NHS: gout"),
        (["injury", "age_55_plus"], "U3", "source: Ottawa Knee Rules"),
        (["child", "fever"], "U9", "source: KneeAid's own caution"),
        (["open_wound"], "U11", "source: KneeAid's own caution"),
        (["numbness"], "D14", "source: KneeAid's own caution"),
        (["fever"], "U17", "source: NHS: septic arthritis"),
        (["hot", "redness"], "U18", "source: NHS: septic arthritis"),
        (["hot"], "D4", "sources: article “The knees hurt after training”, NHS: septic arthritis"),
        (["cannot_lift_leg"], "U13", "source: AAOS OrthoInfo: tendon tears"),
    ],
)
def test_each_reason_names_the_source_that_says_it(client, symptoms, rule, sources):
    assert shown_text(result_page(client, "en", symptoms), "rule", rule).endswith(f"({sources})")


def test_first_aid_names_its_sources(client):
    page = result_page(client, "en", ["swelling"])
    assert "(sources: article “The knees hurt after training”, NHS: sprains and strains)" in shown_text(
        page, "first-aid", "until_seen"
    )
    assert shown_text(page, "first-aid", "no_heat_no_training").endswith(
        "(sources: article “What to do if your knees hurt”, article “The knees hurt after training”)"
    )
    page = result_page(client, "en", ["deformity"])
    assert shown_text(page, "first-aid", "keep_still").endswith("(source: KneeAid's own caution)")


def test_advice_without_a_source_is_gone(client, lang):
    timer = client.get(f"/{lang}/timer").get_data(as_text=True)
    assert "Raynaud" not in timer and "Рейно" not in timer
    heat = client.get(f"/{lang}/heat?three_days=yes&skin_hot=no&fever=no&worse=no").get_data(as_text=True)
    assert "15-20" not in heat and "15–20" not in heat


@pytest.mark.parametrize(
    "query",
    [
        "",
        "s=hot",
        "s=none&s=swelling",
        "s=injury&s=pop&s=rapid_swelling&s=x%26y&s=%C3%A9",
        "s=first_time_load&s=first_time_load&_x=1&t=a+b",
    ],
)
@pytest.mark.parametrize("path", ["/en/check/result", "/ru/check/result", "/ru/check"])
@pytest.mark.parametrize("headers", [{}, {"HX-Request": "true"}])
def test_a_page_filled_in_from_its_skeleton_is_the_page_rendered_whole(app, path, query, headers):
    """kneeaid/speed/skeleton.py: what a request gets from the skeleton (made for
    another set of answers first) is byte for byte the page rendered whole."""
    client = app.test_client(use_cookies=False)
    client.get(f"{path}?s=calf", headers=headers)  # the skeleton, made for other answers
    filled = client.get(f"{path}?{query}", headers=headers).get_data(as_text=True)
    app.debug = True  # templates may change: rendered whole every time
    try:
        whole = client.get(f"{path}?{query}", headers=headers).get_data(as_text=True)
    finally:
        app.debug = False
    assert filled == whole and 'data-tier="' in filled
