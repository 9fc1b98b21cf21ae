"""The check's contract (../shared/triage.md, version 4) written out by hand for
the tests, never derived from the app's data: every rule's case and near
miss, the retired rules, each rule's reason and tier's headline, the sources
each reason cites."""

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
