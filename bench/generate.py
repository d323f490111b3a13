"""A realistic debate record file of any size, for bench/scale.py: written as a stream.

The shape follows what field teams record (deterministic for a given --seed):

- debate sizes long-tailed (log-normal): most a few dozen statements, a few several
  hundred; every one of the 34 provinces, unevenly (Kabul and Herat far more than Nuristan);
- about one topic per 20 debates, each with 2-4 positions;
- a long tail of speakers: each debate draws its panel from a Zipf distribution over all
  participants, so a few speak thousands of times and most a handful; most participants
  are role-only or anonymous; some statements have no known speaker;
- English texts from a vocabulary with a Zipf-like word distribution (common words such
  as "people" and rare ones that occur a few times in the whole file), a quarter of the
  statements with the Dari or Pashto words as spoken (real words, a small vocabulary);
- a few reports featuring quotes of published debates.

Only one debate's statements are in memory at a time: a million statements take no more
memory than a thousand. ``write_record`` returns a ``Manifest``: what the file holds,
for choosing the pages to measure (the debate closest to 500 statements, the busiest named
speaker, a common and a rare word...).

    .venv/bin/python bench/generate.py --statements 100000 --seed 1 /tmp/scale.json
"""

import argparse
import functools
import importlib
import itertools
import json
import math
import random
import sys
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# The project's own list of provinces (code, English name, Dari name) and their slugs.
_provinces = importlib.import_module("debates.migrations.0002_provinces_of_afghanistan")
PROVINCES = _provinces.PROVINCES
province_slug = _provinces.slugify_name

FORMAT = "debate-record/1"


def words(text):
    return text.split()


STANCES = ["for", "against", "mixed", "neutral"]
# The most populous provinces first: debates are spread over provinces by this rank.
BUSY_PROVINCES = ["AF-KAB", "AF-HER", "AF-BAL", "AF-NAN", "AF-KAN", "AF-KDZ", "AF-GHA"]

# Content words, most frequent first (a Zipf rank each); the search benchmarks use the
# first ones as common words.
ENGLISH = words(
    """
people government women peace security province education rights children young
community elders council future country war work schools girls law justice leaders
corruption talks elections water land district village health economy jobs Taliban
religion mosque scholars culture trust freedom media family families neighbours refugees
returnees farmers agriculture roads electricity hospital teachers students university
police army border poverty unemployment drought migration help support decision
responsibility participation representation dialogue negotiation ceasefire agreement
constitution parliament ministry budget aid donors projects development reconstruction
markets trade prices wheat opium livestock irrigation canal dam clinic doctors medicine
vaccination disability widows orphans marriage dowry inheritance property courts judges
mediation jirga shura tribes ethnicity language Dari Pashto Uzbek Hazara Tajik Pashtun
unity discrimination violence threats kidnapping checkpoints roadside bombs landmines
militia commanders warlords accountability transparency audit contracts bribes officials
governor mayor municipality taxes customs revenue smuggling Pakistan Iran Russia China
India America Europe neighbourhood alliance sanctions diplomacy embassy visas passports
exile diaspora radio television newspaper journalists internet phones cinema music sport
cricket football volunteers organisations activists lawyers engineers nurses midwives
mothers fathers brothers sisters youth generation memory history heritage Bamyan Buddhas
minarets
"""
)
FUNCTION_WORDS = words("the and of to in we our they must will not is are for with that this")
# Syllables of the rare words: place and family names nobody else uses, spelled to look
# Afghan; each index gives one word, so there are as many as needed, all distinct.
SYLLABLES = words("ka ra zai gul khan dar bad sha mir aba ghor yar naw qal pur sang tak jan")
RARE_WORDS = 60_000

DARI = words(
    """
مردم صلح امنیت زنان حکومت آموزش حقوق ولایت جوانان مکتب دختران آینده کار قانون عدالت فساد
انتخابات مذاکره جنگ اقتصاد زمین آب کشاورزی بیکاری مهاجرت پناهنده صحت شفاخانه راه برق
طالبان روسیه همسایه پاکستان ایران اعتماد شورا ولسوالی قریه مسجد علما فرهنگ زبان آزادی
رسانه خبرنگار تبعیض مشارکت تصمیم مسئولیت کشور افغانستان ملت وحدت کمک خارجی سیاست مشکل
گفتگو
"""
)
DARI_FUNCTION_WORDS = words("ما باید است و در از با برای این که را هم نه")
PASHTO = words(
    """
خلک سوله امنیت ښځې حکومت ښوونځی حقونه ولایت ځوانان نجونې راتلونکی کار قانون عدالت فساد
ټاکنې جګړه اقتصاد ځمکه اوبه کرنه بېکاري کډوالي روغتیا روغتون سړک برېښنا طالبان روسیه
ګاونډی پاکستان باور شورا ولسوالي کلی جومات علماء کلتور ژبه آزادي رسنۍ خبریال ګډون پرېکړه
مسؤلیت هېواد افغانستان ملت یووالی مرسته بهرني سیاست ستونزه خبرې
"""
)
PASHTO_FUNCTION_WORDS = words("موږ باید غواړو دی او په له سره لپاره دا چې هم نه")

