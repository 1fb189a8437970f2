"""Episodes that carry everyday knowledge and simple reasoning in passing, as real children's stories do: the cow
says moo on the farm, a child who is cold puts on a coat, the sky in a drawing is blue, the older sister is the
taller one, three cookies less one leave two. A model can only learn what its corpus says; without these the
knowledge and reasoning probes stay at chance at every size, because nothing in the text decides them.

Each fact is told in several ways and mixed into scenes, never as a quiz, so what a model learns is the fact, not
one sentence that states it.
"""

from __future__ import annotations

from tinystories.synth.teller import Character, Teller
from tinystories.synth.words import ANIMAL_SOUNDS, plural

HOMES = {"cow": "barn", "pig": "pen", "sheep": "field", "horse": "stable", "duck": "pond", "hen": "henhouse"}
HOMES |= {"dog": "doghouse", "cat": "house", "owl": "tree", "bee": "hive", "frog": "pond", "lion": "den"}
HOMES |= {"bird": "nest", "mouse": "hole", "bear": "cave", "snake": "hole"}  # each says its ANIMAL_SOUNDS sound
SILENT_HOMES = {"fish": "pond", "rabbit": "hole", "spider": "web", "ant": "anthill", "squirrel": "tree"}
FARM = ["cow", "pig", "sheep", "horse", "duck", "hen", "dog", "cat"]
WILD = ["owl", "bee", "frog", "bird", "mouse", "bear", "lion", "snake"]

# (a need, how a story says a child has it, what meets it); {his}: the child's
NEEDS = [
    (
        "thirsty",
        "[was thirsty|was very thirsty|felt thirsty]",
        "[drank a glass of water|drank some water|had a big drink of water]",
    ),
    (
        "hungry",
        "[was hungry|was very hungry|felt hungry]",
        "[ate some bread|ate a sandwich|had a bowl of soup|ate an apple]",
    ),
    (
        "cold",
        "[was cold|felt cold|was shivering]",
        "[put on {his} warm coat|put on a hat and mittens|sat by the warm fire]",
    ),
    (
        "dark",
        "[could not see in the dark|was in a dark room|was scared of the dark room]",
        "[turned on the light|switched on the lamp|got a flashlight]",
    ),
    (
        "tired",
        "[was tired|was very tired|was sleepy|could not stop yawning]",
        "[went to bed|took a nap|lay down to rest]",
    ),
    (
        "rain",
        "[saw that it was raining|heard the rain outside|saw dark clouds and rain]",
        "[took an umbrella|put on {his} raincoat and boots|opened {his} umbrella]",
    ),
    (
        "dirty",
        "[had dirty hands|had mud on {his} hands|had sticky hands]",
        "[washed {his} hands with soap|washed {his} hands with soap and water]",
    ),
    ("hot", "[was hot|felt too hot|was hot in the sun]", "[sat in the shade|took off {his} sweater|had a cold drink]"),
    ("hurt", "[hurt {his} knee|scraped {his} knee|fell and hurt {his} elbow]", "[got a bandage|put a bandage on it]"),
    ("wet", "[was all wet|got wet in the rain|was wet from the pool]", "[dried off with a towel|got a big towel]"),
]

COLOR_OF = {
    "grass": "green",
    "sky": "blue",
    "snow": "white",
    "banana": "yellow",
    "carrot": "orange",
    "strawberry": "red",
    "chocolate": "brown",
    "sun": "yellow",
    "leaf": "green",
    "tomato": "red",
    "lemon": "yellow",
    "milk": "white",
    "cloud": "white",
    "pumpkin": "orange",
    "frog": "green",
    "sea": "blue",
}

# a tool -> what it is for ({his}: the user's)
TOOLS = {
    "scissors": "cut the paper",
    "spoon": "eat {his} soup",
    "broom": "sweep the floor",
    "pen": "write a letter",
    "towel": "dry {his} hands",
    "key": "open the door",
    "cup": "drink {his} milk",
    "shovel": "dig a hole",
    "brush": "brush {his} hair",
    "watering can": "water the flowers",
    "hammer": "hit the nail",
    "net": "catch a butterfly",
    "crayon": "draw a picture",
    "soap": "wash {his} hands",
}

