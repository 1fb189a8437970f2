"""The vocabulary of the built-in stories: words a 3-4 year old knows, written here, with what a renderer needs to
use each one correctly (a verb's inflections and how it takes an object, a name's pronouns, a place's
preposition). Each list runs from the most common words to the least, so a `vocab_fraction` below 1 keeps the
commonest share (the breadth knob).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property


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
    learn:learned wait:waited search:searched sleep:slept sit:sat! stomp:stomped scream:screamed cheer:cheered
    bow:bowed jog:jogged! peek:peeked kneel:knelt
    blink:blinked nod:nodded! wink:winked sniff:sniffed hurry:hurried tumble:tumbled waddle:waddled
    scamper:scampered doodle:doodled snore:snored juggle:juggled gallop:galloped zoom:zoomed dive:dove
    wobble:wobbled sway:swayed knock:knocked hide:hid giggle:giggled""",
)
OBJ_VERBS = _verbs(
    "obj",
    """find:found hold:held throw:threw kick:kicked catch:caught carry:carried share:shared fix:fixed
    wash:washed hide:hid build:built push:pushed pull:pulled shake:shook open:opened clean:cleaned drop:dropped!
    bring:brought borrow:borrowed paint:painted fold:folded wrap:wrapped! lift:lifted squeeze:squeezed
    touch:touched taste:tasted smell:smelled bend:bent break:broke stack:stacked sort:sorted color:colored
    decorate:decorated polish:polished pack:packed fill:filled empty:emptied trade:traded mend:mended
    toss:tossed grab:grabbed! drag:dragged! tug:tugged! kiss:kissed keep:kept lose:lost spill:spilled
    bury:buried collect:collected count:counted test:tested measure:measured cut:cut! stir:stirred! pour:poured
    sew:sewed knit:knitted! blow:blew buy:bought sell:sold show:showed give:gave lend:lent save:saved
    chase:chased wipe:wiped dust:dusted hang:hung tie:tied unwrap:unwrapped! tap:tapped! rub:rubbed!
    paint:painted sniff:sniffed""",
)
WHO_VERBS = _verbs(
    "who",
    """hug:hugged! help:helped visit:visited chase:chased feed:fed watch:watched follow:followed tickle:tickled
    call:called thank:thanked greet:greeted comfort:comforted cheer:cheered teach:taught meet:met invite:invited
    surprise:surprised find:found carry:carried pet:petted! wake:woke protect:protected rescue:rescued
    forgive:forgave trust:trusted miss:missed tease:teased scare:scared ask:asked hear:heard
    cuddle:cuddled brush:brushed bathe:bathed race:raced""",
)
VERBS = ACT_VERBS + OBJ_VERBS + WHO_VERBS

