"""Text for generated benchmark records, in two shapes.

* ``narrow``: every title and description is drawn uniformly from ~45 museum words per language, so
  one word matches about a quarter of all records. A stress case for ranking and facet counting.
* ``zipf``: a vocabulary of ~800 words per language (the museum words below, Norwegian places and
  species, and every word of the bundled vocabularies' nb/en labels) with Zipf-distributed word
  frequencies (s = 1, ranks shuffled with a fixed seed), as natural-language text has.

Queries are 1–3 words of a title drawn like the records' titles, in both shapes.

The benchmarks print the median share of records a query matches, so a figure can be read
together with how selective its queries were.
"""
from __future__ import annotations

import bisect
import itertools
import random
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

NB = ("fugl fugler fisk laks ørret elg rein lav mose insekter biller sommerfugler arkeologi funn gjenstander "
      "utgravning kart foto dagbok brev herbarium samling registrering telling overvåking hekking fjell skog "
      "myr kyst fjord elv innsjø Dovrefjell Trondheim Tromsø Trøndelag Malvik Røros Oppdal Namdalen Hitra "
      "Frøya Snåsa Lierne").split()
EN = ("bird birds fish salmon trout moose reindeer lichen moss insects beetles butterflies archaeology finds "
      "objects excavation map photo diary letter herbarium collection survey count monitoring breeding "
      "mountain forest bog coast fjord river lake").split()
PLACES = ("Bodø Narvik Alta Kautokeino Karasjok Vardø Vadsø Hammerfest Lofoten Vesterålen Senja Helgeland Rana "
          "Mosjøen Brønnøysund Steinkjer Levanger Stjørdal Verdal Meråker Selbu Tydal Holtålen Midtre Gauldal "
          "Melhus Skaun Orkland Hemne Heim Frosta Leksvik Indre Fosen Ørland Åfjord Osen Flatanger Vikna Nærøy "
          "Grong Lierne Røyrvik Namsskogan Høylandet Overhalla Verran Inderøy Kristiansund Molde Ålesund Sunndal "
          "Surnadal Rindal Aure Smøla Averøy Hustadvika Rauma Lesja Dovre Folldal Tynset Alvdal Rendalen Tolga "
          "Os Engerdal Femunden Sylan Trollheimen Forollhogna Skarvan Roltdalen Blåfjella Børgefjell Saltfjellet").split()
SPECIES_NB = ("hubro kongeørn havørn jaktfalk fjellrype lirype storfugl orrfugl heilo boltit fjellerke snøspurv "
              "lappspove myrsnipe brushane sangsvane kortnebbgås dverggås fjellrev jerv gaupe bjørn ulv oter "
              "bever lemen røyskatt røye harr ål sik bekkerøye elvemusling ferskvannsperlemusling dragehode "
              "fjellsmelle reinrose rødsildre mose torvmose skorpelav huldrestry").split()
SPECIES_EN = ("owl eagle falcon ptarmigan grouse plover dotterel lark bunting curlew dunlin ruff swan goose fox "
              "wolverine lynx bear wolf otter beaver lemming stoat char grayling eel whitefish mussel pearl "
              "dragonhead campion avens saxifrage peat sphagnum crust usnea").split()


def _label_words(lang: str) -> list[str]:
    """Words of the bundled vocabularies' labels in one language (nb or en)."""
    tags = ("nb", "no") if lang == "nb" else ("en",)
    seen = {}
    for path in sorted((ROOT / "vocabularies").rglob("*.ttl")):
        for text, tag in re.findall(r'"([^"\n]{2,120})"@([a-z]{2})', path.read_text(encoding="utf-8")):
            if tag in tags:
                for word in re.findall(r"[A-Za-zÆØÅæøåéü]{4,}", text):
                    seen.setdefault(word.lower(), None)
    return list(seen)


class Corpus:
    """Draws titles, descriptions and queries for one corpus shape, reproducibly from a seed."""

    def __init__(self, shape: str, seed: int = 11):
        if shape not in ("narrow", "zipf"):
            raise ValueError(f"unknown corpus {shape!r}")
        self.shape = shape
        if shape == "narrow":
            self.nb, self.en = NB, EN
            self._nb_cum = self._en_cum = None
            return
        rnd = random.Random(seed)
        self.nb = _unique(NB + PLACES + SPECIES_NB + _label_words("nb"))
        self.en = _unique(EN + PLACES + SPECIES_EN + _label_words("en"))
        rnd.shuffle(self.nb)
        rnd.shuffle(self.en)
        self._nb_cum = _zipf_cumulative(len(self.nb))
        self._en_cum = _zipf_cumulative(len(self.en))

    def words(self, rnd: random.Random, lang: str, k: int) -> list[str]:
        vocabulary, cumulative = (self.nb, self._nb_cum) if lang == "nb" else (self.en, self._en_cum)
        if cumulative is None:
            return rnd.choices(vocabulary, k=k)
        return [vocabulary[bisect.bisect(cumulative, rnd.random() * cumulative[-1])] for _ in range(k)]

    def title(self, rnd: random.Random, lang: str) -> str:
        if self.shape == "narrow":  # distinct words, as the first runs of the benchmarks had them
            return " ".join(rnd.sample(self.nb if lang == "nb" else self.en, rnd.randint(3, 6))).capitalize()
        return " ".join(self.words(rnd, lang, rnd.randint(3, 6))).capitalize()

    def description(self, rnd: random.Random, lang: str = "nb") -> str:
        return " ".join(self.words(rnd, lang, rnd.randint(8, 20)))

    def queries(self, rnd: random.Random, n: int, prefix: bool) -> list[str]:
        """1–3 distinct words of a title drawn like the records' titles (a new draw, not an existing
        record's title: the words are as frequent as in titles); with ``prefix`` the last word is cut
        to a prefix*."""
        out = []
        while len(out) < n:
            words = list(dict.fromkeys(self.title(rnd, rnd.choice(("nb", "en"))).lower().split()))
            words = rnd.sample(words, min(len(words), rnd.randint(1, 3)))
            if prefix:
                words[-1] = words[-1][: max(3, len(words[-1]) // 2)] + "*"
            out.append(" ".join(words))
        return out


def _unique(words: list[str]) -> list[str]:
    return list(dict.fromkeys(w.lower() if not w[0].isupper() else w for w in words))


def _zipf_cumulative(n: int, s: float = 1.0) -> list[float]:
    return list(itertools.accumulate(1 / rank ** s for rank in range(1, n + 1)))
