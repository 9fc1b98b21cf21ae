"""The symptom check on the server: every rule of triage.md, bad input, the guides."""

import re

import pytest

from kneeaid import triage

# For each rule: answers where it fires, and near misses where it does not.
# Written out by hand from ../shared/triage.md, not derived from the rules file.
RULE_CASES = {
    "E1": ([["deformity"]], [["swelling"]]),
    "E2": ([["numbness"]], [["swelling"]]),
    "E3": ([["injury", "cannot_bear_weight"]], [["cannot_bear_weight"], ["injury"]]),
    "U1": ([["locked"]], [["gives_way"]]),
    "U2": ([["fever", "hot"], ["fever", "redness"]], [["fever"], ["hot", "redness"]]),
    "U3": ([["injury", "kneecap_tender"], ["injury", "age_55_plus"], ["injury", "fibula_tender"],
            ["injury", "cannot_bend_90"]], [["kneecap_tender"], ["age_55_plus", "fibula_tender"]]),
    "U4": ([["pop"], ["injury", "rapid_swelling"]], [["rapid_swelling"], ["injury", "swelling"]]),
    "U5": ([["severe_pain"]], [["crunch_pain"]]),
    "U6": ([["cannot_bear_weight"]], [["cannot_bend_90"]]),
    "U7": ([["child", "injury"]], [["child"]]),
    "D1": ([["pain_over_2_days"]], [["after_every_workout"]]),
    "D2": ([["gives_way"]], [["locked"]]),
    "D3": ([["swelling"], ["rapid_swelling"]], [["redness"]]),
    "D4": ([["hot"], ["redness"]], [["fever"]]),
    "D5": ([["crunch_pain"]], [["severe_pain"]]),
    "D6": ([["morning_stiffness"], ["both_knees"]], [["night_or_rest_pain"]]),
    "D7": ([["night_or_rest_pain"]], [["morning_stiffness"]]),
    "D8": ([["after_every_workout"], ["worsening"]], [["pain_over_2_days"]]),
    "D9": ([["child"]], [["age_55_plus"]]),
    "D10": ([["injury"]], [["pop"], ["first_time_load"]]),
    "D11": ([["cannot_bend_90"], ["kneecap_tender"], ["fibula_tender"]], [["age_55_plus"]]),
    "D12": ([["fever"]], [["hot"]]),
}
TIER_OF = {"E": "emergency", "U": "urgent", "D": "doctor"}
HEADLINES = {
    "en": {"emergency": "Get emergency help now", "urgent": "See a doctor today",
           "doctor": "Book a doctor in the next few days", "selfcare": "First aid at home is enough for now"},
    "ru": {"emergency": "Срочно вызовите скорую помощь", "urgent": "К врачу сегодня",
           "doctor": "Запишитесь к врачу в ближайшие дни", "selfcare": "Пока достаточно первой помощи дома"},
}