# Things a child can hold, lose, give away or share.
TOYS = _split(
    """ball kite doll teddy_bear car truck train boat puzzle block drum whistle yo-yo top robot balloon
    crayon marble jump_rope puppet rattle wagon sled scooter bike kazoo horn trumpet xylophone toy_plane rocket
    toy_dinosaur dollhouse bucket shovel frisbee jigsaw bubble_wand spinner pinwheel toy_castle
    rubber_duck beach_ball paper_plane slinky hula_hoop play_dough toy_drum music_box toy_piano"""
)
FOODS = _split(
    """apple cake cookie banana pie candy sandwich carrot cheese bread soup pizza cupcake muffin pear grape
    orange lemon cherry berry strawberry peach plum melon watermelon corn pea potato tomato egg pancake waffle
    noodle lollipop popcorn pretzel cracker donut biscuit jelly honey jam yogurt ice_cream pudding butter
    cereal toast bagel pumpkin acorn nut
    blueberry raspberry cucumber meatball pickle coconut kiwi mango apricot marshmallow sausage radish bun
    rice oatmeal broccoli gingerbread dumpling"""
)
OBJECTS = _split(
    """hat box book cup bowl spoon shoe sock coat scarf mitten glove boot bag basket blanket pillow brush comb
    mirror clock key lamp bell ring necklace bracelet crown button ribbon bow flag map letter card gift
    present picture photo sticker stamp coin pencil pen paper notebook chalk glue tape string rope net jar
    bottle bucket cup plate fork napkin towel soap sponge umbrella raincoat tent chair stool ladder hammer
    nail saw wheel wire fan candle flashlight lantern camera phone radio guitar piano violin flute harp
    shell rock stone pebble leaf stick feather flower seed pinecone twig crystal gem jewel treasure bone
    sandcastle snowball snowman kettle pot pan teapot vase medal trophy badge bandage backpack wallet
    purse apron mask cape wig belt tie jacket sweater dress skirt shirt pants sandal slipper helmet
    lunchbox hairbrush toothbrush mug teacup headband rug envelope ticket postcard compass magnet
    paintbrush watering_can sunhat pillowcase thimble locket"""
)
ANIMALS = _split(
    """cat dog bird bunny frog duck bear fox mouse owl pig lion puppy kitten horse cow sheep goat chicken hen
    rabbit squirrel turtle fish bee butterfly ladybug snail worm ant spider deer elephant monkey giraffe zebra
    tiger dolphin whale seal penguin crab octopus shark kangaroo koala panda parrot swan goose pony lamb
    hedgehog raccoon beaver otter bat crow robin dragon unicorn
    camel hippo rhino ostrich flamingo peacock pigeon sparrow woodpecker chipmunk mole toad caterpillar
    dragonfly firefly grasshopper beetle lizard hamster donkey calf chick duckling wolf skunk badger"""
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
    slippery sharp lovely beautiful ugly spooky tidy messy bouncy cozy fresh stinky wobbly gooey chewy
    crinkly glittery rusty dusty shaggy scratchy prickly spiky curly lumpy floppy squeaky creaky soggy frosty"""
)
BEING_ADJECTIVES = _split(
    """happy sad brave kind shy curious friendly grumpy sleepy hungry thirsty tired excited scared lonely proud
    silly clever careful careless gentle polite rude bossy busy calm angry cheerful helpful honest jolly lazy
    naughty nervous patient playful quiet stubborn wise giggly cuddly sneaky chatty cranky fussy greedy lucky
    merry loving caring bold"""
)
ADJECTIVES = THING_ADJECTIVES + [a for a in BEING_ADJECTIVES if a not in THING_ADJECTIVES]

GIRL_NAMES = _split(
    """Lily Mia Sue Anna Lucy Emma Zoe Amy Sara Lila Ella Rose Kate Jane Molly Daisy Sophie Chloe Ava Grace
    Ruby Nora Ivy Mila Hannah Julia Kitty Polly Rosie Tina Ellie Maya Lola Abby Jenny Bella Nina Mary Sally
    Fiona Olivia Amelia Isla Poppy Evie Freya Alice Hazel Holly Willow Violet Clara Stella Luna Penny
    Hope Joy Meg Beth Tess Gemma Jade Kim Lisa Nell Rita Vicky Wendy Alma Bonnie Cora Dora Edie Flora Greta
    Heidi Iris June Lena Mabel Nancy Opal Pearl Queenie Rachel Susie Trixie Una Vera Winnie
    Ada Bea Cleo Daphne Eliza Fay Gina Hattie Ingrid Josie Kara Leah Maisie Nadia Odette Paige Rhea Sadie
    Thea Ursula Yara Zara Annie Elsie Lottie Matilda Millie Nellie Phoebe Priya Rosa Tilly Agnes Esme Gloria
    Harriet Imogen Lydia"""
)
BOY_NAMES = _split(
    """Tom Ben Max Sam Tim Jack Leo Bob Jake Timmy Tommy Billy Joe Dan Mark Luke Ned Pete Ollie Finn Noah
    Henry Oscar Theo Eli Ryan Jimmy Adam Alex Bobby Charlie Danny Eddie Frank George Harry Jon Kevin Leon
    Milo Oliver Jacob Lucas Ethan Owen Liam Jamie Rory Toby Archie Arthur Freddie Louie Reggie Stanley Albert
    Carl Dennis Felix Gus Hugo Ian Jasper Kit Larry Marco Nick Otto Paul Quinn Ralph Simon Teddy Victor
    Walter Zack Benny Buddy Chip Dexter Elliot Gary Howard Ivan Jerry Kenny Lenny Morris Nate Percy Ron
    Abe Barney Cody Dylan Ezra Fred Gil Hank Isaac Jonah Lewis Nico Ozzie Pablo Rex Seth Tyler Vince Wes
    Zeke Alfie Bertie Duncan Elmer Fergus Gordon Harvey Kurt Lionel Murray Neil Oswald Rupert Sid Tobias
    Wilbur Yusuf"""
)
PLACE_ADJECTIVES = _split(
    """big small little old pretty quiet sunny green lovely beautiful noisy busy cozy dark bright warm cold
    huge tiny new"""
)
CLOTHES = _split(
    "hat coat scarf boots dress shirt sweater jacket cape raincoat mittens socks vest shorts sneakers overalls"
)
# Foods and stuff one does not count: "some soup", not "a soup".
MASS_NOUNS = set(
    _split(
        """soup bread cheese honey jam yogurt butter cereal toast popcorn candy ice_cream pudding corn jelly
        paper chalk glue tape soap rice oatmeal broccoli gingerbread play_dough dough cream"""
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

    @cached_property
    def girl_weights(self) -> list[float]:
        return name_weights(len(self.girls))

    @cached_property
    def boy_weights(self) -> list[float]:
        return name_weights(len(self.boys))

    @cached_property
    def things(self) -> list[str]:
        return self.toys + self.foods + self.objects

    @cached_property
    def nouns(self) -> list[str]:
        return self.things + self.animals + [p for p, _ in self.places]

    @cached_property
    def adjectives(self) -> list[str]:
        return self.thing_adjectives + [a for a in self.being_adjectives if a not in self.thing_adjectives]


def name_weights(n: int) -> list[float]:
    """Cumulative weights falling as 1/rank: stories written by a language model come back to a few names again
    and again (a Lily in a large share of them) and use the long tail rarely, and a model trained here should
    expect that. The name lists are in order of how common a name is in children's stories."""
    total, out = 0.0, []
    for rank in range(1, n + 1):
        total += 1 / rank
        out.append(total)
    return out


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
    if last in MASS_NOUNS or noun in MASS_NOUNS:
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
    if word.rpartition(" ")[2] in MASS_NOUNS or word in MASS_NOUNS:
        return "some"
    first = word.split(" ")[0].lower()
    if first.startswith(("uni", "use", "eu", "one")):
        return "a"
    if first.startswith("hour") or first[0] in "aeiou":
        return "an"
    return "a"


# --- the everyday world of the episodes (everyday.py) ----------------------------------------------------------
# Activities by place, as a verb phrase in its base form; `activity_forms` gives its past and -ing forms.
PLACE_ACTIVITIES = {
    "park": """play on the swings|go down the slide|feed the ducks|run on the grass|play catch|fly a kite|
        climb the big tree|roll down the hill|play tag|look for bugs|sit on the bench|jump over the puddles""",
    "beach": """build a sandcastle|look for shells|splash in the waves|dig in the sand|run along the water|
        watch the boats|throw stones into the sea|fly a kite|bury their feet in the sand|look at the crabs""",
    "garden": """water the flowers|dig in the dirt|pick the berries|plant some seeds|look at the bees|
        pull the weeds|smell the roses|chase the butterflies|sit under the apple tree|rake the leaves""",
    "farm": """feed the chickens|pet the cows|ride on the tractor|collect the eggs|brush the horse|
        watch the pigs roll in the mud|jump in the hay|count the sheep|give the goats some grass""",
    "forest": """walk under the tall trees|look for mushrooms|listen to the birds|jump over logs|
        collect pinecones|follow a little path|look for squirrels|build a hut out of sticks""",
    "house": """build a fort out of blankets|play with blocks|read a book|draw pictures|play hide and seek|
        bake cookies|help with the dishes|do a puzzle|dress up|have a tea party""",
    "school": """sing songs|paint pictures|play with clay|read stories|count to ten|learn new words|
        play outside at recess|build a tower of blocks|eat lunch with friends""",
    "pond": """feed the ducks|throw pebbles in the water|look at the frogs|watch the fish swim|
        sail a little boat|sit on the dock|catch tadpoles in a jar""",
    "playground": """go down the slide|play on the swings|climb the monkey bars|play in the sandbox|
        spin on the merry-go-round|play tag|jump rope|ride the seesaw""",
    "zoo": """look at the lions|watch the monkeys swing|feed the goats|see the tall giraffes|
        wave at the elephants|watch the penguins swim|eat ice cream by the bears""",
    "hill": """roll down the grass|fly a kite|look at the town below|race to the top|
        watch the clouds|have a picnic|pick wild flowers""",
    "lake": """swim in the cool water|skip stones|watch the ducks|sit on the dock|go fishing|
        ride in a little boat|splash by the shore""",
    "library": """look at picture books|listen to a story|find a book about dinosaurs|sit on the big cushions|
        read quietly in a corner|pick a book to take home""",
    "market": """push the cart|pick some apples|look at the flowers|buy some bread|count the coins|
        carry the bags|taste a piece of cheese""",
    "pool": """splash in the water|swim with a float|jump in at the shallow end|blow bubbles in the water|
        play with a beach ball|float on their backs""",
    "river": """throw sticks in the water|watch the boats go by|look for frogs|walk along the bank|
        sit on the bridge|dip their toes in the water""",
    "museum": """look at the dinosaur bones|see old paintings|walk through the big halls|learn about the stars|
        point at the shiny rocks""",
    "bakery": """smell the fresh bread|watch the baker|pick a cupcake|buy warm rolls|taste a cookie""",
}
# Verbs the activity phrases and episodes start with that are not in VERBS, "base:past", "!" as in VERBS.
MORE_VERBS = _verbs(
    "act",
    """go:went feed:fed look:looked fly:flew water:watered pick:picked plant:planted pull:pulled
    smell:smelled chase:chased rake:raked pet:petted! collect:collected brush:brushed watch:watched
    count:counted give:gave walk:walked listen:listened follow:followed do:did have:had learn:learned
    eat:ate see:saw wave:waved skip:skipped! sail:sailed catch:caught ride:rode bury:buried throw:threw
    help:helped dress:dressed make:made spin:spun! race:raced sit:sat! rock:rocked dip:dipped!
    point:pointed push:pushed buy:bought carry:carried taste:tasted splash:splashed swim:swam! jump:jumped
    blow:blew float:floated play:played read:read find:found""",
)

# Things seen and heard outdoors, for the episodes' detail.
NATURE = _split(
    """tree flower bush rock stone leaf stick log puddle cloud rainbow nest pond hill path fence gate bench
    mushroom pinecone acorn shell feather daisy rose sunflower tulip dandelion clover pebble weed vine
    thistle buttercup moss cobweb anthill"""
)
SKY = [
    "The sun was shining and the sky was blue.",
    "The sky was gray, and it looked like rain.",
    "Big white clouds floated across the sky.",
    "It was a warm day, and the birds were singing.",
    "The wind was blowing the leaves around.",
    "It was a cold morning, and the grass was wet.",
    "The sun was hot, so they stayed in the shade.",
    "Snow had fallen in the night, and everything was white.",
    "A soft rain was falling on the roof.",
    "The air smelled of flowers.",
    "A gentle breeze made the flowers nod.",
    "It was foggy, and everything looked soft and gray.",
    "The morning was bright and chilly.",
    "Thunder rumbled far away, but the sun still peeked out.",
    "The leaves were turning red and gold.",
]
# What an animal says: the sound and the verb for it.
ANIMAL_SOUNDS = {
    "dog": ("Woof", "barked"),
    "puppy": ("Woof", "barked"),
    "cat": ("Meow", "meowed"),
    "kitten": ("Meow", "mewed"),
    "bird": ("Tweet", "chirped"),
    "robin": ("Tweet", "sang"),
    "duck": ("Quack", "quacked"),
    "goose": ("Honk", "honked"),
    "cow": ("Moo", "mooed"),
    "frog": ("Ribbit", "croaked"),
    "lion": ("Roar", "roared"),
    "tiger": ("Roar", "roared"),
    "pig": ("Oink", "oinked"),
    "sheep": ("Baa", "bleated"),
    "lamb": ("Baa", "bleated"),
    "goat": ("Maa", "bleated"),
    "owl": ("Hoot", "hooted"),
    "bee": ("Buzz", "buzzed"),
    "horse": ("Neigh", "neighed"),
    "pony": ("Neigh", "neighed"),
    "mouse": ("Squeak", "squeaked"),
    "hen": ("Cluck", "clucked"),
    "chicken": ("Cluck", "clucked"),
    "crow": ("Caw", "cawed"),
    "monkey": ("Ooh ooh", "chattered"),
    "bear": ("Grr", "growled"),
    "donkey": ("Hee-haw", "brayed"),
    "wolf": ("Awoo", "howled"),
    "chick": ("Peep", "peeped"),
    "duckling": ("Peep", "peeped"),
    "toad": ("Croak", "croaked"),
    "snake": ("Hiss", "hissed"),
}
ANIMAL_LOOKS = _split(
    """fluffy furry soft little tiny big spotted striped friendly shy sleepy hungry playful funny cute
    gentle fat skinny wet muddy brown white black gray orange speckled scruffy chubby shaggy"""
)
FOOD_TASTES = _split(
    "yummy sweet warm tasty delicious crunchy juicy soft fresh hot cold sticky gooey salty chewy creamy spicy"
)
ADVERBS = _split(
    """happily slowly quickly carefully gently loudly softly quietly proudly sadly excitedly bravely
    kindly politely patiently cheerfully eagerly nervously shyly busily"""
)
FEELINGS = _split(
    """happy glad excited proud sad upset scared worried angry surprised tired sleepy hungry lonely
    shy calm brave curious silly"""
)
# Grown-ups who come to visit or are visited: (name, gender, kind).
VISITORS = [
    ("Grandma", "f", "grandma"),
    ("Grandpa", "m", "grandpa"),
    ("Aunt May", "f", "aunt"),
    ("Uncle Bob", "m", "uncle"),
]
PRETEND = [
    ("a pirate", "ship", "sailed across the sea and looked for gold"),
    ("a princess", "castle", "had a big party for all the animals"),
    ("a brave knight", "castle", "fought a big, scary dragon"),
    ("a doctor", "hospital", "made all the sick teddies feel better"),
    ("a chef", "restaurant", "cooked soup for everyone"),
    ("an astronaut", "rocket", "flew to the moon and back"),
    ("a firefighter", "fire truck", "put out a pretend fire"),
    ("a teacher", "school", "taught the dolls how to count"),
    ("a king", "castle", "gave orders to all the toys"),
    ("a superhero", "secret cave", "saved the town from a monster"),
    ("a farmer", "farm", "fed all the pretend animals"),
    ("a mermaid", "sea cave", "swam with the fish"),
]
GAMES = _split(
    """hide_and_seek tag catch house pretend ring-around-the-rosy Simon_says a_board_game blocks
    dress-up follow_the_leader"""
)
CHORES = [
    ("wash the dishes", "washed the dishes", "washing the dishes"),
    ("sweep the floor", "swept the floor", "sweeping the floor"),
    ("fold the clothes", "folded the clothes", "folding the clothes"),
    ("water the plants", "watered the plants", "watering the plants"),
    ("feed the cat", "fed the cat", "feeding the cat"),
    ("set the table", "set the table", "setting the table"),
    ("put away the toys", "put away the toys", "putting away the toys"),
    ("make the bed", "made the bed", "making the bed"),
    ("carry the bags", "carried the bags", "carrying the bags"),
    ("dust the shelves", "dusted the shelves", "dusting the shelves"),
]

# Words and phrases said in more than one way: a pattern (a regular expression, its first group the part
# replaced) and the ways to say it, the first being the plain one. Only meaning-keeping swaps, in the contexts
# given, and every replacement keeps the sound its article needs (a big, a huge, a giant).
SYNONYMS: list[tuple[str, list[str]]] = [
    (r"\b(very) (?!much)(?=\w)", ["very", "so", "really"]),
    (r"\b(big)\b(?! (?:day|hug|smile|breath|fight|yawn|boom|help))", ["big", "huge", "giant", "large"]),
    (r"\b(little) (?!bit|while|more|one)(?=[a-z])", ["little", "small", "tiny"]),
    (r"\b(?:was|felt|and) (happy)\b", ["happy", "glad", "very happy"]),
    (r"\b(?:was|felt|and) (sad)\b", ["sad", "upset", "unhappy", "very sad"]),
    (r"\b(?:was|felt|got|very|so) (scared)\b", ["scared", "afraid", "frightened"]),
    (r"\b(?:was|felt|got|very|so) (angry)\b", ["angry", "mad", "cross"]),
    (
        r"(Then(?:(?<=^Then)|(?<=[.!?] Then)),? )(?=[a-z]|[A-Z][a-z]+ )",
        ["Then ", "After that, ", "Soon, ", "Next, "],
    ),
    (
        r"(One day(?:(?<=^One day)|(?<=[.!?] One day))), ",
        ["One day", "One morning", "One afternoon", "One sunny day"],
    ),
    (r"\b(smiled)\b", ["smiled", "grinned", "beamed"]),
    (r"\b(laughed)\b", ["laughed", "giggled"]),
    (r"\b(loved) to\b", ["loved", "really liked", "liked"]),
    (r"\b(went home)\b", ["went home", "walked home", "headed home", "went back home"]),
    (r"\b(for a long time)\b", ["for a long time", "for a while", "for a very long time"]),
    (r"\b(all day)\b", ["all day", "all day long"]),
    (r"\b(pretty) (?=[a-z])", ["pretty", "beautiful", "lovely"]),
    (r"\b(a lot)\b", ["a lot", "very much"]),
    (r"\b(looked around)\b", ["looked around", "looked all around", "looked left and right"]),
    (r"\b(saw) (?=a |an |the |something |some )", ["saw", "spotted", "noticed"]),
    (r"\b(began to)\b", ["began to", "started to"]),
    (r"\b(ran to)\b", ["ran to", "hurried to", "raced to"]),
    (r"\b(looked for)\b", ["looked for", "searched for"]),
    (r"\b(shouted)\b", ["shouted", "yelled"]),
    (r"\b(?:was|felt|so|very) (excited)\b", ["excited", "thrilled"]),
    (r"\b(wanted to) (?!be |have )", ["wanted to", "really wanted to", "wished to"]),
    (r"\b(a lot of)\b", ["a lot of", "lots of"]),
    (r"\b(quickly)\b", ["quickly", "fast", "very fast"]),
    (r"\b(cried)(?= a little| and| all)", ["cried", "sobbed", "wept"]),
    (r"\b(together)\b(?=[.!])", ["together", "together all day", "side by side"]),
    (r"\b(After a while), ", ["After a while", "After some time", "A little later", "Before long"]),
    (r"\b(Suddenly), ", ["Suddenly", "All of a sudden", "Just then"]),
    (r"\b(At last), ", ["At last", "Finally", "In the end"]),
]
