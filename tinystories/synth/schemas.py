"""Story schemas: each a plot with a beginning, a problem, what the characters do, and an ending, with each
requested feature realised in a way that fits it. Every schema uses the drawn (verb, noun, adjective) through
`Cast`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tinystories.synth.everyday import episodes
from tinystories.synth.narration import aside
from tinystories.synth.teller import Character, Teller
from tinystories.synth.words import CLOTHES, PLACE_ADJECTIVES, plural

SEA_ANIMALS = {"fish", "dolphin", "whale", "seal", "crab", "octopus", "shark", "penguin"}
ANIMAL_VERBS = {"feed", "pet", "watch", "chase", "follow", "rescue", "protect", "tickle", "find", "carry", "visit"}
FOOD_VERBS = {"taste", "smell", "pour", "spill", "stir", "share", "buy", "bake", "cook"}


@dataclass
class Cast:
    hero: Character
    friend: Character
    parent: Character
    thing: str  # the object the plot turns on
    thing_adj: str
    place: str
    prep: str


# --- the shared beginning -----------------------------------------------------------------------------------------
def verb_phrase(t: Teller, form: str) -> str:
    """The drawn verb as an activity: `base`, `past` or `ing` form, with a fitting object if it takes one."""
    v = t.verb
    word = {"base": v.base, "past": v.past, "ing": v.ing}[form]
    if v.kind == "act":
        return word
    if t.verb_object is None:
        if v.kind == "obj":
            pool = t.vocab.foods if v.base in FOOD_VERBS else t.vocab.toys + t.vocab.objects
            t.verb_object = plural(t.noun if t.noun in t.vocab.things else t.pick(pool))
        elif v.base in ANIMAL_VERBS:
            t.verb_object = plural(t.noun if t.noun in t.vocab.animals else t.pick(land_animals(t)))
        else:
            t.verb_object = t.pick(["friends", "family", "neighbors", "friends at school"])
            t.verb_object = f"{t.characters[0].his} {t.verb_object}" if t.characters else f"the {t.verb_object}"
    return f"{word} {t.verb_object}"


def land_animals(t: Teller) -> list[str]:
    return [a for a in t.vocab.animals if a not in SEA_ANIMALS] or t.vocab.animals


def scenery(t: Teller, c: Cast) -> None:
    """One or two sentences of everyday detail, as the real stories have before their problem starts."""
    h, v = c.hero, t.vocab
    food, food2 = t.pick(v.foods), t.pick(v.foods)
    animal, thing = t.pick(land_animals(t)), t.thing(c.thing)
    options = [
        f"Every morning, {h.name} ate {t.a(food)} for breakfast.",
        f"The sun was warm, and the {c.place} was full of {plural(animal)}.",
        f"{h.He} had {t.a(t.thing_adj() + ' ' + thing)} that {h.he} kept under {h.his} bed.",
        f"On the way to the {c.place}, {h.he} liked to count the {plural(animal)}.",
        f"{h.He} always wore {h.his} {t.thing_adj()} {t.pick(CLOTHES)}, [even when it was hot|even in bed|every single day].",
        f"[Sometimes|When {h.he} was happy,] {h.he} [sang|made up] a little song about {plural(thing)}.",
        f"{h.He} [could|liked to] [hop on one foot|whistle a little|count to ten|tie {h.his} own shoes], and {h.he} was very proud of it.",
        f"{h.His} [grandma|grandpa|aunt] had [given|sent] {h.him} {t.a(t.thing_adj() + ' ' + thing)} [for {h.his} birthday|last winter|a long time ago].",
        f"{h.He} liked {plural(food)} more than anything, except maybe {plural(food2)}.",
        f"[At night|Some nights], {h.he} dreamed about {t.a(t.thing_adj() + ' ' + thing)}.",
        f"{h.His} {c.parent.kind} often took {h.him} to see the {plural(animal)} {c.prep} the {c.place}.",
        f"Near {h.his} house there was {t.a(t.pick(PLACE_ADJECTIVES) + ' ' + t.pick(v.places)[0])}.",
        f"{h.Name} had a little bag where {h.he} kept {plural(thing)} and {plural(t.thing(thing, c.thing))}.",
        f"{h.His} room was full of {plural(thing)}, but {h.his} favorite was always the one {h.he} had today.",
        f"{h.He} had a [loose|wiggly] tooth, and {h.he} [wiggled it all day|showed it to everyone].",
        f"{h.His} [socks|mittens] never matched, and {h.he} did not mind one bit.",
        f"{h.He} was [four|five] years old and [very tall for {h.his} age|the youngest in {h.his} family].",
        f"{h.He} [kept|had] a jar of [buttons|pebbles|shells] on the shelf and counted them [every night|on rainy days].",
    ]
    if t.chance(0.6):
        t.add(t.pick(options))


def closing(t: Teller, c: Cast, happy: bool) -> None:
    h, p = c.hero, c.parent
    food = t.pick(t.vocab.foods)
    good = [
        f"[That night|That evening|At bedtime], {h.name} [went to bed|fell asleep|snuggled into bed] [with a big smile|smiling|happy and tired|with a smile on {h.his} face].",
        f"[Then|After that|Later], they all went home and [ate|had] {plural(food)} for [dinner|supper].",
        f"{p.Name} gave {h.name} a [big|warm|tight|long] hug[, and {h.he} felt| and {h.name} felt|. {h.He} felt] [warm and happy|safe and happy|happy inside|loved].",
        f"It was [the best day|the most fun day|a day|a wonderful day] {h.name} would [never forget|always remember].",
        f"When {h.he} [fell asleep|closed {h.his} eyes], {h.he} dreamed [of|about] the {c.place}[| and all {h.his} friends| and the fun they had].",
        f"{h.Name} [hugged|thanked] {p.name}, and they [walked|went] home [hand in hand|together|as the sun went down].",
        "The sun went down, and the [stars came out|sky turned pink and orange]. It had been a [good|happy|long] day.",
        f"{h.He} [could not stop smiling|smiled all the way home|hummed all the way home].",
        f"That night, {p.name} tucked {h.him} in and [kissed {h.him} goodnight|turned off the light|sang a soft song].",
        f"{h.Name} could not wait to tell [Grandma|Grandpa|{h.his} teacher|everyone at school] all about it.",
        f"[Everyone|They all] laughed, and {h.name} laughed the [loudest|most].",
        f"{h.He} went to sleep [that night|early] [with a happy heart|feeling proud|as soon as {h.his} head touched the pillow].",
        f"[And that|That] was how {h.name} [spent the best day of the summer|made a new memory|had the best day].",
    ]
    sad = [
        f"[That night|At bedtime], {h.name} [could not sleep|lay awake for a long time|cried into {h.his} pillow].",
        f"{p.Name} [gave {h.him} a hug|tried to cheer {h.him} up], but {h.he} still felt [sad|bad|upset].",
        f"It was [not a good day|a sad day|a bad day] for {h.name}.",
        f"{h.Name} did not want to go to the {c.place} ever again.",
        f"{h.Name} sat by the window and [watched the rain|looked at the sky] for a [long time|while].",
        "Nothing was [the same|quite as fun] after that day.",
        f"{h.He} wished {h.he} could go back and do it all [again|differently].",
        f"{h.Name} went to bed [without a word|early], and {h.he} [did not smile|felt empty inside].",
    ]
    t.add(t.pick(good if happy else sad))


def begin(t: Teller) -> Cast:
    vocab = t.vocab
    place, prep = next(((p, q) for p, q in vocab.places if p == t.noun), None) or t.pick(vocab.places)
    thing = t.noun if t.noun in vocab.things else t.thing()
    thing_adj = t.adjective if t.adjective in vocab.thing_adjectives else t.thing_adj()
    hero = t.person()
    trait = t.adjective if t.adjective in vocab.being_adjectives and t.adjective not in vocab.thing_adjectives else ""
    who = f"{trait} little {hero.kind}" if trait else t.pick([f"little {hero.kind}", hero.kind, f"little {hero.kind}"])
    opening = t.pick(
        ["Once upon a time", "One day", "Once", "Long ago", "One sunny morning", "Once upon a time", "A long time ago"]
    )
    drawn_for_place = t.noun == place and t.adjective in vocab.thing_adjectives
    place_adj = t.adjective if drawn_for_place else t.pick(PLACE_ADJECTIVES)
    t.add(
        t.pick(
            [
                f"{opening}, there was {t.a(who)} named {hero.name}.",
                f"{opening}, {t.a(who)} named {hero.name} lived near {t.a(place_adj + ' ' + place)}.",
                f"{opening}, in {t.a(place_adj + ' ' + place)}, there lived {t.a(who)} called {hero.name}.",
                f"{hero.name} was {t.a(who)} who lived {prep} {t.a(place_adj + ' ' + place)}.",
                f"{opening}, there was {t.a(who)}. {hero.His} name was {hero.name}.",
                f"There once was {t.a(who)} [named|called] {hero.name}.",
                f"{hero.name} was {t.a(who)}. {hero.He} lived {prep} {t.a(place_adj + ' ' + place)} with "
                f"{hero.his} [family|mom and dad|parents].",
            ]
        )
    )
    if place not in t.text():
        t.add(
            t.pick(
                [
                    f"{hero.He} [liked|loved] to [go to|play at|visit] the {place}.",
                    f"{hero.His} [favorite place|most favorite place in the world|favorite place to play] was the {place}.",
                    f"{hero.He} went to the {place} [whenever {hero.he} could|every chance {hero.he} got|as often as {hero.he} could].",
                ]
            )
        )
    t.add(
        t.pick(
            [
                f"{hero.He} [loved|liked|really liked] to {verb_phrase(t, 'base')}.",
                f"[More than anything|Most of all], {hero.name} [loved|liked] to {verb_phrase(t, 'base')}.",
                f"[Every day|Each day|Almost every day], {hero.he} [would|liked to] {verb_phrase(t, 'base')} {prep} the {place}.",
                f"{hero.Name}'s favorite thing [was|to do was] {verb_phrase(t, 'ing')}.",
                f"{hero.He} was [good at|very good at|learning] {verb_phrase(t, 'ing')}.",
            ]
        )
    )
    if t.noun in vocab.animals:
        friend = t.animal(t.noun)
        kind = f"{t.adjective} {t.noun}" if t.adjective in vocab.thing_adjectives else t.noun
        if friend.gender == "n":
            t.add(
                f"[{hero.He} had a pet, {t.a(kind)}.|{hero.His} best friend was {t.a(kind)}.|{hero.He} lived with {t.a(kind)}.]"
            )
        else:
            t.add(f"{hero.His} [best friend|closest friend|friend] was {t.a(kind)} [named|called] {friend.name}.")
    elif t.chance(0.5):
        friend = t.person()
        t.add(
            t.pick(
                [
                    f"{hero.His} [best friend|best buddy|friend from next door|friend from down the street] was {friend.name}.",
                    f"{hero.He} had a [friend|good friend|best friend] [named|called] {friend.name}.",
                ]
            )
        )
    else:
        friend = t.animal(t.pick(land_animals(t)))
        if friend.gender == "n":
            t.add(f"{hero.He} [had|lived with] {t.a(friend.kind)}[ that followed {hero.him} everywhere|].")
        else:
            t.add(f"{hero.He} had a [pet|little] {friend.kind} [named|called] {friend.name}.")
    parent = t.parent()
    cast = Cast(hero, friend, parent, thing, thing_adj, place, prep)
    scenery(t, cast)
    if t.chance(0.5):
        aside(t, hero, friend)
    episodes(t, hero, friend, parent, t.pick([0, 1, 1]))
    return cast


def moral(t: Teller, c: Cast, lessons: list[str]) -> None:
    if t.has("MoralValue"):
        t.markers.add("MoralValue")
        lesson = t.pick(lessons)
        t.add(
            t.pick(
                [
                    f"{c.hero.Name} [learned|found out|understood] that {lesson}.",
                    f"[From that day on|After that day|Ever since then], {c.hero.name} knew that {lesson}.",
                    f"[The moral of the story is|The lesson of this story is|This story shows] that {lesson}.",
                    f"[Now|Since then,] {c.hero.name} [knows|remembers] that {lesson}.",
                    f"It was a lesson {c.hero.he} would [never forget|keep forever]: {lesson}.",
                    f"So remember: {lesson}.",
                    f"{c.parent.Name} said that {lesson}, and {c.hero.name} [never forgot it|thought about it for a long time].",
                ]
            )
        )


def ending(t: Teller, c: Cast, lessons: list[str]) -> None:
    closing(t, c, happy=not t.has("BadEnding"))
    moral(t, c, lessons)


def bad(t: Teller) -> bool:
    if t.has("BadEnding"):
        t.markers.add("BadEnding")
        return True
    return False


def conflict(t: Teller, wanter: Character, keeper: Character, about: str, resolution: str) -> None:
    """A disagreement: `wanter` wants what `keeper` will not give; resolved unless the ending is bad."""
    if not t.has("Conflict"):
        return
    t.markers.add("Conflict")
    grown_up = {"mom", "dad"} & {wanter.kind, keeper.kind}  # a parent says no, or asks, as a parent does
    t.say(
        wanter,
        f"[Give me the {about}, please.|I need the {about} now.|Let me have the {about} for a while.]"
        if wanter.kind in grown_up
        else f"[I want the {about}!|Give me the {about}!|The {about} is mine!|It is my turn with the {about}!]",
        f"{wanter.Name} wanted the {about} very much.",
    )
    t.say(
        keeper,
        "[No, not now.|No, you have to wait.|Not today. The answer is no.]"
        if keeper.kind in grown_up
        else "[No, you cannot have it!|No, it is mine!|No! I had it first!|Go away, it is mine!]",
        f"But {keeper.name} [said no|would not give it up|held on to it].",
        "said" if keeper.kind in grown_up else "shouted",
    )
    child = keeper if wanter.kind in grown_up else wanter
    t.add(
        t.pick(
            [
                f"{child.Name} [stomped {child.his} feet and cried|cried and shouted|began to cry].",
                f"{child.Name} [did not like that at all|was cross], and {child.he} [began to cry|cried].",
            ]
            if grown_up
            else [
                "[They began to argue.|They started to fight.|They both pulled and shouted.]",
                "They both got angry.",
                "[They had a big fight.|Soon they were both shouting.]",
                "[Nobody wanted to give in.|Neither of them would let go.|Each of them wanted it first.]",
            ]
        )
    )
    if t.has("BadEnding") and grown_up:
        t.add(
            f"{child.Name} [ran to {child.his} room|cried for a long time], and [the day was spoiled|nobody felt happy]."
        )
    elif t.has("BadEnding"):
        t.add(
            f"{wanter.Name} [stomped away|ran off crying|went home], and {keeper.name} stayed [angry|mad|upset] for a long time."
        )
    else:
        t.add(resolution)


def twist(t: Teller, line: str) -> bool:
    """A turn the reader did not expect, where the story asks for one."""
    if t.has("Twist"):
        t.markers.add("Twist")
        t.add(line)
        return True
    return False


def foreshadow(t: Teller, hint: str) -> bool:
    """An early warning that the plot later pays off; True when the plot must pay it off."""
    if t.has("Foreshadowing"):
        t.markers.add("foreshadow_hint")
        t.add(hint)
        return True
    return False


# --- the schemas --------------------------------------------------------------------------------------------------
def lost_thing(t: Teller) -> None:
    c = begin(t)
    h, f, p = c.hero, c.friend, c.parent
    t.give(h, c.thing)
    t.add(
        t.pick(
            [
                f"{h.Name} had {t.a(c.thing_adj + ' ' + c.thing)}. {h.He} took it everywhere.",
                f"{h.Name}'s favorite toy was {t.a(c.thing_adj + ' ' + c.thing)}.",
                f"One day, {p.name} gave {h.name} {t.a(c.thing_adj + ' ' + c.thing)}, and {h.he} loved it very much.",
            ]
        )
    )
    warned = foreshadow(
        t,
        f'{p.Name} said, "Hold your {c.thing} tight when the wind blows."'
        if t.has("Dialogue")
        else f"{p.Name} told {h.him} to hold {h.his} {c.thing} tight when the wind blows.",
    )
    t.new_paragraph()
    t.add(
        t.pick(
            [
                f"One day, {h.name} took the {c.thing} to the {c.place}.",
                f"Later, {h.name} and {f.name} went to the {c.place}.",
            ]
        )
    )
    if warned:
        t.add(f"The wind began to blow, just as {p.name} had said.")
        t.markers.add("foreshadow_payoff")
    how = t.pick(
        [
            "a strong wind blew it away",
            "it fell into the tall grass",
            "it rolled behind a big rock",
            "it slipped out of " + h.his + " hands",
        ]
    )
    t.add(f"{h.He} [played and played|ran and jumped|had lots of fun], but then {how}!")
    t.take_from(h, c.thing)
    t.markers.add("consequence")
    t.add(
        f"{h.Name} looked [around|everywhere|all around], but the {c.thing} was gone. {h.He} was [very sad|so sad|sad and scared|upset]."
    )
    t.say(
        h,
        f"[Where is my {c.thing}?|Oh no! Where did my {c.thing} go?|Has anyone seen my {c.thing}?]",
        f"{h.Name} did not know where {h.his} {c.thing} was.",
    )
    t.new_paragraph()
    t.say(
        f,
        "[I will help you look!|Do not worry, we will find it!|Let's look together!]",
        f"{f.Name} wanted to help {h.him} look.",
    )
    if t.has("Conflict"):
        t.add(f"{p.Name} gave them [one flashlight|just one flashlight] to look with.")
    conflict(t, f, h, "flashlight", f"Then they said sorry, and they looked for the {c.thing} together.")
    t.add(
        t.pick(
            [
                "They looked [under the trees|behind the bushes|under the bench|by the fence] and [behind the bushes|in the grass|under the leaves].",
                "They [searched high and low|looked and looked].",
                f"They looked everywhere {c.prep} the {c.place}.",
            ]
        )
    )
    if bad(t):
        if not twist(
            t, f"Then {f.name} saw it! But before they could reach it, a big dog grabbed the {c.thing} and ran away."
        ):
            t.add("But they could not find it. The sun went down and it got dark.")
        t.add(
            t.pick(
                [
                    f"{h.Name} went home without {h.his} {c.thing}. {h.He} cried all night.",
                    f"The {c.thing} was lost forever, and {h.name} was sad for a long time.",
                ]
            )
        )
        ending(t, c, ["you should hold on to the things you love", "it is important to be careful"])
    else:
        if not twist(
            t,
            t.pick(
                [
                    f"Then something surprising happened. A little bird flew down with the {c.thing} and dropped it at {h.his} feet!",
                    f"Then {h.name} put {h.his} hand in {h.his} pocket. The {c.thing} had been there all along!",
                    f"Then they saw a puppy wagging its tail. The puppy had the {c.thing} in its mouth!",
                ]
            ),
        ):
            t.add(f"At last, {f.name} saw something {c.thing_adj} in the grass. It was the {c.thing}!")
        t.give(h, c.thing)
        t.say(
            h,
            f"[Thank you, {f.name}!|You found it! Thank you, {f.name}!|Thank you so much, {f.name}!]",
            f"{h.Name} thanked {f.name} [again and again|with a big hug|over and over].",
        )
        t.add(
            f"{h.Name} [was happy again|felt happy again|was not sad anymore, {h.he} was happy again] and held {h.his} "
            f"{c.thing} [tight|close] [all the way home|the whole way home|on the way back]."
        )
        ending(t, c, ["good friends help each other", "it is good to ask for help", "you should never give up"])
    t.summary = (
        f"{h.Name} loses {h.his} {c.thing_adj} {c.thing} {c.prep} the {c.place} and {f.name} helps {h.him} look for it."
    )


def giving(t: Teller) -> None:
    c = begin(t)
    h, f = c.hero, c.friend
    spare = t.thing(c.thing)
    t.give(h, c.thing)
    t.give(h, spare)
    t.add(f"{h.Name} had {t.a(c.thing_adj + ' ' + c.thing)} and {t.a(spare)}.")
    warned = foreshadow(t, f"The day before, {h.he} had seen {f.name}'s old {c.thing} fall and break.")
    t.new_paragraph()
    t.add(
        t.pick(
            [
                f"One day, {h.name} saw {f.name} {c.prep} the {c.place}. {f.He} looked sad.",
                f"[One morning|One afternoon|The next day], {h.name} met {f.name}, who was [crying|sitting all alone|looking very sad].",
            ]
        )
    )
    t.say(h, "[Why are you sad?|What is wrong?|Why are you crying?]", f"{h.Name} asked {f.name} why {f.he} was sad.")
    t.say(f, f"I have no {c.thing} to play with.", f"{f.Name} said that {f.he} had no {c.thing} to play with.")
    if warned:
        t.markers.add("foreshadow_payoff")
        t.add(f"{h.Name} remembered the {c.thing} that broke the day before.")
    conflict(t, f, h, spare, f"Then {h.name} thought about how {f.name} felt, and {h.his} anger went away.")
    t.add(
        f"{h.Name} [thought for a moment|thought and thought|looked at {f.name}]. Then {h.he} gave {h.his} {c.thing_adj} {c.thing} to {f.name}."
    )
    t.hand_over(h, f, c.thing)
    t.say(
        f,
        "[Thank you! You are so kind.|Really? Thank you!|Oh, thank you! I love it!]",
        f"{f.Name} was very happy and thanked {h.him}.",
    )
    t.add(f"Now {f.name} had the {c.thing}, and {h.name} did not. [The {c.thing} belonged to {f.name} now.|]")
    t.new_paragraph()
    t.add(
        f"The next day, {h.name} wanted to play with {h.his} {c.thing}. But {h.he} remembered that {h.he} had [given it to {f.name}|let {f.name} keep it]."
    )
    t.add(f"So {h.he} played with {h.his} {spare} instead.")
    t.instead(c.thing, spare)
    if bad(t):
        if not twist(
            t, f"Then, to {h.his} surprise, {f.name} said {f.he} did not even like the {c.thing}, and threw it away!"
        ):
            t.add(
                t.pick(
                    [
                        f"But the {spare} broke, and now {h.name} had nothing to play with.",
                        f"Then {f.name} lost the {c.thing} in the river, and {h.name} felt very sad.",
                    ]
                )
            )
        t.add(f"{h.Name} sat alone and wished {h.he} still had {h.his} {c.thing}.")
        ending(t, c, ["sharing can be hard", "you should take care of the things you are given"])
    else:
        if not twist(
            t,
            f"Then, to {h.his} surprise, {f.name} came back with a gift: {t.a(t.thing_adj(c.thing_adj) + ' ' + t.thing(c.thing, spare))} just for {h.him}!",
        ):
            t.add(
                f"[Soon|Later|After lunch], {f.name} came to play too, and they played together [all day|until dinner|all afternoon]."
            )
        t.add(f"{h.Name} felt [warm inside|good inside|happy], because {h.he} had made a friend [happy|smile].")
        ending(
            t,
            c,
            ["sharing makes everyone happy", "being kind is the best thing to do", "giving is better than keeping"],
        )
    t.summary = f"{h.Name} gives {h.his} {c.thing_adj} {c.thing} to {f.name}, who has none, and plays with {h.his} {spare} instead."


def wanting(t: Teller) -> None:
    c = begin(t)
    h, p = c.hero, c.parent
    shop = t.pick(["store", "market", "toy shop", "fair"])
    t.new_paragraph()
    t.add(f"One day, {p.name} took {h.name} to the {shop}.")
    t.add(
        f"There, {h.name} saw {t.a(c.thing_adj + ' ' + c.thing)}. {h.He} wanted it [so much|more than anything|very, very much]!"
    )
    t.say(
        h,
        f"[Can I have the {c.thing}, please?|Please, can we get the {c.thing}?|Look at the {c.thing}! Can I have it?]",
        f"{h.Name} asked {p.name} for the {c.thing}.",
    )
    last = "it was the last one, and a boy had already bought it"
    why = last if t.has("Foreshadowing") else t.pick([last, "it cost too many coins", "it was only for looking at"])
    warned = foreshadow(t, f"{h.Name} saw that there was only one {c.thing} left.") if "last one" in why else False
    t.say(
        p,
        "[I am sorry, but we cannot get it.|Not today, sweetie.|No, we cannot buy it today.]",
        f"{p.Name} said no, because {why}.",
    )
    if warned:
        t.markers.add("foreshadow_payoff")
    t.add(f"{h.Name} [could not have|could not get|would not get] the {c.thing}[.| after all.| today.]")
    conflict(t, h, p, c.thing, f"Then {p.name} hugged {h.him}, and {h.he} stopped crying.")
    t.new_paragraph()
    if bad(t):
        twist(
            t,
            f"Then, to {h.his} surprise, {p.name} said {h.he} could have the {c.thing} for {h.his} birthday. But that was a whole year away!",
        )
        t.add(f"{h.Name} [cried|sulked|pouted] and did not want anything else. {h.He} went home with nothing.")
        t.add(
            t.pick([f"All night, {h.he} thought about the {c.thing}.", f"{h.He} was grumpy for the rest of the day."])
        )
        ending(t, c, ["you cannot always have what you want", "crying does not help"])
    else:
        other = t.thing(c.thing)
        t.add(f"So {h.name} looked around and picked {t.a(other)} instead.")
        t.instead(c.thing, other)
        t.give(h, other)
        if not twist(t, f"When {h.he} got home, {h.he} found that the {other} was even more fun than the {c.thing}!"):
            t.add(f"At home, {h.name} played with the {other} [all day|until bedtime|all afternoon].")
        t.add(f"{h.Name} liked to {verb_phrase(t, 'base')} with it too.")
        ending(
            t,
            c,
            [
                "you cannot always have what you want, but you can be happy with what you have",
                "it is good to be thankful",
            ],
        )
    t.summary = f"{h.Name} wants {t.a(c.thing_adj + ' ' + c.thing)} at the {shop} but cannot have it."


def learning(t: Teller) -> None:
    c = begin(t)
    h, f, p = c.hero, c.friend, c.parent
    skill = t.pick(["ride a bike", "swim", "climb the big tree", "jump over the log", "skip with a rope", "whistle"])
    t.new_paragraph()
    t.add(f"{h.Name} [wanted to learn to|wished {h.he} could|really wanted to] {skill}, just like {f.name}.")
    t.add(
        t.pick(
            [
                f"One day, {h.he} took {h.his} {c.thing_adj} {c.thing} and went with {f.name} to the {c.place}.",
                f"So one morning, {h.name} put {h.his} {c.thing_adj} {c.thing} down {c.prep} the {c.place} and got ready.",
            ]
        )
    )
    t.say(
        h,
        "[Can you show me how?|How do you do it?|Will you teach me?]",
        f"{h.Name} asked {f.name} to show {h.him} how.",
    )
    t.say(f, "[Yes! Watch me.|Sure! Look at me.|Of course! It is easy.]", f"{f.Name} said yes and showed {h.him}.")
    warned = foreshadow(
        t, f"{p.Name} told {h.name} to put on {h.his} {c.thing_adj} helmet first, but {h.he} did not listen."
    )
    t.add(
        f"{h.Name} tried, but {h.he} fell [down|over|on the ground]. [{h.His} knee hurt, so {h.he} cried a little.|It hurt, and {h.he} wanted to quit.|{h.He} felt like giving up.]"
    )
    t.markers.add("consequence")
    if warned:
        t.markers.add("foreshadow_payoff")
        t.add(f"{h.He} wished {h.he} had put on the helmet, like {p.name} said.")
    conflict(t, h, f, "next turn", "Then they took turns, and nobody was angry anymore.")
    t.new_paragraph()
    if bad(t):
        if not twist(t, f"Then, to everyone's surprise, {f.name} fell down too, and they both went home crying."):
            t.add(f"{h.Name} tried again and fell again. {h.He} gave up and went home.")
        t.add(f"{h.He} never learned to {skill}, and {h.he} felt sad whenever {h.he} saw {f.name}.")
        ending(t, c, ["you should listen to grown-ups", "giving up means you never learn"])
    else:
        t.add(
            f"{h.Name} [did not give up|kept trying|would not stop]. {h.He} tried [again and again|every day|one more time, and then one more]."
        )
        twist(t, f"Then something funny happened. {h.Name} did it so well that {f.name} asked {h.him} for help!")
        t.add(
            f"[At last|Finally|Then one day], {h.he} could {skill}! {h.He} was [so proud of {h.himself}|very proud|so happy]."
        )
        t.say(
            p, "[Well done!|You did it!|I am so proud of you!|Good job!]", f"{p.Name} clapped and cheered for {h.him}."
        )
        t.add(f"After that, {h.name} and {f.name} would {skill} and {verb_phrase(t, 'base')} together.")
        ending(t, c, ["practice makes you better", "you should never give up", "trying is how we learn"])
    t.summary = f"{h.Name} wants to learn to {skill} like {f.name} and falls at first."


def helping(t: Teller) -> None:
    c = begin(t)
    h, f, p = c.hero, c.friend, c.parent
    critter = c.friend if c.friend.gender == "n" or c.friend.kind not in ("girl", "boy") else t.animal(named=False)
    trouble, fix = t.pick(
        [
            ("was stuck up in a tall tree", "a long ladder"),
            ("was stuck in the mud", "a long stick"),
            ("had fallen into a deep hole", "a rope"),
            ("was caught in a net", "a pair of scissors"),
        ]
    )
    t.new_paragraph()
    t.add(f"One day, {h.name} went {c.prep} the {c.place} with {h.his} {c.thing_adj} {c.thing}.")
    t.give(h, c.thing)
    t.add(f"There {h.he} heard a [small|little|sad] [cry|sound|noise]. {critter.Name} {trouble}!")
    t.say(critter, "[Help me, please!|Help! Help!|Can someone help me?]", f"{critter.Name} needed help.")
    warned = foreshadow(t, f"{h.Name} remembered that {p.name} kept {fix} in the shed.")
    t.add(f"{h.Name} wanted to help, but {h.he} was too [small|little] to do it [alone|by {h.himself}].")
    if warned:
        t.markers.add("foreshadow_payoff")
        t.add(f"So {h.he} ran home and came back with {fix}, just as {h.he} had remembered.")
    else:
        t.add(f"{h.He} ran to get {p.name}, and {p.name} brought {fix}.")
    helper = f if f is not critter else p
    conflict(
        t, helper, h, fix.split()[-1], f"Then they saw that {critter.name} needed them both, so they worked together."
    )
    t.new_paragraph()
    if bad(t):
        twist(t, f"Then, to {h.his} surprise, {critter.name} was not really stuck at all. It was only playing a game!")
        t.add(
            f"But when they pulled, {critter.name} got scared and ran away. {h.Name} fell down and dropped {h.his} {c.thing}, and it broke."
        )
        t.take_from(h, c.thing)
        t.markers.add("consequence")
        t.add(f"{h.Name} went home sad, with no {c.thing} and no new friend.")
        ending(t, c, ["some animals are scared of help", "you should be careful"])
    else:
        t.add(f"They used {fix}, and soon {critter.name} was free!")
        t.markers.add("consequence")
        twist(t, f"Then {critter.name} did something nobody expected: {critter.he} brought {h.name} a shiny gold coin!")
        t.say(
            critter,
            "[Thank you! You saved me.|Thank you for helping me!|You are my hero!]",
            f"{critter.Name} was very thankful.",
        )
        t.add(
            f"[From then on|After that|Since that day], {critter.name} and {h.name} were [the best of friends|best friends|good friends]. "
            f"They [liked to|loved to|would] {verb_phrase(t, 'base')} together."
        )
        ending(t, c, ["it is good to help others", "even small people can do big things"])
    t.summary = f"{h.Name} helps {critter.name}, who {trouble}."


def making(t: Teller) -> None:
    c = begin(t)
    h, f, p = c.hero, c.friend, c.parent
    what, stuff = t.pick(
        [
            ("tower", "blocks"),
            ("sandcastle", "sand"),
            ("cake", "flour and eggs"),
            ("fort", "pillows"),
            ("card", "paper and crayons"),
        ]
    )
    t.new_paragraph()
    t.add(
        f"[One day|One afternoon|After lunch], {h.name} and {f.name} [wanted to make|decided to build|had an idea: to make] a big {what} {c.prep} the {c.place}."
    )
    t.add(
        f"They [got|found|brought] {stuff}, and {h.name} brought {h.his} {c.thing_adj} {c.thing} [to put on top|for the top|to make it special]."
    )
    t.say(
        h,
        f"[Let's make the best {what} ever!|This will be the biggest {what} in the world!|Let's make it really big!]",
        f"{h.Name} said they would make the best {what} ever.",
    )
    warned = foreshadow(t, "A big dog was running around nearby, wagging its long tail.")
    conflict(t, f, h, c.thing, f"Then they decided to put the {c.thing} on top together, and they laughed.")
    t.add(
        f"They worked [hard|together] all [morning|afternoon|day]. [The {what} got bigger and bigger|Slowly, the {what} grew|Little by little, the {what} got taller]."
    )
    t.new_paragraph()
    if warned or t.chance(0.3):
        t.add(
            f"Then {'the big dog' if warned else 'a puppy'} ran by and bumped into the {what}. [It fell down!|Down it went!|It all fell over!]"
        )
        t.markers.add("consequence")
        if warned:
            t.markers.add("foreshadow_payoff")
        broke = True
    else:
        broke = False
    if bad(t):
        twist(t, "Then, to their surprise, it began to rain, and the water washed everything away.")
        t.add(
            f"The {what} was ruined"
            + (", and the " + c.thing + " was broken too." if broke else f". {h.Name} knocked it over by mistake.")
        )
        t.markers.add("consequence")
        t.add(
            f"{h.Name} and {f.name} were too tired to start again. They went home [sad|slowly, with their heads down]."
        )
        ending(t, c, ["things can break in a moment", "you should build in a safe place"])
    else:
        if broke:
            t.add(
                "But they [did not give up|were not sad for long|just laughed]. They [built it again|started over|made a new one], [even better than before|bigger than before|and this time it stayed up]."
            )
        if not twist(
            t,
            f"When they were done, {p.name} came and said it was the best {what} in the whole town, and took a picture of it!",
        ):
            t.add(f"When they were done, the {what} was beautiful, with the {c.thing} on top.")
        t.add(f"{h.Name} and {f.name} smiled. Then they went to {verb_phrase(t, 'base')}.")
        ending(t, c, ["working together makes things better", "if something breaks, you can try again"])
    t.summary = f"{h.Name} and {f.name} make a {what} {c.prep} the {c.place} and put {t.a(c.thing)} on top."


def rainy_day(t: Teller) -> None:
    c = begin(t)
    h, f, p = c.hero, c.friend, c.parent
    t.new_paragraph()
    t.add(f"One morning, {h.name} wanted to go to the {c.place} to {verb_phrase(t, 'base')}.")
    t.add(f"{h.He} wanted to take {h.his} {c.thing_adj} {c.thing} too.")
    warned = foreshadow(t, f"But {h.he} saw big gray clouds in the sky.")
    t.add(
        "[Then|But then|Just then] it began to rain. [It rained and rained.|The rain came down hard.|Big drops fell from the sky.]"
    )
    if warned:
        t.markers.add("foreshadow_payoff")
    t.say(p, f"We cannot go to the {c.place} today.", f"{p.Name} said they could not go to the {c.place} in the rain.")
    t.add(
        f"{h.Name} [could not go outside|had to stay inside|could not go out to play], so {h.he} had to "
        "[pick|find|think of] something else to do."
    )
    t.instead(c.place, "inside")
    other = f if f.kind in ("girl", "boy") else p
    conflict(t, other, h, c.thing, "Then they played with it one at a time, and it was fun for both.")
    t.new_paragraph()
    if bad(t):
        t.add(f"But {h.name} did not want to do anything else. {h.He} sat by the window all day.")
        twist(t, f"Then, just when {h.he} got into bed, the sun came out. But it was too late to go out and play.")
        t.add(f"The rain did not stop, and {h.name} was bored and grumpy until bedtime.")
        ending(t, c, ["being grumpy makes a day worse", "you cannot change the weather"])
    else:
        t.add(f"So {h.he} played with {h.his} {c.thing} inside.")
        if not twist(
            t,
            f"Then, just when {h.he} was having the most fun, the sun came out and a big rainbow shone over the {c.place}!",
        ):
            t.add(f"It was so much fun that {h.he} forgot all about the [rain|gray sky|wet weather].")
        t.add(f"[That night|At dinner], {h.name} told {p.name} it was a [great|good|fun] day after all.")
        ending(t, c, ["you can have fun even when plans change", "a rainy day can be a happy day"])
    t.summary = f"Rain stops {h.name} from going to the {c.place}, so {h.he} plays inside with {h.his} {c.thing}."


def exploring(t: Teller) -> None:
    c = begin(t)
    h, f, p = c.hero, c.friend, c.parent
    t.new_paragraph()
    t.add(
        f"[One day|One morning|After breakfast], {h.name} and {f.name} [went to explore|set out to explore|decided to explore] the {c.place}."
    )
    warned = foreshadow(t, f"{p.Name} told them to come home before dark.")
    t.add(
        f"They [walked and walked|walked for a long time|went down a little path]. [Then|Soon|After a while], {h.name} saw something {c.thing_adj} under a bush. It was {t.a(c.thing_adj + ' ' + c.thing)}!"
    )
    t.give(h, c.thing)
    t.say(
        h, "[Look what I found!|Look! Come and see!|Wow, look at this!]", f"{h.Name} showed {f.name} what {h.he} found."
    )
    t.say(f, "[Wow! Whose is it?|Where did it come from?|Is it ours now?]", f"{f.Name} wondered whose it was.")
    conflict(t, f, h, c.thing, f"Then they agreed that the {c.thing} belonged to both of them.")
    t.new_paragraph()
    if bad(t):
        twist(t, f"Then a crow flew down, took the {c.thing} in its beak, and flew away with it!")
        t.add("They played so long that it got dark" + (", just as " + p.name + " had warned." if warned else "."))
        if warned:
            t.markers.add("foreshadow_payoff")
        t.add(f"They got lost {c.prep} the {c.place}, and {h.name} dropped the {c.thing}.")
        t.take_from(h, c.thing)
        t.markers.add("consequence")
        t.add(f"When they got home, they were cold and scared, and the {c.thing} was gone.")
        ending(t, c, ["you should listen to your parents", "it is not safe to stay out late"])
    else:
        if warned:
            t.add(f"When the sun got low, they remembered what {p.name} said and went home.")
            t.markers.add("foreshadow_payoff")
        twist(
            t, f"Then the {c.thing} began to shake! Under it was a tiny turtle, and it had been hiding there all along."
        )
        t.add(f"They took the {c.thing} home and showed {p.name}. {p.Name} smiled.")
        t.add(f"{h.Name} and {f.name} could not wait to [explore again|go back|go on another adventure].")
        ending(t, c, ["the world is full of surprises", "it is fun to explore with a friend"])
    t.summary = f"{h.Name} and {f.name} explore the {c.place} and find {t.a(c.thing_adj + ' ' + c.thing)}."


SCHEMAS: dict[str, Callable[[Teller], None]] = {
    "lost_thing": lost_thing,
    "giving": giving,
    "wanting": wanting,
    "learning": learning,
    "helping": helping,
    "making": making,
    "rainy_day": rainy_day,
    "exploring": exploring,
}
