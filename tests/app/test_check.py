"""The symptom check on the server: every rule of docs/medical-rules.md, bad input, the guides."""

import html
import re

import pytest

from kneeaid.check import triage
from tests.support import in_russian

# For each rule of version 4: answers where it fires, and near misses where it
# does not. Written out by hand from the contract (docs/medical-rules.md), not
# derived from the rules file. Each firing set fires nothing of a higher tier,
# so the result's tier must be exactly the rule's.
RULE_CASES = {
    "E1": ([["deformity"]], [["swelling"], ["cannot_bend_90"]]),
    "E4": ([["cold_foot"]], [["numbness"]]),
    "E5": ([["breathless"]], [["calf"]]),
    "U1": ([["locked"]], [["cannot_bend_90"]]),
    "U3": (
        [
            ["injury", "kneecap_tender"],
            ["injury", "age_55_plus"],
            ["injury", "fibula_tender"],
            ["injury", "cannot_bend_90"],
            ["injury", "cannot_bear_weight"],
        ],
        [["kneecap_tender"], ["age_55_plus", "fibula_tender", "cannot_bear_weight"], ["injury", "swelling"]],
    ),
    "U4": ([["pop"], ["injury", "rapid_swelling"]], [["rapid_swelling"], ["injury", "swelling"]]),
    "U5": ([["severe_pain"]], [["night_or_rest_pain"]]),
    "U6": ([["cannot_bear_weight"]], [["cannot_bend_90"]]),
    "U8": (
        [["hot", "swelling"], ["fever", "hot"], ["fever", "redness"], ["fever", "swelling"]],
        [["fever"], ["hot", "redness"], ["swelling", "redness"]],
    ),
    "U9": ([["child", "injury"], ["child", "fever"]], [["child"], ["child", "swelling"]]),
    "U10": ([["calf"]], [["swelling"]]),
    "U11": ([["open_wound"]], [["injury"]]),
    "U12": ([["numbness", "injury"]], [["numbness"], ["injury"]]),
    "U13": ([["cannot_lift_leg"]], [["cannot_bend_90"]]),
    "U14": ([["gives_way"]], [["locked"], ["both_knees"]]),
    "U15": ([["crunch_pain"]], [["morning_stiffness"], ["severe_pain"]]),
    "U16": ([["bad_swelling"]], [["swelling"], ["rapid_swelling"], ["calf"]]),
    "U17": ([["fever"], ["none", "fever"]], [["hot"], ["redness"], ["swelling"], ["none"]]),
    "U18": ([["hot", "redness"]], [["hot"], ["redness"], ["redness", "swelling"], ["hot", "night_or_rest_pain"]]),
    "D1": ([["pain_over_2_days"]], [["after_every_workout"]]),
    "D3": ([["swelling"], ["rapid_swelling"]], [["redness"]]),
    "D4": ([["hot"], ["redness"]], [["fever"]]),
    "D7": ([["night_or_rest_pain"]], [["morning_stiffness"]]),
    "D8": ([["after_every_workout"], ["worsening"]], [["pain_over_2_days"]]),
    "D9": ([["child"]], [["age_55_plus"]]),
    "D10": ([["injury"]], [["pop"], ["first_time_load"]]),
    "D11": ([["cannot_bend_90"], ["kneecap_tender"], ["fibula_tender"]], [["age_55_plus"]]),
    "D13": (
        [["morning_stiffness"], ["both_knees", "swelling"], ["both_knees", "pain_over_2_days"]],
        [["both_knees"], ["both_knees", "first_time_load"], ["night_or_rest_pain"]],
    ),
    "D14": ([["numbness"]], [["cold_foot"]]),
}
TIER_OF = {"E": "emergency", "U": "urgent", "D": "doctor"}
RETIRED = {"E2", "E3", "U2", "U7", "D6", "D2", "D5", "D12"}
# The reason each rule shows, in English, from the contract.
REASONS = {
    "E1": "The knee may be broken or out of its joint.",
    "E4": "Blood may not be getting through to the foot.",
    "E5": "A blood clot may have reached the lungs.",
    "U1": "A torn piece of meniscus can jam the joint.",
    "U3": "After an injury, these signs mean an X-ray may be needed today (the Ottawa Knee Rules, as you checked "
    "them yourself).",
    "U4": "A ligament or meniscus may be torn.",
    "U5": "Severe pain needs a doctor's examination today.",
    "U6": "A knee that cannot take your weight must be examined today.",
    "U8": "A hot, swollen knee can be an infected joint or gout, even without fever.",
    "U9": "A child with an injured knee or with fever must see a doctor today.",
    "U10": "Pain or swelling in the calf can be a blood clot (deep vein thrombosis).",
    "U11": "A wound over the knee can reach the joint: it needs cleaning and perhaps stitches.",
    "U12": "Numbness after an injury can mean a damaged nerve.",
    "U13": "The tendon that straightens the knee may be torn.",
    "U14": "A knee that gives way can have a torn ligament or meniscus: it should be examined today.",
    "U15": "Clicking or crunching that hurts can mean a torn meniscus or damaged cartilage.",
    "U16": "A badly swollen knee can mean bleeding into the joint, a torn ligament or an infection.",
    "U17": "A temperature with knee pain can be an infected joint: see a doctor today.",
    "U18": "A red, hot knee can be an infected joint or bursa: see a doctor today.",
    "D1": "Knee pain that lasts more than 2 days should be examined by a doctor.",
    "D3": "Swelling after training can mean an injury, arthritis or inflammation.",
    "D4": "A red or hot knee can be a sign of inflammation, for example bursitis (a swollen fluid sac): do not treat "
    "it yourself. See a doctor today if the redness spreads, you feel unwell or you have a temperature.",
    "D7": "Pain at rest is not ordinary training soreness.",
    "D8": "Regular or growing pain: training through pain does harm.",
    "D9": "A child's knee pain should be examined, not treated at home.",
    "D10": "Any injury to the joint needs a doctor's examination.",
    "D11": "A knee that will not bend or is tender on the bone needs an examination.",
    "D13": "Morning stiffness, or both knees swollen or hurting for days, can be a sign of arthritis.",
    "D14": "Numbness or tingling in the leg can come from a nerve at the knee, hip or back.",
}
HEADLINES = {
    "en": {
        "emergency": "Call an ambulance now",
        "urgent": "See a doctor today",
        "doctor": "Book a doctor in the next few days",
        "selfcare": "First aid at home is enough for now",
    },
    "ru": {
        "emergency": "Срочно вызовите скорую",
        "urgent": "К врачу сегодня",
        "doctor": "Запишитесь к врачу в ближайшие дни",
        "selfcare": "Пока достаточно первой помощи дома",
    },
}


