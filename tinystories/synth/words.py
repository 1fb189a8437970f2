"""The vocabulary of the built-in stories: words a 3-4 year old knows, written here, with what a renderer needs to
use each one correctly (a verb's inflections and how it takes an object, a name's pronouns, a place's
preposition). Each list runs from the most common words to the least, so a `vocab_fraction` below 1 keeps the
commonest share (the breadth knob).
"""

from __future__ import annotations

import math
from dataclasses import dataclass


def _split(text: str) -> list[str]:
    """Words separated by whitespace; `_` joins a two-word entry (teddy_bear). Repeats are dropped."""
    return list(dict.fromkeys(w.replace("_", " ") for w in text.split()))


@dataclass(frozen=True)
class Verb:
    base: str
    past: str
    kind: str  # "act": stands alone (dance); "obj": takes a thing (throw the ball); "who": takes a being (hug Tom)
    double: bool = False  # doubles its last consonant before -ing (run -> running)

    @property
    def ing(self) -> str:
        b = self.base
        if self.double:
            return b + b[-1] + "ing"
        if b.endswith("ie"):
            return b[:-2] + "ying"
        if b.endswith("e") and not b.endswith(("ee", "oe", "ye")):
            return b[:-1] + "ing"
        return b + "ing"


def _verbs(kind: str, text: str) -> list[Verb]:
    out = []
    for item in _split(text):
        base, past = item.split(":")
        out.append(Verb(base, past.rstrip("!"), kind, past.endswith("!")))
    return out


# "base:past", "!" marks a doubled consonant before -ing.
ACT_VERBS = _verbs(
    "act",
    """play:played jump:jumped run:ran! dance:danced sing:sang swim:swam! climb:climbed skip:skipped! hop:hopped!
    laugh:laughed draw:drew paint:painted read:read bake:baked cook:cooked explore:explored splash:splashed
    spin:spun! twirl:twirled race:raced march:marched whistle:whistled giggle:giggled wiggle:wiggled
    crawl:crawled roll:rolled slide:slid swing:swung skate:skated sail:sailed fly:flew float:floated dig:dug!
    hum:hummed! clap:clapped! nap:napped! rest:rested shout:shouted wave:waved stretch:stretched bounce:bounced
    tiptoe:tiptoed wander:wandered dream:dreamed sparkle:sparkled shine:shone glow:glowed count:counted
    write:wrote build:built garden:gardened fish:fished camp:camped hike:hiked ride:rode paddle:paddled
    sneeze:sneezed yawn:yawned smile:smiled shiver:shivered pretend:pretended practice:practiced listen:listened
    learn:learned wait:waited search:searched sleep:slept sit:sat! stomp:stomped! scream:screamed cheer:cheered
    bow:bowed jog:jogged! peek:peeked kneel:knelt""",
)
OBJ_VERBS = _verbs(
    "obj",
    """find:found hold:held throw:threw kick:kicked catch:caught carry:carried share:shared fix:fixed
    wash:washed hide:hid build:built push:pushed pull:pulled shake:shook open:opened clean:cleaned drop:dropped!
    bring:brought borrow:borrowed paint:painted fold:folded! wrap:wrapped! lift:lifted squeeze:squeezed
    touch:touched taste:tasted smell:smelled bend:bent break:broke stack:stacked sort:sorted color:colored
    decorate:decorated polish:polished pack:packed fill:filled empty:emptied trade:traded mend:mended
    toss:tossed grab:grabbed! drag:dragged! tug:tugged! kiss:kissed keep:kept lose:lost spill:spilled
    bury:buried collect:collected count:counted test:tested measure:measured cut:cut! stir:stirred! pour:poured
    sew:sewed knit:knitted! blow:blew buy:bought sell:sold show:showed give:gave lend:lent save:saved
    chase:chased""",
)
WHO_VERBS = _verbs(
    "who",
    """hug:hugged help:helped visit:visited chase:chased feed:fed watch:watched follow:followed tickle:tickled
    call:called thank:thanked greet:greeted comfort:comforted cheer:cheered teach:taught meet:met invite:invited
    surprise:surprised find:found carry:carried pet:petted! wake:woke protect:protected rescue:rescued
    forgive:forgave trust:trusted miss:missed tease:teased scare:scared ask:asked hear:heard""",
)
VERBS = ACT_VERBS + OBJ_VERBS + WHO_VERBS

