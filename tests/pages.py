"""Every page a person can open with nothing but a language, written out here
rather than asked of the app: a page the app forgot to precache must fail a test."""

PAGES = (
    "",
    "about",
    "causes",
    "check",
    "check/result",
    "diary",
    "diary/delete",
    "doctor",
    "heat",
    "offline",
    "prevent",
    "timer",
    "train",
)
