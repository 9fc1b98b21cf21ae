"""The timer's page as the server sends it: its cautions and the sources it cites
(the timer itself runs in the browser: tests/browser/test_timer.py)."""

import html

import pytest

from tests.support import in_russian, sources_of


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
