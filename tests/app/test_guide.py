"""The home page, the about page and the guides: what they say, and the sources they cite."""

import pytest

from tests.support import in_russian, shown, shown_text
from tests.triage_contract import CITATIONS, HEADLINES, RETIRED, RULE_CASES, TIER_OF


@pytest.mark.parametrize(
    "page", ["doctor", "heat", "causes", "prevent", "about", "timer", "check", "check/result?s=swelling"]
)
def test_content_pages_name_sources_and_review_date(client, lang, page):
    text = client.get(f"/{lang}/{page}").get_data(as_text=True)
    assert {"en": "Content last reviewed: December 3, 2026", "ru": "Материал проверен: 3 декабря 2026"}[lang] in text
    assert {"en": "Sources", "ru": "Источники"}[lang] in text


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


def test_about_names_sources_review_date_and_privacy(client):
    page = client.get("/en/about").get_data(as_text=True)
    assert "Ottawa Knee Rules" in page
    assert "NHS" in page
    assert "December 3, 2026" in page
    assert "not a diagnosis" in page
    ru_page = client.get("/ru/about").get_data(as_text=True)
    assert "3 декабря 2026" in ru_page


def test_home_page_has_the_four_ways_in_and_the_emergency_numbers(client, lang):
    page = client.get(f"/{lang}/").get_data(as_text=True)
    for path in ("timer", "check", "doctor", "diary", "about"):
        assert f'href="/{lang}/{path}"' in page
    for number in ("112", "103", "911", "999"):
        assert f'href="tel:{number}"' in page