# Things a child can hold, lose, give away or share.
TOYS = _split(
    """ball kite doll teddy_bear car truck train boat puzzle block drum whistle yo-yo top robot balloon
    crayon marble jump_rope puppet rattle wagon sled scooter bike kazoo horn trumpet xylophone toy_plane rocket
    toy_dinosaur dollhouse bucket shovel frisbee jigsaw bubble_wand spinner pinwheel toy_castle"""
)
FOODS = _split(
    """apple cake cookie banana pie candy sandwich carrot cheese bread soup pizza cupcake muffin pear grape
    orange lemon cherry berry strawberry peach plum melon watermelon corn pea potato tomato egg pancake waffle
    noodle lollipop popcorn pretzel cracker donut biscuit jelly honey jam yogurt ice_cream pudding butter
    cereal toast bagel pumpkin acorn nut"""
)
OBJECTS = _split(
    """hat box book cup bowl spoon shoe sock coat scarf mitten glove boot bag basket blanket pillow brush comb
    mirror clock key lamp bell ring necklace bracelet crown button ribbon bow flag map letter card gift
    present picture photo sticker stamp coin pencil pen paper notebook chalk glue tape string rope net jar
    bottle bucket cup plate fork napkin towel soap sponge umbrella raincoat tent chair stool ladder hammer
    nail saw wheel wire fan candle flashlight lantern camera phone radio guitar piano violin flute harp
    shell rock stone pebble leaf stick feather flower seed pinecone twig crystal gem jewel treasure bone
    sandcastle snowball snowman kettle pot pan teapot vase medal trophy badge bandage backpack wallet
    purse apron mask cape wig belt tie jacket sweater dress skirt shirt pants sandal slipper helmet"""
)
ANIMALS = _split(
    """cat dog bird bunny frog duck bear fox mouse owl pig lion puppy kitten horse cow sheep goat chicken hen
    rabbit squirrel turtle fish bee butterfly ladybug snail worm ant spider deer elephant monkey giraffe zebra
    tiger dolphin whale seal penguin crab octopus shark kangaroo koala panda parrot swan goose pony lamb
    hedgehog raccoon beaver otter bat crow robin dragon unicorn"""
)
PLACES = [
    tuple(p.split(":"))
    for p in _split(
        """park:in forest:in garden:in house:in beach:at farm:on town:in school:at hill:on lake:by
        meadow:in field:in playground:at zoo:at river:by pond:by yard:in kitchen:in barn:in woods:in
        village:in castle:in store:at library:at jungle:in cave:in island:on mountain:on valley:in
        desert:in city:in bakery:at market:at orchard:in harbor:at"""
    )
]

# Adjectives for things (a shiny ball) and for beings (a brave girl).
THING_ADJECTIVES = _split(
    """big small little red blue green yellow pink purple orange shiny soft hard round long tiny huge old new
    pretty funny fluffy sparkly bright dark warm cold wet dry heavy light smooth bumpy sticky fuzzy striped
    spotted golden silver wooden muddy dirty clean sweet sour tasty yummy juicy crunchy fancy plain special
    magic strange colorful noisy quiet broken empty full tall short fast slow smelly crispy squishy
    slippery sharp lovely beautiful ugly spooky tidy messy bouncy cozy fresh stinky wobbly"""
)
BEING_ADJECTIVES = _split(
    """happy sad brave kind shy curious friendly grumpy sleepy hungry thirsty tired excited scared lonely proud
    silly clever careful careless gentle polite rude bossy busy calm angry cheerful helpful honest jolly lazy
    naughty nervous patient playful quiet stubborn wise"""
)
ADJECTIVES = THING_ADJECTIVES + [a for a in BEING_ADJECTIVES if a not in THING_ADJECTIVES]