FIRST_NAMES = words(
    """
Ahmad Mohammad Abdul Fatima Zahra Maryam Hamid Karim Nasrin Shabnam Farid Wahid Zarghuna
Malalai Habiba Rahim Najib Sima Roya Laila Yusuf Bashir Nadia Parwin Gulalai Sohail
Jawad Homa Freshta Mirwais Zalmai Shukria Latifa Qadir Aziz Samira Hasina Khalid Tariq
Mariam
"""
)
FEMALE = set(
    words(
        """
Fatima Zahra Maryam Nasrin Shabnam Zarghuna Malalai Habiba Sima Roya Laila Nadia Parwin
Gulalai Homa Freshta Shukria Latifa Samira Hasina Mariam
"""
    )
)
FAMILY_NAMES = words(
    """
Ahmadi Rahimi Karimi Hashimi Popal Barakzai Durrani Stanikzai Noori Sultani Amiri
Haidari Sadat Wardak Mohammadi Safi Yousufzai Niazi Jalali Hakimi Kakar Rasuli Sharifi
Azizi Qaderi
"""
)
# Roles, the commonest first (an audience member speaks up in most debates).
ROLES = [
    "audience member",
    "civil society activist",
    "provincial council member",
    "teacher",
    "student",
    "religious scholar",
    "tribal elder",
    "women's rights activist",
    "farmer",
    "shopkeeper",
    "journalist",
    "university lecturer",
    "health worker",
    "youth representative",
    "lawyer",
    "returnee",
    "district official",
    "businesswoman",
]
TOPIC_SUBJECTS = [
    "peace talks with the Taliban",
    "girls' education",
    "an alliance with Russia",
    "corruption in the courts",
    "water rights on the river",
    "jobs for returnees",
    "women's work outside the home",
    "the elections",
    "land disputes",
    "the role of elders",
    "health care in the districts",
    "drought and migration",
]
PROGRAMMES = [
    ("voices-for-peace", "Voices for Peace"),
    ("women-speak", "Women Speak"),
    ("provincial-dialogues", "Provincial Dialogues"),
    ("youth-forum", "Youth Forum"),
]

# The mix the brief and the field teams report.
ATTRIBUTIONS = [("named", 0.20), ("role", 0.45), ("anonymous", 0.35)]
ORIGINAL_SHARE = 0.25  # statements with the words as spoken
PASHTO_SHARE = 0.4  # of those, in Pashto (the rest in Dari)
UNKNOWN_SPEAKER_SHARE = 0.04
KEYED_SHARE = 0.5  # statements with a key (reports can only quote those)
WITHHELD_SHARE = 0.005


def zipf_weights(count, exponent=1.0):
    """Cumulative weights of ranks 1..count with weight 1/rank**exponent."""
    return list(itertools.accumulate(1 / (rank**exponent) for rank in range(1, count + 1)))


class Zipf:
    """Draws items with a Zipf-like distribution over their order (the first commonest).

    A table of TABLE_SIZE quantiles makes a draw one uniform index, not a bisection: a
    million statements are 45 million words. Items rarer than 1/TABLE_SIZE still appear,
    at the resolution of one slot."""

    TABLE_SIZE = 1 << 20

    def __init__(self, items, exponent=1.0):
        self.items = items
        cumulative = zipf_weights(len(items), exponent)
        total = cumulative[-1]
        size = self.TABLE_SIZE if len(items) > 1000 else 1 << 14
        self.table = []
        for item, upto in zip(items, cumulative, strict=True):
            self.table.extend([item] * (round(upto / total * size) - len(self.table)))

    def draw(self, rng):
        return self.draws(rng, 1)[0]

    def draws(self, rng, count):
        return rng.choices(self.table, k=count)