BODY = {"eyes": "see", "ears": "hear", "nose": "smell", "mouth": "eat", "legs": "run", "hands": "clap", "teeth": "chew"}
BODY |= {"feet": "walk"}

# (more, less, how it shows); each "-er" word's superlative is its "-est" word
COMPARE = [
    ("taller", "shorter", "could reach the top shelf"),
    ("older", "younger", "could stay up later"),
    ("faster", "slower", "won the race"),
    ("bigger", "smaller", "needed the big bed"),
    ("stronger", "weaker", "could carry the heavy box"),
    ("heavier", "lighter", "made the seesaw go down"),
]
NUMBERS = ["zero", "one", "two", "three", "four", "five", "six"]
COUNTABLE = ["cookie", "apple", "grape", "sticker", "marble", "crayon", "strawberry", "carrot", "balloon"]


def _sound(t: Teller, animal: str, sound: str) -> str:
    """The animal's sound, quoted when the story has dialogue (a story without it has no quotes at all)."""
    if t.has("Dialogue"):
        cry = f"{sound.capitalize()}, {sound}!" if t.chance(0.4) else f"{sound.capitalize()}!"
        return t.pick(
            [
                f'The {animal} said, "{cry}"',
                f'"{cry}" said the {animal}.',
                f'The {animal} looked at them and said, "{cry}"',
            ]
        )
    return t.pick([f"The {animal} said {sound}.", f"The {animal} went {sound}, {sound}."])


def animals_and_homes(t: Teller, hero: Character, friend: Character, parent: Character) -> None:
    """A visit to a farm, or a walk in the woods: two or three animals, each with its sound and where it lives."""
    farm = t.chance(0.5)
    animals = t.rng.sample(FARM if farm else WILD, t.pick([2, 3]))
    if farm:
        t.add(
            f"[One day|On Sunday|In the morning], {parent.name} took {hero.name} to [a farm|the farm|Grandpa's farm]."
        )
    else:
        t.add(f"[One day|After lunch|In the afternoon], {hero.name} and {parent.name} went for a walk in the woods.")
    for animal in animals:
        sound, home = ANIMAL_SOUNDS[animal][0].lower(), HOMES[animal]
        t.add(
            t.pick(
                [
                    f"[They saw|There was|{hero.Name} saw] {t.a(animal)} by its {home}.",
                    f"[Next|Then|After that], they [found|saw|met] {t.a(animal)}. It lived in {t.a(home)}.",
                    f"{t.a(animal).capitalize()} [came out of|was sitting in|looked out of] its {home}.",
                ]
            )
        )
        t.add(_sound(t, animal, sound))
    animal = t.pick(animals)
    sound = ANIMAL_SOUNDS[animal][0].lower()
    t.say(
        parent,
        t.pick([f"What does the {animal} say?", f"Can you tell me what the {animal} says?"]),
        f"{parent.Name} asked {hero.name} what the {animal} says.",
    )
    t.say(hero, f"The {animal} says {sound}!", f"{hero.Name} said that the {animal} says {sound}.")
    t.add(f"{parent.Name} [smiled|laughed|nodded]. [{hero.Name} was right.|That was right.|{hero.Name} knew it!]")
    if t.chance(0.5):
        other, where = t.pick(list(SILENT_HOMES.items()))
        t.add(
            t.pick(
                [
                    f"[On the way home|Later], they saw {t.a(other)} [go into|near] its {where}.",
                    f"{hero.Name} learned that {plural(other)} live in {plural(where) if where != 'tree' else 'trees'}.",
                ]
            )
        )


def needs_met(t: Teller, hero: Character, friend: Character, parent: Character) -> None:
    """A child who is thirsty drinks, one who is cold puts on a coat: a need and what meets it, with its reason."""
    for need, state, remedy in t.rng.sample(NEEDS, t.pick([1, 2])):
        state, remedy = state.replace("{his}", hero.his), remedy.replace("{his}", hero.his)
        if need == "rain":
            t.add(f"[Later|Then|Soon], {hero.name} {state}. {hero.He} {remedy} before {hero.he} went out.")
            continue
        t.add(
            t.pick(
                [
                    f"[After a while|Later|After playing], {hero.name} {state}, so {hero.he} {remedy}.",
                    f"{hero.Name} {state}. {hero.He} {remedy}, and [soon|then] {hero.he} felt [better|much better].",
                    f"Because {hero.he} {state}, {hero.name} {remedy}.",
                    f"When {hero.name} {state}, {parent.name} [helped {hero.him}|told {hero.him} what to do], and "
                    f"{hero.he} {remedy}.",
                ]
            )
        )