GIRL_NAMES = _split(
    """Lily Mia Sue Anna Lucy Emma Zoe Amy Sara Lila Ella Rose Kate Jane Molly Daisy Sophie Chloe Ava Grace
    Ruby Nora Ivy Mila Hannah Julia Kitty Polly Rosie Tina Ellie Maya Lola Abby Jenny Bella Nina Mary Sally
    Fiona"""
)
BOY_NAMES = _split(
    """Tom Ben Max Sam Tim Jack Leo Bob Jake Timmy Tommy Billy Joe Dan Mark Luke Ned Pete Ollie Finn Noah
    Henry Oscar Theo Eli Ryan Jimmy Adam Alex Bobby Charlie Danny Eddie Frank George Harry Jon Kevin Leon
    Milo"""
)
PLACE_ADJECTIVES = _split(
    """big small little old pretty quiet sunny green lovely beautiful noisy busy cozy dark bright warm cold
    huge tiny new"""
)
CLOTHES = _split("hat coat scarf boots dress shirt sweater jacket cape raincoat mittens socks")
# Foods and stuff one does not count: "some soup", not "a soup".
MASS_NOUNS = set(
    _split(
        """soup bread cheese honey jam yogurt butter cereal toast popcorn candy ice_cream pudding corn jelly
        paper chalk glue tape soap"""
    )
)

FEATURES = ("Dialogue", "BadEnding", "MoralValue", "Twist", "Foreshadowing", "Conflict")


@dataclass(frozen=True)
class Vocabulary:
    """The words in use: a prefix of each list, `fraction` of it (at least a few words each)."""

    verbs: list[Verb]
    toys: list[str]
    foods: list[str]
    objects: list[str]
    animals: list[str]
    places: list[tuple[str, str]]
    thing_adjectives: list[str]
    being_adjectives: list[str]
    girls: list[str]
    boys: list[str]

    @classmethod
    def with_fraction(cls, fraction: float = 1.0) -> Vocabulary:
        if not 0 < fraction <= 1:
            raise ValueError(f"vocab_fraction={fraction} must be in (0, 1]")

        def cut(words: list, at_least: int = 4) -> list:
            return list(words[: max(at_least, math.ceil(fraction * len(words)))])

        verbs = cut(ACT_VERBS) + cut(OBJ_VERBS) + cut(WHO_VERBS)
        return cls(
            verbs=verbs,
            toys=cut(TOYS),
            foods=cut(FOODS),
            objects=cut(OBJECTS),
            animals=cut(ANIMALS),
            places=cut(PLACES),
            thing_adjectives=cut(THING_ADJECTIVES),
            being_adjectives=cut(BEING_ADJECTIVES),
            girls=cut(GIRL_NAMES, 6),
            boys=cut(BOY_NAMES, 6),
        )

    @property
    def things(self) -> list[str]:
        return self.toys + self.foods + self.objects

    @property
    def nouns(self) -> list[str]:
        return self.things + self.animals + [p for p, _ in self.places]

    @property
    def adjectives(self) -> list[str]:
        return self.thing_adjectives + [a for a in self.being_adjectives if a not in self.thing_adjectives]


def plural(noun: str) -> str:
    irregular = {
        "mouse": "mice",
        "sheep": "sheep",
        "fish": "fish",
        "deer": "deer",
        "goose": "geese",
        "tooth": "teeth",
        "foot": "feet",
        "child": "children",
        "leaf": "leaves",
        "wolf": "wolves",
    }
    head, _, last = noun.rpartition(" ")
    if last in MASS_NOUNS:
        return noun  # "liked soup", not "soups"
    if last in irregular:
        out = irregular[last]
    elif last.endswith(("s", "sh", "ch", "x", "z")) or last in ("tomato", "potato", "volcano"):
        out = last + "es"
    elif last.endswith("y") and last[-2] not in "aeiou":
        out = last[:-1] + "ies"
    else:
        out = last + "s"
    return f"{head} {out}" if head else out


def article(word: str) -> str:
    """`a` or `an` for the sound the word starts with; `some` for a mass noun."""
    if word.rpartition(" ")[2] in MASS_NOUNS:
        return "some"
    first = word.split(" ")[0].lower()
    if first.startswith(("uni", "use", "eu", "one")):
        return "a"
    if first.startswith("hour") or first[0] in "aeiou":
        return "an"
    return "a"