def rare_word(index):
    """The index-th rare word: its digits in base len(SYLLABLES), as syllables."""
    syllables = []
    index += len(SYLLABLES) ** 2  # at least three syllables: never an English word
    while index:
        index, digit = divmod(index, len(SYLLABLES))
        syllables.append(SYLLABLES[digit])
    return "".join(reversed(syllables))


def debate_sizes(statements, rng):
    """Sizes adding up to ``statements``: log-normal, median 35, from 3 to 900."""
    sizes = []
    left = statements
    while left > 0:
        size = min(900, max(3, round(rng.lognormvariate(math.log(35), 1.0))))
        size = min(size, left)
        if 0 < left - size < 3:
            size = left  # no debate of one or two statements at the end
        sizes.append(size)
        left -= size
    return sizes


@functools.cache
def vocabularies():
    """English, Dari and Pashto words to draw from (the same for every file: built once).

    Function words are the commonest of all, as in any text."""
    return (
        Zipf(FUNCTION_WORDS + ENGLISH + [rare_word(i) for i in range(RARE_WORDS)]),
        Zipf(DARI_FUNCTION_WORDS + DARI),
        Zipf(PASHTO_FUNCTION_WORDS + PASHTO),
    )


@dataclass
class DebateInfo:
    slug: str
    statements: int
    province: str  # code
    published: bool


@dataclass
class Manifest:
    """What a generated file holds, for choosing pages and for checking its shape."""

    statements: int = 0
    debates: list = field(default_factory=list)  # DebateInfo as dicts
    topics: dict = field(default_factory=dict)  # slug: published debates
    provinces: dict = field(default_factory=dict)  # code: published debates
    participants: dict = field(default_factory=dict)  # attribution: participants
    participant_provinces: int = 0
    speaker_statements: dict = field(default_factory=dict)  # attribution: statements
    unknown_speaker_statements: int = 0
    named_speakers: dict = field(default_factory=dict)  # slug: published statements
    originals: dict = field(default_factory=dict)  # language: statements
    reports: list = field(default_factory=list)
    common_word: str = ""
    rare_word: str = ""
    rare_word_count: int = 0
    two_words: str = ""
    dari_word: str = ""

    def debate_closest_to(self, size):
        published = [d for d in self.debates if d["published"]]
        return min(published, key=lambda d: (abs(d["statements"] - size), d["slug"]))

    def busiest(self, counts):
        return max(sorted(counts), key=counts.get)

    def busiest_named_speaker(self):
        return self.busiest(self.named_speakers) if self.named_speakers else None

    def save(self, path):
        path.write_text(json.dumps(asdict(self)), encoding="utf-8")

    @classmethod
    def load(cls, path):
        return cls(**json.loads(path.read_text(encoding="utf-8")))


class Writer:
    """Writes the top level of a file one object at a time."""

    def __init__(self, out):
        self.out = out
        self.lists = 0
        self.items = 0

    def start(self):
        self.out.write('{"format": ' + json.dumps(FORMAT))

    def begin_list(self, name):
        self.out.write(f',\n"{name}": [')
        self.items = 0

    def item(self, obj):
        self.out.write(",\n" if self.items else "\n")
        self.out.write(json.dumps(obj, ensure_ascii=False))
        self.items += 1

    def end_list(self):
        self.out.write("\n]")

    def finish(self):
        self.out.write("}\n")


