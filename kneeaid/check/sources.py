"""Every source KneeAid's medical content rests on, cited in full
(docs/medical-rules.md, "Sources").

The rules file (static/data/triage.json) and the pages name a source by its
key; the about page lists every source with its full citation, and a rule's
reason or a page's sources box shows its short name linked to that entry.
A claim whose only support is caution names "KneeAid": the about page's
"Where KneeAid is stricter than its sources" explains it.

Citations stay in the language they were published in (titles, journals);
only the words around them are translated.
"""

from dataclasses import dataclass

from ..i18n.plain_text import lazy_gettext as _l

NHS = _l("NHS (the National Health Service, UK), nhs.uk")
NOT_RECORDED = _l(
    "A Russian-language web article, read in our English translation; its author, publisher, "
    "date and address were not recorded"
)
READ_IN = 2026  # the year the web pages were last read against the content


@dataclass(frozen=True)
class Paper:
    authors: str
    title: str
    journal: str  # with year, volume, issue and pages: "JAMA. 1996;275(8):611-615"
    doi: str | None  # None: cited, not linked (no DOI checked)

    @property
    def link(self):
        return f"https://doi.org/{self.doi}" if self.doi else None


@dataclass(frozen=True)
class WebPage:
    publisher: object  # translated
    title: str  # as published
    link: str
    read_in: int = READ_IN


@dataclass(frozen=True)
class Article:
    """One of the two source articles: the copy names no author, publisher or address."""

    title: object  # translated: the title of our English translation
    note: object = NOT_RECORDED


@dataclass(frozen=True)
class Source:
    name: object  # the short name shown beside a reason or in a sources box
    works: tuple  # what the about page cites, one or more works


OTTAWA_AUTHORS = "Stiell IG, Greenberg GH, Wells GA, et al."

SOURCES = {
    "000": Source(
        _l("article “What to do if your knees hurt”"),
        (Article(_l("“What to do if your knees hurt during or after exercise?”")),),
    ),
    "001": Source(
        _l("article “The knees hurt after training”"),
        (Article(_l("“The knees hurt after training, what should I do?”")),),
    ),
    "nhs-knee": Source(_l("NHS: knee pain"), (WebPage(NHS, "Knee pain", "https://www.nhs.uk/symptoms/knee-pain/"),)),
    "nhs-sprains": Source(
        _l("NHS: sprains and strains"),
        (WebPage(NHS, "Sprains and strains", "https://www.nhs.uk/conditions/sprains-and-strains/"),),
    ),
    "nhs-dvt": Source(
        _l("NHS: deep vein thrombosis"),
        (WebPage(NHS, "DVT (deep vein thrombosis)", "https://www.nhs.uk/conditions/deep-vein-thrombosis-dvt/"),),
    ),
    "nhs-septic": Source(
        _l("NHS: septic arthritis"),
        (WebPage(NHS, "Septic arthritis", "https://www.nhs.uk/conditions/septic-arthritis/"),),
    ),
    "nhs-gout": Source(_l("NHS: gout"), (WebPage(NHS, "Gout", "https://www.nhs.uk/conditions/gout/"),)),
    "nca": Source(
        _l("Northern Care Alliance NHS trust: managing knee pain"),
        (
            WebPage(
                _l("Northern Care Alliance NHS Foundation Trust, patient leaflet"),
                "Emergency and Urgent Care - Managing Knee Pain",
                "https://northerncarealliance.nhs.uk/patient-information/patient-leaflets/"
                "emergency-and-urgent-care-managing-knee-pain",
            ),
        ),
    ),
    "barnsley": Source(
        _l("Barnsley Hospital NHS trust: applying ice packs"),
        (
            WebPage(
                _l("Barnsley Hospital NHS Foundation Trust"),
                "Applying ice packs",
                "https://barnsleyhospital.nhs.uk/services/a-and-e/applying-ice-packs",
            ),
        ),
    ),
    "mpft": Source(
        _l("Midlands Partnership NHS trust: safe use of cold treatment"),
        (
            WebPage(
                _l("Midlands Partnership University NHS Foundation Trust"),
                "Safe use of cold treatment",
                "https://mpft.nhs.uk/services/msk/self-help/general-advice/safe-use-cold-treatment",
            ),
        ),
    ),
    "ottawa": Source(
        _l("Ottawa Knee Rules"),
        (
            Paper(
                OTTAWA_AUTHORS,
                "Derivation of a decision rule for the use of radiography in acute knee injuries.",
                "Ann Emerg Med. 1995;26(4):405-413",
                "10.1016/S0196-0644(95)70106-0",
            ),
            Paper(
                OTTAWA_AUTHORS,
                "Prospective validation of a decision rule for the use of radiography in acute knee injuries.",
                "JAMA. 1996;275(8):611-615",
                "10.1001/jama.1996.03530320035031",
            ),
        ),
    ),
    "peace": Source(
        _l("PEACE & LOVE"),
        (
            Paper(
                "Dubois B, Esculier JF.",
                "Soft-tissue injuries simply need PEACE and LOVE.",
                "Br J Sports Med. 2020;54(2):72-73 (BMJ)",
                "10.1136/bjsports-2019-101253",
            ),
        ),
    ),
    "aaos": Source(
        _l("AAOS OrthoInfo: tendon tears"),
        (
            WebPage(
                _l("American Academy of Orthopaedic Surgeons, OrthoInfo"),
                "Quadriceps Tendon Tear",
                "https://orthoinfo.aaos.org/en/diseases--conditions/quadriceps-tendon-tear/",
            ),
            WebPage(
                _l("American Academy of Orthopaedic Surgeons, OrthoInfo"),
                "Patellar Tendon Tear",
                "https://orthoinfo.aaos.org/en/diseases--conditions/patellar-tendon-tear/",
            ),
        ),
    ),
    "thomee": Source(
        _l("the pain-monitoring model (Thomeé)"),
        (
            Paper(
                "Thomeé R.",
                "A comprehensive treatment approach for patellofemoral pain syndrome in young women.",
                "Phys Ther. 1997;77(12):1690-1703",
                None,  # no DOI checked: cited, not linked
            ),
        ),
    ),
    "silbernagel": Source(
        _l("the pain-monitoring model (Silbernagel 2007)"),
        (
            Paper(
                "Silbernagel KG, Thomeé R, Eriksson BI, Karlsson J.",
                "Continued sports activity, using a pain-monitoring model, during rehabilitation in patients "
                "with Achilles tendinopathy: a randomized controlled study.",
                "Am J Sports Med. 2007;35(6):897-906",
                "10.1177/0363546506298279",
            ),
        ),
    ),
    "nhs-running": Source(
        _l("NHS: running injuries"),
        (
            WebPage(
                NHS,
                "Running injuries",
                "https://www.nhs.uk/live-well/exercise/running-and-aerobic-exercises/running-injuries/",
            ),
        ),
    ),
    "kneeaid": Source(_l("KneeAid's own caution"), ()),
}

# The source of advice that only caution supports: explained, not cited.
OWN_CAUTION = "kneeaid"