def result_page(client, lang, symptoms):
    query = "&".join(f"s={symptom}" for symptom in symptoms)
    response = client.get(f"/{lang}/check/result?{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def shown(page, attribute):
    """The values of data-<attribute> on elements that are not hidden."""
    return re.findall(rf'data-{attribute}="([^"]+)">', page)


def tier_of(page):
    return re.search(r'<section id="result" class="result" data-tier="(\w+)"', page).group(1)


def test_every_rule_of_triage_md_has_a_case():
    assert set(RULE_CASES) == {rule["id"] for rule in triage.RULES}


@pytest.mark.parametrize("rule", sorted(RULE_CASES))
def test_each_rule_fires_with_its_reason_shown(client, lang, rule):
    firing, _ = RULE_CASES[rule]
    for symptoms in firing:
        page = result_page(client, lang, symptoms)
        assert rule in shown(page, "rule"), symptoms
        assert triage.TIERS.index(tier_of(page)) <= triage.TIERS.index(TIER_OF[rule[0]])
        assert f'<h2>{HEADLINES[lang][tier_of(page)]}</h2>' in page


@pytest.mark.parametrize("rule", sorted(RULE_CASES))
def test_each_rule_stays_quiet_on_a_near_miss(client, lang, rule):
    _, missing = RULE_CASES[rule]
    for symptoms in missing:
        assert rule not in shown(result_page(client, lang, symptoms), "rule"), symptoms


@pytest.mark.parametrize("symptoms, tier, rules", [
    ([], "selfcare", []),
    (["first_time_load"], "selfcare", []),
    (["age_55_plus"], "selfcare", []),
    (["injury", "cannot_bear_weight"], "emergency", ["E3", "U6", "D10"]),
    (["fever", "redness", "swelling"], "urgent", ["U2", "D3", "D4", "D12"]),
    (["pain_over_2_days", "both_knees"], "doctor", ["D1", "D6"]),
    (["deformity", "pain_over_2_days"], "emergency", ["E1", "D1"]),
])
def test_the_highest_tier_wins_and_every_fired_rule_is_listed(client, symptoms, tier, rules):
    page = result_page(client, "en", symptoms)
    assert tier_of(page) == tier
    assert shown(page, "rule") == rules
    assert shown(page, "tier-block") == [tier]


def test_the_first_time_load_note_shows_only_with_it(client):
    note = "Soreness after a new or unusually hard load is normal"
    with_it = result_page(client, "en", ["first_time_load"])
    assert re.search(r"<p data-first-time-load>" + note, with_it)
    assert not re.search(r"<p data-first-time-load>" + note, result_page(client, "en", []))


def test_emergency_has_tappable_numbers_and_no_walking(client, lang):
    page = result_page(client, lang, ["deformity"])
    block = page.split('data-tier-block="emergency">')[1].split("</div>")[0]
    for number in ("112", "103", "911", "999"):
        assert f'href="tel:{number}"' in block


def test_selfcare_and_doctor_link_to_the_timer_and_doctor_says_what_to_tell(client):
    for symptoms, tier in ([], "selfcare"), (["swelling"], "doctor"):
        page = result_page(client, "en", symptoms)
        block = page.split(f'data-tier-block="{tier}">')[1].split("</div>")[0]
        assert 'href="/en/timer"' in block
    doctor = result_page(client, "en", ["swelling"]).split('data-tier-block="doctor">')[1]
    assert "Tell the doctor:" in doctor


def test_every_result_says_it_is_not_a_diagnosis(client, lang):
    page = result_page(client, lang, ["swelling"])
    assert {"en": "This is not a diagnosis.", "ru": "Это не диагноз."}[lang] in page


def test_answers_are_listed_in_words(client):
    page = result_page(client, "ru", ["swelling", "child"])
    assert shown(page, "symptom") == ["swelling", "child"]
    assert "Колено опухло" in page


@pytest.mark.parametrize("query", [
    "s=bogus", "s=", "s=swelling&s=swelling", "s=" + "x" * 5000, "s=<script>", "s=swelling&s=%00",
])
def test_answers_not_understood_are_ignored_and_said(client, query):
    page = client.get(f"/en/check/result?{query}").get_data(as_text=True)
    assert "<p class=\"warning\" data-not-understood>Some answers were not understood" in page
    assert "<script>" not in page.split("<main")[1].split("</main>")[0].replace('<script src="/static', "")


def test_understood_answers_give_no_warning(client):
    page = result_page(client, "en", ["swelling", "hot"])
    assert '<p class="warning" data-not-understood hidden>' in page


def test_more_than_100_parameters_is_a_clear_400(client, lang):
    response = client.get(f"/{lang}/check/result?" + "&".join(["s=swelling"] * 101))
    assert response.status_code == 400
    message = {"en": "Too many answers in one request: at most 100.",
               "ru": "Слишком много ответов в одном запросе: не больше 100."}[lang]
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
    restore = client.get("/en/check/result?s=locked",
                         headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" in restore.get_data(as_text=True)


# The guides ---------------------------------------------------------------

@pytest.mark.parametrize("page", ["doctor", "heat", "causes", "prevent", "about", "timer", "check",
                                  "check/result?s=swelling"])
def test_content_pages_name_sources_and_review_date(client, lang, page):
    text = client.get(f"/{lang}/{page}").get_data(as_text=True)
    assert {"en": "Content last reviewed: November 21, 2026",
            "ru": "Содержание последний раз проверено: 21 ноября 2026"}[lang] in text
    assert {"en": "Sources", "ru": "Источники"}[lang] in text


DOSE = re.compile(r"\d+\s*(mg|мг|ml|мл|tablet|таблет)", re.I)


def test_no_page_names_a_drug_dose(client, app):
    from tests.conftest import all_page_urls

    for url in all_page_urls(app):
        page = client.get(url).get_data(as_text=True)
        assert not DOSE.search(page), url
        for drug in ("ibuprofen", "diclofenac", "nurofen", "ибупрофен", "диклофенак"):
            assert drug not in page.lower(), url


def test_doctor_guide_lists_the_four_tiers_and_the_tests(client):
    page = client.get("/en/doctor").get_data(as_text=True)
    for headline in HEADLINES["en"].values():
        assert headline in page
    for test in ("X-ray", "MRI", "Arthroscopy", "Blood tests"):
        assert f"<dt>{test}</dt>" in page
    assert "How to describe the pain to a doctor" in page


@pytest.mark.parametrize("answers, verdict, against", [
    ("three_days=yes&skin_hot=no&fever=no&worse=no", "warm", []),
    ("three_days=no&skin_hot=no&fever=no&worse=no", "cold", ["three_days"]),
    ("three_days=yes&skin_hot=yes&fever=yes&worse=yes", "cold", ["skin_hot", "fever", "worse"]),
    ("three_days=yes&skin_hot=no", "unanswered", []),
    ("three_days=maybe&skin_hot=no&fever=no&worse=no", "unanswered", []),
])
def test_heat_or_cold_answers_with_reasons(client, answers, verdict, against):
    page = client.get(f"/en/heat?{answers}").get_data(as_text=True)
    assert f'data-verdict="{verdict}"' in page
    assert shown(page, "verdict-block") == [verdict]
    assert shown(page, "reason") == against


def test_causes_and_prevention_cover_the_sources(client):
    causes = client.get("/en/causes").get_data(as_text=True)
    for cause in ("Overtraining", "Age", "Injuries", "Inflammation", "Overweight", "technique", "shoes",
                  "Inborn or chronic"):
        assert cause in causes
    prevent = client.get("/en/prevent").get_data(as_text=True)
    for advice in ("10-20 minutes", "coach", "2-3 times a week", "shoes", "orthosis", "weight",
                   "2 litres", "omega-3", "gelatin", "warm", "in one line", "cadence"):
        assert advice in prevent