def colors_seen(t: Teller, hero: Character, friend: Character, parent: Character) -> None:
    """A picture or a walk where things have their own colours: green grass, a blue sky, a yellow banana."""
    things = t.rng.sample(list(COLOR_OF), 3)

    if t.chance(0.5):
        t.add(
            f"[After lunch|One rainy afternoon|Later], {hero.name} [drew|painted] a picture [of outside|for {parent.name}]."
        )
        for thing in things:
            crayon = t.pick(["crayon", "pencil", "paint"])
            t.add(
                t.pick(
                    [
                        f"{hero.He} colored the {thing} {COLOR_OF[thing]}.",
                        f"{hero.He} used {t.a(COLOR_OF[thing] + ' ' + crayon)} for the {thing}.",
                        f"The {thing} was {COLOR_OF[thing]}, so {hero.he} took the {COLOR_OF[thing]} {crayon}.",
                    ]
                )
            )
        t.say(parent, "What a [beautiful|lovely|nice] picture!", f"{parent.Name} loved the picture.")
    else:
        t.add(f"[Later|In the afternoon], {hero.name} and {friend.name} [played a color game|looked at colors].")
        for thing in things:
            t.add(
                t.pick(
                    [
                        f"The {thing} was {COLOR_OF[thing]}.",
                        f"They [saw|found] that the {thing} was {COLOR_OF[thing]}.",
                        f"{hero.Name} [said|knew] that the {thing} is {COLOR_OF[thing]}.",
                    ]
                )
            )


def tools_used(t: Teller, hero: Character, friend: Character, parent: Character) -> None:
    """Helping at home with the right thing for each job: a broom to sweep, scissors to cut, a key for the door."""
    jobs = t.rng.sample(list(TOOLS.items()), t.pick([2, 3]))
    t.add(f"[That day|In the morning|After breakfast], {hero.name} helped {parent.name} [at home|around the house].")
    for tool, use in jobs:
        use = use.replace("{his}", hero.his)
        the = "the" if tool.endswith("s") else t.pick(["the", "a"])
        t.add(
            t.pick(
                [
                    f"{hero.He} used {the} {tool} to {use}.",
                    f"{hero.Name} took {the} {tool} [and|to] {use}.",
                    f"To {use}, {hero.he} [needed|got] {the} {tool}.",
                ]
            )
        )
    t.add(f"{parent.Name} [said {hero.he} was a big help|thanked {hero.him}|gave {hero.him} a hug].")


def body_song(t: Teller, hero: Character, friend: Character, parent: Character) -> None:
    """A parent's game about what each part of the body is for."""
    parts = t.rng.sample(list(BODY.items()), 3)
    t.add(
        f"[At bedtime|In the evening|After dinner], {parent.name} and {hero.name} played a game about [the body|what we can do]."
    )
    for part, verb in parts:
        if t.has("Dialogue"):
            t.say(parent, f"What do we do with our {part}?", "")
            t.say(hero, f"We {verb} with our {part}!", "")
        else:
            t.add(
                t.pick(
                    [
                        f"{parent.Name} pointed to {parent.his} {part} and said that we use our {part} to {verb}.",
                        f"{hero.Name} knew that we {verb} with our {part}.",
                    ]
                )
            )
    t.add(f"{hero.Name} [laughed|giggled|clapped]. It was a fun game.")