def result_page(client, lang, symptoms):
    query = "&".join(f"s={symptom}" for symptom in symptoms)
    response = client.get(f"/{lang}/check/result?{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def shown(page, attribute):
    """The values of data-<attribute> on elements that are not hidden."""
    return re.findall(rf'data-{attribute}="([^"]+)">', page)


def shown_text(page, attribute, value):
    """The text of the shown element with data-<attribute>="<value>"."""
    match = re.search(rf'data-{attribute}="{value}">(.*?)</li>', page, re.S)
    assert match, f"{attribute}={value} is not shown"
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", match.group(1))).split())


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


@pytest.mark.parametrize(
    "page", ["doctor", "heat", "causes", "prevent", "about", "timer", "check", "check/result?s=swelling"]
)
def test_content_pages_name_sources_and_review_date(client, lang, page):
    text = client.get(f"/{lang}/{page}").get_data(as_text=True)
    assert {"en": "Content last reviewed: December 3, 2026", "ru": "Материал проверен: 3 декабря 2026"}[lang] in text
    assert {"en": "Sources", "ru": "Источники"}[lang] in text


def sources_of(page):
    """The sources list as its text reads (entities such as &amp; decoded)."""
    return html.unescape(page.split('id="sources-title"')[1].split("</ul>")[0])


def test_the_timer_cites_only_what_it_uses_and_says_what_peace_and_love_says(client):
    page = client.get("/en/timer").get_data(as_text=True)
    sources = sources_of(page)
    assert "What to do if your knees hurt" not in sources  # 000 says nothing about ice
    assert "PEACE & LOVE" in sources
    assert "it is first aid, not a cure, and there is little proof that it speeds healing" in page
    assert "Barnsley Hospital NHS trust: applying ice packs" in sources


@pytest.mark.parametrize("url", ["/{lang}/timer", "/{lang}/about"])
def test_the_timer_and_the_about_page_say_peace_and_loves_caution_on_anti_inflammatory_medicines(client, lang, url):
    page = html.unescape(client.get(url.format(lang=lang)).get_data(as_text=True))
    said = (
        "In the first days after an injury, sports medicine advises against anti-inflammatory medicines: they "
        "may hold back the healing of the injured tissue."
    )
    said = said if lang == "en" else in_russian(said)
    assert said in page
    assert page.split(said)[1].startswith(
        (' <span class="source">(source: PEACE & LOVE)', ' <span class="source">(источник: PEACE & LOVE)')
    )


def test_the_timer_says_not_to_use_ice_with_poor_circulation(client, lang):
    page = client.get(f"/{lang}/timer").get_data(as_text=True)
    circulation = page.split('value="poor_circulation">')[1].split("</label>")[0]
    said = (
        "you have poor circulation in the legs, for example from diabetes or a disease of the blood vessels: "
        "ask a health professional before using cold"
    )
    assert " ".join(circulation.split()) == (said if lang == "en" else in_russian(said))


DOSE = re.compile(r"\d+\s*(mg|мг|ml|мл|tablet|таблет)", re.I)


def test_no_page_names_a_drug_dose(client, app, page_urls):
    for url in page_urls:
        page = client.get(url).get_data(as_text=True)
        assert not DOSE.search(page), url
        for drug in ("ibuprofen", "diclofenac", "nurofen", "ибупрофен", "диклофенак"):
            assert drug not in page.lower(), url


def test_doctor_guide_has_a_plain_sentence_for_every_rule_under_its_tier(client, lang):
    page = client.get(f"/{lang}/doctor").get_data(as_text=True)
    for tier, headline in HEADLINES[lang].items():
        assert f'<h2 id="tier-{tier}">{headline}</h2>' in page
    for rule in RULE_CASES:
        section = page.split(f'<h2 id="tier-{TIER_OF[rule[0]]}">')[1].split("</section>")[0]
        assert f'data-rule="{rule}"' in section, rule
        sentence = shown_text(section, "rule", rule)
        assert sentence.endswith(".") and ":" not in sentence.rstrip(".").split(", ")[0][-2:], sentence
        assert " or (" not in sentence and "and (" not in sentence
    for rule in RETIRED:
        assert f'data-rule="{rule}"' not in page
    assert 'href="tel:112"' in page.split('id="tier-emergency"')[1].split("</section>")[0]


def test_doctor_guide_lists_the_tests(client):
    page = client.get("/en/doctor").get_data(as_text=True)
    for test in ("X-ray", "MRI", "Arthroscopy", "Blood tests"):
        assert f"<dt>{test}</dt>" in page
    assert "How to describe the pain to a doctor" in page


@pytest.mark.parametrize(
    "answers, verdict, against",
    [
        ("three_days=yes&skin_hot=no&fever=no&worse=no", "warm", []),
        ("three_days=no&skin_hot=no&fever=no&worse=no", "cold", ["three_days"]),
        ("three_days=yes&skin_hot=yes&fever=yes&worse=yes", "cold", ["skin_hot", "fever", "worse"]),
        ("three_days=yes&skin_hot=no", "unanswered", []),
        ("three_days=maybe&skin_hot=no&fever=no&worse=no", "unanswered", []),
    ],
)
def test_heat_or_cold_answers_with_reasons(client, answers, verdict, against):
    page = client.get(f"/en/heat?{answers}").get_data(as_text=True)
    assert f'data-verdict="{verdict}"' in page
    assert shown(page, "verdict-block") == [verdict]
    assert shown(page, "reason") == against


@pytest.mark.parametrize(
    "answers, today",
    [
        ("fever=yes&skin_hot=yes", True),
        ("three_days=yes&skin_hot=yes&fever=yes&worse=no", True),
        # Version 4: a temperature alone is a doctor today (U17), hot skin or not.
        ("fever=yes", True),
        ("three_days=yes&skin_hot=no&fever=yes&worse=no", True),
        ("three_days=yes&skin_hot=yes&fever=no&worse=no", False),
        ("three_days=yes&skin_hot=no&fever=no&worse=no", False),
    ],
)
def test_heat_page_with_a_temperature_says_see_a_doctor_today(client, lang, answers, today):
    page = client.get(f"/{lang}/heat?{answers}").get_data(as_text=True)
    block = page.split("data-doctor-today")[1].split("</div>")[0]
    assert block.startswith(">") is today
    assert f"<h2>{HEADLINES[lang]['urgent']}</h2>" in block
    assert f'href="/{lang}/check?s=fever"' in block


def test_heat_page_sends_a_hot_knee_to_a_doctor_and_to_the_check(client, lang):
    page = client.get(f"/{lang}/heat?three_days=yes&skin_hot=yes&fever=no&worse=no").get_data(as_text=True)
    reason = shown_text(page, "reason", "skin_hot")
    said = (
        "The skin is hot: a sign of inflammation, which heat makes worse. See a doctor; today if the knee is "
        "also swollen or you have a temperature."
    )
    assert reason.startswith(" ".join((said if lang == "en" else in_russian(said)).split()))
    assert f'href="/{lang}/check?s=hot"' in page.split('data-reason="skin_hot">')[1].split("</li>")[0]


def test_warming_comes_with_burn_safety(client):
    page = client.get("/en/heat?three_days=yes&skin_hot=no&fever=no&worse=no").get_data(as_text=True)
    warm = page.split('data-verdict-block="warm">')[1].split("</div>")[0]
    assert "never put it straight on the skin" in warm
    assert "never while you sleep" in warm
    assert warm.count("(source: KneeAid&#39;s own caution)") == 2, "no source says these: KneeAid's own caution"


def test_causes_and_prevention_cover_the_sources(client):
    causes = client.get("/en/causes").get_data(as_text=True)
    for cause in ("Overtraining", "Age", "Injuries", "Inflammation", "Overweight", "technique", "shoes", "Lifelong"):
        assert cause in causes
    assert "With a fever, or a hot, swollen knee, see a doctor today." in causes
    prevent = client.get("/en/prevent").get_data(as_text=True)
    for advice in (
        "10-20 minutes",
        "coach",
        "2-3 times a week",
        "shoes",
        "knee brace",
        "weight",
        "2 litres",
        "omega-3",
        "gelatin",
        "warm",
        "in one line",
        "steady pace",
    ):
        assert advice in prevent


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

# From the contract's "Sources", written out by hand: what the about page must cite.
CITATIONS = [
    'Stiell IG, Greenberg GH, Wells GA, et al. <cite lang="en">Derivation of a decision rule for the use of '
    "radiography in acute knee injuries.</cite> Ann Emerg Med. 1995;26(4):405-413",
    'href="https://doi.org/10.1016/S0196-0644(95)70106-0"',
    '<cite lang="en">Prospective validation of a decision rule for the use of radiography in acute knee '
    "injuries.</cite> JAMA. 1996;275(8):611-615",
    'href="https://doi.org/10.1001/jama.1996.03530320035031"',
    'Dubois B, Esculier JF. <cite lang="en">Soft-tissue injuries simply need PEACE and LOVE.</cite> '
    "Br J Sports Med. 2020;54(2):72-73 (BMJ)",
    'href="https://doi.org/10.1136/bjsports-2019-101253"',
    'href="https://www.nhs.uk/symptoms/knee-pain/"',
    'href="https://www.nhs.uk/conditions/sprains-and-strains/"',
    'href="https://www.nhs.uk/conditions/deep-vein-thrombosis-dvt/"',
    'href="https://www.nhs.uk/conditions/septic-arthritis/"',
    'href="https://www.nhs.uk/conditions/gout/"',
    'href="https://northerncarealliance.nhs.uk/patient-information/patient-leaflets/'
    'emergency-and-urgent-care-managing-knee-pain"',
    'href="https://mpft.nhs.uk/services/msk/self-help/general-advice/safe-use-cold-treatment"',
    'href="https://barnsleyhospital.nhs.uk/services/a-and-e/applying-ice-packs"',
    'href="https://orthoinfo.aaos.org/en/diseases--conditions/quadriceps-tendon-tear/"',
    'href="https://orthoinfo.aaos.org/en/diseases--conditions/patellar-tendon-tear/"',
]


def test_the_about_page_cites_every_source_in_full(client, lang):
    page = client.get(f"/{lang}/about").get_data(as_text=True)
    for citation in CITATIONS:
        assert citation in page, citation
    assert "Implementation of the Ottawa" not in page  # the 1997 paper's title with the 1996 paper's details
    for key in (
        "000",
        "001",
        "nhs-knee",
        "nhs-sprains",
        "nhs-dvt",
        "nhs-septic",
        "nhs-gout",
        "nca",
        "mpft",
        "barnsley",
        "ottawa",
        "peace",
        "aaos",
        "kneeaid",
    ):
        assert f'id="source-{key}"' in page, key
    not_recorded = {
        "en": "its author, publisher, date and address were not recorded",
        "ru": "автор, издатель, дата публикации и адрес страницы не сохранились",
    }[lang]
    assert page.count(not_recorded) == 2


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


def test_the_about_page_says_where_kneeaid_is_stricter_than_its_sources(client, lang):
    page = client.get(f"/{lang}/about").get_data(as_text=True)
    section = page.split('<section id="source-kneeaid"')[1].split("</section>")[0]
    expected = {
        "en": [
            "Where KneeAid is stricter than its sources",
            "the NHS says to see a GP if knee pain has not improved after 2 weeks of treating it at home",
            "call an ambulance",
            "7 days",
            "a child or teenager with an injured knee or a fever sees a doctor today",
        ],
        "ru": [
            "В чём KneeAid строже своих источников",
            "2\xa0недель",
            "вызвать скорую",
            "7\xa0дней",
            "ребёнка или подростка с травмой колена или повышенной температурой нужно показать врачу",
        ],
    }[lang]
    for words in expected:
        assert words in section, words
    # A reason that only caution supports links to this section from its page's sources box.
    doctor = client.get(f"/{lang}/doctor").get_data(as_text=True)
    assert f'href="/{lang}/about#source-kneeaid"' in doctor


def test_advice_without_a_source_is_gone(client, lang):
    timer = client.get(f"/{lang}/timer").get_data(as_text=True)
    assert "Raynaud" not in timer and "Рейно" not in timer
    heat = client.get(f"/{lang}/heat?three_days=yes&skin_hot=no&fever=no&worse=no").get_data(as_text=True)
    assert "15-20" not in heat and "15–20" not in heat


def test_the_doctor_page_sends_the_new_same_day_signs_today(client):
    page = client.get("/en/doctor").get_data(as_text=True)
    today = page.split('<h2 id="tier-urgent">')[1].split("</section>")[0]
    for sign in (
        "The knee gives way or feels unstable.",
        "The knee crunches or clicks, and it hurts.",
        "The knee is badly swollen: clearly bigger than the other knee.",
        "You have a raised temperature or chills.",
        "The skin over the knee is both red and hot.",
    ):
        assert sign in today, sign
    days = page.split('<h2 id="tier-doctor">')[1].split("</section>")[0]
    assert "temperature" not in days, "version 4: a temperature is never a matter of days"
    days = page.split('<h2 id="tier-doctor">')[1].split("</section>")[0]
    assert "gives way" not in days and "crunches" not in days


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
