"""A small judged corpus: datasets with Norwegian and English text, and queries with the dataset
each must rank first. Both engines must pass the same judgments."""
from __future__ import annotations

CORPUS = {
    "birds": {"title": {"nb": "Hekkende fugler på Dovrefjell", "en": "Breeding birds on Dovrefjell"},
              "description": {"nb": "Registrering av fugl i fjellet, med tellinger fra 1990 til 2020.",
                              "en": "Counts of nesting birds in the mountains."},
              "themes": ["ENVI"], "backed_up": False, "listed": True,
              "keywords": {"nb": ["ornitologi"], "en": ["ornithology"]}},
    "fish": {"title": {"nb": "Fiskebestand i Trondheimsfjorden", "en": "Fish stocks in the Trondheim fjord"},
             "description": {"nb": "Ekkolodd og prøvefiske.", "en": "Echo sounding and test fishing."},
             "themes": ["AGRI"], "backed_up": True, "listed": True},
    "lichens": {"title": {"nb": "Lav og mose fra Tromsø", "en": "Lichens and mosses from Tromsø"},
                "description": {"nb": "Herbarieark fra Nord-Norge.", "en": "Herbarium sheets from Northern Norway."},
                "themes": ["ENVI"], "backed_up": True, "listed": True},
    "finds": {"title": {"nb": "Arkeologiske funn i Trøndelag", "en": "Archaeological finds in Trøndelag"},
              "description": {"nb": "Gjenstander fra utgravninger.", "en": "Objects from excavations."},
              "themes": ["EDUC"], "listed": True},
    "nestboxes": {"title": {"nb": "Fuglekasser i Trondheim", "en": "Nest boxes in Trondheim"},
                  "description": {"nb": "Kjøttmeis og blåmeis i bykassene."}, "listed": False},
    "insects": {"title": {"nb": "Insekter i Malvik", "en": "Insects in Malvik"},
                "description": {"nb": "Hemmelig lokalitet for sjeldne biller: zyxhemmelig."},
                "restricted": True, "listed": False},
}

# (query, key that must rank first)
JUDGED = [
    ("fugler", "birds"),                 # nb stemming: fugler ~ fugl
    ("fugl dovrefjell", "birds"),        # words in title and description
    ("tromso", "lichens"),               # folding: Tromso finds Tromsø
    ("Trøndelag funn", "finds"),
    ("birds", "birds"),                  # en
    ("fish trondheim", "fish"),
    ("lichen", "lichens"),               # en stemming: lichen ~ lichens
    ("dovre*", "birds"),                 # prefix
    ("arkeolog*", "finds"),
    ('"breeding birds"', "birds"),       # phrase
    ("herbarium", "lichens"),
    ("ornitologi", "birds"),             # keywords
]