def who_is_more(t: Teller, hero: Character, friend: Character, parent: Character) -> None:
    """Two children compared, said both ways round and shown in what each can do; sometimes a third in a row."""
    more, less, shows = t.pick(COMPARE)
    a, b = (friend, hero) if t.chance(0.5) else (hero, friend)
    t.add(
        t.pick(
            [
                f"{a.Name} was {more} than {b.name}, and {b.name} was {less} than {a.name}.",
                f"{a.Name} was {more} than {b.name}. So {b.name} was {less} than {a.name}.",
                f"{b.Name} was {less} than {a.name}, [because|since] {a.name} was {more}.",
            ]
        )
    )
    t.add(f"[That is why|Because of that,|This meant that] {a.name} {shows}.")
    t.say(a, f"I am {more} than you!", "")
    t.say(b, f"[Yes, and I am {less} than you.|That's okay. I am {less}, but I am fun!]", "")
    if t.chance(0.5):
        c = t.person()
        t.add(
            f"[Their friend|Their cousin|A friend from next door], {c.name}, [came over|came to play]. "
            f"{b.Name} was {more} than {c.name}. So {a.name} was the {more[:-2]}est of the three, and {c.name} was "
            f"the {less[:-2]}est."
        )


def counting(t: Teller, hero: Character, friend: Character, parent: Character) -> None:
    """Sharing that changes how many: three cookies, one given away, two left; one more, three again."""
    n = t.pick([2, 3, 4, 5])
    thing = t.pick(COUNTABLE)
    things = plural(thing)
    t.add(
        t.pick(
            [
                f"{parent.Name} gave {hero.name} {NUMBERS[n]} {things}.",
                f"{hero.Name} had {NUMBERS[n]} {things}.",
                f"{hero.Name} found {NUMBERS[n]} {things} in a [bag|box|bowl].",
            ]
        )
    )
    left = f"{NUMBERS[n - 1]} {thing if n - 1 == 1 else things}"
    t.add(
        t.pick(
            [
                f"{hero.He} gave one to {friend.name}. Now {hero.he} had {left}.",
                f"{hero.He} shared one with {friend.name}, so {hero.he} had {left} left.",
                f"{friend.Name} [wanted|asked for] one, so {hero.name} gave {friend.him} one. {hero.He} still had {left}.",
            ]
        )
    )
    if t.chance(0.4):
        t.add(f"Then {parent.name} gave {hero.him} one more. Now {hero.he} had {NUMBERS[n]} {things} again.")


# (what happened, what it made so, what was done, how it was after); {thing}, {his}, {he}: the child's
CAUSES = [
    (
        "dropped {his} {thing} in the mud",
        "the {thing} was [dirty|all dirty|muddy]",
        "washed it",
        "the {thing} was clean again",
    ),
    (
        "spilled {his} milk on the table",
        "the table was [wet|all wet]",
        "wiped it with a cloth",
        "the table was dry again",
    ),
    (
        "left {his} ice cream in the sun",
        "the ice cream [melted|was all melted]",
        "got a new one",
        "{he} was happy again",
    ),
    ("bumped the tower of blocks", "the tower fell down", "built it again", "{he} was happy again"),
    ("forgot {his} coat", "{he} was cold", "ran back to get it", "{he} was warm again"),
    ("let go of {his} balloon", "the balloon flew away, and {he} was sad", "got a new one", "{he} was happy again"),
    ("tore {his} picture", "the picture had a rip in it", "fixed it with tape", "the picture was whole again"),
]


def cause_and_effect(t: Teller, hero: Character, friend: Character, parent: Character) -> None:
    """Something done by accident, what it caused, and how it was put right: "dirty", then "clean again"."""
    thing = t.pick(["ball", "doll", "hat", "toy car", "teddy", "shoe", "book"])
    fill = {"{his}": hero.his, "{he}": hero.he, "{thing}": thing}
    did, result, fix, after = t.pick(CAUSES)
    for key, value in fill.items():
        did, result, after = did.replace(key, value), result.replace(key, value), after.replace(key, value)
    t.add(f"[One day,|Later,|That afternoon,|Oops!] {hero.name} {did} by accident.")
    t.add(f"[Now|Oh no,|After that,] {result}.")
    t.add(
        t.pick(
            [
                f"{hero.Name} {fix}, and [soon|then] {after}.",
                f"[{parent.Name} helped {hero.him}.|{hero.Name} did not give up.] {hero.He} {fix}. Now {after}.",
            ]
        )
    )


EPISODES = [animals_and_homes, needs_met, colors_seen, tools_used, body_song, who_is_more, counting, cause_and_effect]