class Generator:
    def __init__(self, statements, seed):
        self.rng = random.Random(seed)
        self.statements = statements
        self.sizes = debate_sizes(statements, self.rng)
        self.manifest = Manifest(statements=statements)
        self.words = Counter()
        self.english, self.dari, self.pashto = vocabularies()
        # Provinces: the busy ones first, then the rest in a fixed shuffled order.
        rest = sorted(code for code, _, _ in PROVINCES if code not in BUSY_PROVINCES)
        self.rng.shuffle(rest)
        self.province_order = BUSY_PROVINCES + rest
        self.provinces = Zipf(self.province_order, 0.9)
        self.names = {code: name for code, name, _ in PROVINCES}

    # --- The lists before the debates ---------------------------------------------------

    def topics(self):
        count = max(1, len(self.sizes) // 20)
        topics = []
        for t in range(count):
            subject = TOPIC_SUBJECTS[t % len(TOPIC_SUBJECTS)]
            stances = self.rng.sample(STANCES, self.rng.randint(2, 4))
            topics.append(
                {
                    "slug": f"topic-{t + 1}",
                    "title": f"{subject[0].upper()}{subject[1:]} ({t + 1})",
                    "question": f"Should Afghans support {subject}?",
                    "positions": [
                        {"slug": stance, "label": f"{stance.capitalize()}", "stance": stance}
                        for stance in stances
                    ],
                }
            )
        return topics

    def participants(self):
        count = max(40, self.statements // 40)
        people = []
        for p in range(count):
            first = self.rng.choice(FIRST_NAMES)
            family = self.rng.choice(FAMILY_NAMES)
            attribution = self.rng.choices(
                [a for a, _ in ATTRIBUTIONS], [w for _, w in ATTRIBUTIONS]
            )[0]
            # Every province has participants; then as many as its debates.
            province = (
                self.province_order[p] if p < len(PROVINCES) else self.provinces.draw(self.rng)
            )
            person = {
                "slug": f"{first}-{family}-{p + 1}".lower(),
                "name": f"{first} {family}",
                "role": ROLES[min(int(self.rng.expovariate(0.35)), len(ROLES) - 1)],
                "province": province,
                "attribution": attribution,
            }
            if self.rng.random() < 0.8:
                person["gender"] = "female" if first in FEMALE else "male"
            if attribution == "named":
                person["consent"] = {"given_on": "2024-01-15", "how": "in_person"}
            people.append(person)
        return people

    # --- Texts --------------------------------------------------------------------------

    def english_text(self):
        words = self.english.draws(self.rng, self.rng.randint(10, 80))
        self.words.update(words)
        sentences = [" ".join(words[i : i + 12]) for i in range(0, len(words), 12)]
        return " ".join(f"{s[0].upper()}{s[1:]}." for s in sentences)

    def original_text(self, language):
        vocabulary = self.dari if language == "fa-AF" else self.pashto
        words = vocabulary.draws(self.rng, self.rng.randint(8, 50))
        return " ".join(words) + "."

    # --- Debates ------------------------------------------------------------------------

    def debate(self, index, size, topics, speakers, report_keys):
        rng = self.rng
        province = (
            self.province_order[index] if index < len(PROVINCES) else self.provinces.draw(rng)
        )
        status = rng.choices(["published", "review", "draft"], [0.95, 0.03, 0.02])[0]
        published = status == "published"
        year, month, day = rng.randint(2014, 2025), rng.randint(1, 12), rng.randint(1, 28)
        slug = f"{province_slug(self.names[province])}-{year}-{month:02d}-{index + 1}"
        topic = topics.draw(rng) if rng.random() < 0.9 else None
        panel = [speakers.draw(rng) for _ in range(min(30, max(2, size // 6 + 2)))]
        debate = {
            "slug": slug,
            "title": (
                f"{topic['title']} in {self.names[province]}"
                if topic
                else f"Open debate in {self.names[province]}"
            ),
            "province": province,
            "held_on": f"{year}-{month:02d}-{day:02d}",
            "programme": PROGRAMMES[index % len(PROGRAMMES)][0],
            "moderator": panel[0]["slug"],
            "attendance": {
                "total": (total := rng.randint(20, 300)),
                "women": rng.randint(0, total),
            },
            "summary": self.english_text(),
            "status": status,
        }
        if rng.random() < 0.05:
            debate["held_on_precision"] = "month"
        if topic:
            debate["topic"] = topic["slug"]
        statements = []
        for s in range(size):
            speaker = None if rng.random() < UNKNOWN_SPEAKER_SHARE else rng.choice(panel)
            statement = {
                **({"key": f"{slug}-{s + 1}"} if rng.random() < KEYED_SHARE else {}),
                **({"speaker": speaker["slug"]} if speaker else {}),
            }
            if topic and rng.random() < 0.7:
                statement["position"] = rng.choice(topic["positions"])["slug"]
            statement["kind"] = "quote" if rng.random() < 0.6 else "paraphrase"
            statement["text"] = self.english_text()
            if rng.random() < ORIGINAL_SHARE:
                language = "ps" if rng.random() < PASHTO_SHARE else "fa-AF"
                statement["original_text"] = self.original_text(language)
                statement["original_language"] = language
                self.manifest.originals[language] = self.manifest.originals.get(language, 0) + 1
            withheld = rng.random() < WITHHELD_SHARE
            if withheld:
                statement["withheld"] = True
            elif published and "key" in statement and index in report_keys:
                report_keys[index].append(statement["key"])
            statements.append(statement)
            self.count_speaker(speaker, published and not withheld)
        debate["statements"] = statements
        self.manifest.debates.append(asdict(DebateInfo(slug, size, province, published)))
        if published:
            self.manifest.provinces[province] = self.manifest.provinces.get(province, 0) + 1
            if topic:
                self.manifest.topics[topic["slug"]] = self.manifest.topics.get(topic["slug"], 0) + 1
        return debate

    def count_speaker(self, speaker, public):
        counts = self.manifest.speaker_statements
        if speaker is None:
            self.manifest.unknown_speaker_statements += 1
            return
        counts[speaker["attribution"]] = counts.get(speaker["attribution"], 0) + 1
        if public and speaker["attribution"] == "named":
            named = self.manifest.named_speakers
            named[speaker["slug"]] = named.get(speaker["slug"], 0) + 1

    # --- The whole file -----------------------------------------------------------------

    def write(self, out):
        writer = Writer(out)
        writer.start()
        writer.begin_list("programmes")
        for slug, name in PROGRAMMES:
            writer.item({"slug": slug, "name": name, "started_on": "2014-01-01"})
        writer.end_list()
        topics = self.topics()
        writer.begin_list("topics")
        for topic in topics:
            writer.item(topic)
        writer.end_list()
        people = self.participants()
        writer.begin_list("participants")
        for person in people:
            writer.item(person)
        writer.end_list()
        manifest = self.manifest
        for person in people:
            manifest.participants[person["attribution"]] = (
                manifest.participants.get(person["attribution"], 0) + 1
            )
        manifest.participant_provinces = len({person["province"] for person in people})

        # A few reports, each on 1-3 debates; their quotes are collected while writing.
        report_count = max(2, len(self.sizes) // 200)
        report_debates = [
            sorted(
                self.rng.sample(
                    range(len(self.sizes)), min(len(self.sizes), self.rng.randint(1, 3))
                )
            )
            for _ in range(report_count)
        ]
        report_keys = {index: [] for debates in report_debates for index in debates}
        slugs = {}
        writer.begin_list("debates")
        topic_draw, speaker_draw = Zipf(topics, 0.8), Zipf(people, 1.0)
        for index, size in enumerate(self.sizes):
            debate = self.debate(index, size, topic_draw, speaker_draw, report_keys)
            slugs[index] = (debate["slug"], debate["status"] == "published")
            writer.item(debate)
        writer.end_list()

        writer.begin_list("reports")
        for r, debates in enumerate(report_debates):
            published = [i for i in debates if slugs[i][1]]
            if not published:
                continue
            quotes = [key for i in published for key in report_keys[i][:2]]
            slug = f"report-{r + 1}"
            writer.item(
                {
                    "slug": slug,
                    "headline": f"What {len(published)} debates said ({r + 1})",
                    "standfirst": "Voices from the provinces.",
                    "body": f"{self.english_text()}\n\n{self.english_text()}",
                    "published_on": "2025-06-01",
                    "status": "published",
                    "debates": [slugs[i][0] for i in published],
                    "quotes": quotes,
                }
            )
            manifest.reports.append(slug)
        writer.end_list()
        writer.finish()
        self.choose_words()
        return manifest

    def choose_words(self):
        manifest = self.manifest
        common = [w for w in ENGLISH if w.islower()]
        manifest.common_word = common[0]
        manifest.two_words = f"{common[0]} {common[2]}"
        # The rarest word still found: one that occurs 2 to 5 times, else the rarest.
        rare = [w for w, n in self.words.items() if w not in ENGLISH and w not in FUNCTION_WORDS]
        few = sorted((w for w in rare if 2 <= self.words[w] <= 5), key=lambda w: (self.words[w], w))
        manifest.rare_word = few[0] if few else min(rare, key=lambda w: (self.words[w], w))
        manifest.rare_word_count = self.words[manifest.rare_word]
        manifest.dari_word = DARI[1]  # صلح, peace: common, but not the commonest


def write_record(path, statements, seed=1):
    """Write a file of ``statements`` statements to ``path``; return its Manifest."""
    with open(path, "w", encoding="utf-8") as out:
        return Generator(statements, seed).write(out)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--statements", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("file", type=Path)
    args = parser.parse_args(argv)
    manifest = write_record(args.file, args.statements, args.seed)
    manifest.save(args.file.with_suffix(".manifest.json"))
    print(
        f"{args.file}: {manifest.statements:,} statements in {len(manifest.debates):,} debates, "
        f"{args.file.stat().st_size / 2**20:.1f} MiB"
    )


if __name__ == "__main__":
    main()
