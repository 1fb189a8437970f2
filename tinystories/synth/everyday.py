"""Everyday episodes: the small scenes of a child's day (a trip to the park, a snack, an animal met on the way,
a game with a friend) that real children's stories spend most of their words on before and around the plot.
Each one varies its sentences and draws from typed word pools, so that every noun fits its verb ("fed the
ducks", never "cut the wagons"), and a corpus of them reads like many stories, not one template.
"""

from __future__ import annotations

from collections.abc import Callable

from tinystories.synth.family import EPISODES as FAMILY_EPISODES
from tinystories.synth.knowledge import EPISODES as KNOWLEDGE_EPISODES
from tinystories.synth.make_believe import EPISODES as MAKE_BELIEVE_EPISODES
from tinystories.synth.narration import aside
from tinystories.synth.teller import Character, Teller
from tinystories.synth.words import (
    ADVERBS,
    ANIMAL_LOOKS,
    ANIMAL_SOUNDS,
    CHORES,
    FEELINGS,
    FOOD_TASTES,
    GAMES,
    MORE_VERBS,
    NATURE,
    PLACE_ACTIVITIES,
    PRETEND,
    SKY,
    VERBS,
    VISITORS,
    Verb,
    plural,
)

_FORMS: dict[str, Verb] = {}
for _v in MORE_VERBS + VERBS:
    _FORMS.setdefault(_v.base, _v)
ACTIVITIES = {place: [a.strip() for a in text.split("|")] for place, text in PLACE_ACTIVITIES.items()}


def activity(phrase: str, form: str) -> str:
    """An activity phrase ("feed the ducks") in its base, past ("fed the ducks") or -ing form."""
    head, _, rest = phrase.partition(" ")
    verb = _FORMS[head]
    word = {"base": verb.base, "past": verb.past, "ing": verb.ing}[form]
    return f"{word} {rest}".strip()


# --- the episodes -------------------------------------------------------------------------------------------------
def outing(t: Teller, hero: Character, friend: Character, parent: Character) -> None:
    """A trip somewhere with things done there."""
    place = t.pick(list(ACTIVITIES))
    first, second = t.pick(ACTIVITIES[place]), t.pick(ACTIVITIES[place])
    who = t.pick([friend, parent])
    when = t.pick(["One sunny day", "On Saturday", "After breakfast", "In the afternoon", "One morning", "Later"])
    t.add(
        t.pick(
            [
                f"{when}, {who.name} took {hero.name} to the {place}.",
                f"{when}, {hero.name} and {who.name} went to the {place}.",
                f"{when}, {hero.name} asked {who.name} to go to the {place}.",
            ]
        )
    )
    t.add(t.pick(SKY))
    if second == first:
        t.add(f"They {activity(first, 'past')} for a long time.")
    else:
        t.add(
            t.pick(
                [
                    f"First they {activity(first, 'past')}. Then they {activity(second, 'past')}.",
                    f"They {activity(first, 'past')} and {activity(second, 'past')}.",
                    f"{hero.Name} loved to {activity(first, 'base')}, so they did that first.",
                ]
            )
        )
    t.say(
        hero,
        t.pick(["This is so much fun!", f"I love the {place}!", "Can we come back tomorrow?", "Look at me!"]),
        f"{hero.Name} {t.pick(['laughed and laughed', 'had so much fun', 'did not want to go home'])}.",
    )


def animal_met(t: Teller, hero: Character, friend: Character, parent: Character) -> None:
    """An animal on the way: what it looked like, what it said, what the child did."""
    kind = t.pick(list(ANIMAL_SOUNDS))
    look, look2 = t.pick(ANIMAL_LOOKS), t.pick(ANIMAL_LOOKS)
    where = t.pick(["under a bush", "by the gate", "in the grass", "on the path", "near the fence", "in a tree"])
    t.add(
        t.pick(
            [
                f"On the way, {hero.name} saw {t.a(look + ' ' + kind)} {where}.",
                f"Then {hero.name} heard a sound {where}. It was {t.a(look + ' ' + kind)}!",
                f"{t.pick(['Suddenly', 'Just then', 'After a while'])}, {t.a(look + ' ' + kind)} appeared {where}.",
            ]
        )
    )
    sound, said = ANIMAL_SOUNDS[kind]
    t.add(
        t.pick(
            [
                f'"{sound}!" said the {kind}.',
                f"The {kind} {said} at {hero.him}.",
                f"The {kind} {said} {t.pick(ADVERBS)}.",
            ]
        )
        if t.has("Dialogue")
        else f"The {kind} {said} at {hero.him}."
    )
    t.say(
        hero,
        t.pick([f"Hello, little {kind}!", f"What a {look} {kind}!", f"Can I pet you, {kind}?", "Do you want to play?"]),
        f"{hero.Name} wanted to pet the {kind}.",
    )
    if t.chance(0.5):
        t.say(
            parent,
            t.pick(["Be gentle.", "Go slowly, so you do not scare it.", "Let it smell your hand first."]),
            f"{parent.Name} told {hero.him} to be gentle.",
        )
    t.add(
        t.pick(
            [
                f"The {kind} was {look2} and {t.pick(ANIMAL_LOOKS)}. {hero.Name} smiled.",
                f"The {kind} looked at {hero.him} and then ran away.",
                f"The {kind} came closer and sat next to {hero.him}.",
                f"{hero.Name} gave the {kind} a little piece of bread, and it ate it all up.",
            ]
        )
    )


def snack(t: Teller, hero: Character, friend: Character, parent: Character) -> None:
    food = t.pick(t.vocab.foods)
    taste = t.pick(FOOD_TASTES)
    t.add(
        t.pick(
            [
                f"When they got hungry, {parent.name} gave them {plural(food)}.",
                f"At lunch, {parent.name} made {plural(food)} for everyone.",
                f"{parent.Name} had baked {plural(food)}, and the house smelled so good.",
                f"After a while, they sat down to [eat|have|share] {plural(food)}.",
            ]
        )
    )
    t.say(
        hero,
        t.pick(["Yum! This is so good!", "Thank you! I love these!", f"Can I have one more, {parent.name}?"]),
        f"{hero.Name} [said thank you|said thanks|smiled and said thank you].",
    )
    t.add(
        t.pick(
            [
                f"The {plural(food)} were {taste} and {t.pick(FOOD_TASTES)}.",
                f"{hero.Name} ate {t.pick(['every bite', 'it all up', 'slowly', 'very fast'])}.",
                f"{hero.Name} shared some with {friend.name}, and they both smiled.",
            ]
        )
    )


def chores(t: Teller, hero: Character, friend: Character, parent: Character) -> None:
    base, past, ing = t.pick(CHORES)
    base2, past2, _ = t.pick([c for c in CHORES if c[0] != base])
    t.add(
        t.pick(
            [
                f"{parent.Name} was busy, so {hero.name} helped {parent.him} {base}.",
                f"{hero.Name} wanted to [be a good helper|help|be useful]. {hero.He} asked if {hero.he} could {base}.",
                f"That morning, {hero.name} {past} all by {hero.himself}.",
            ]
        )
    )
    t.add(
        t.pick(
            [
                f"Then {hero.he} {past2} too.",
                f"{ing.capitalize()} was hard work, but {hero.he} did not stop.",
                f"It took a long time, but {hero.he} worked {t.pick(['hard', 'carefully', 'quickly', 'slowly'])}.",
            ]
        )
    )
    t.say(
        parent,
        t.pick(["You are such a good helper!", "Thank you so much!", "What a big help you are!"]),
        f"{parent.Name} said {hero.he} was a good helper.",
    )
    t.add(f"{hero.Name} felt {t.pick(['proud', 'happy', 'big and strong', 'very grown up'])}.")


def pretending(t: Teller, hero: Character, friend: Character, parent: Character) -> None:
    role, home, deed = t.pick(PRETEND)
    stuff = t.pick(["a big box", "some blankets", "the chairs", "pillows and a sheet", "old boxes"])
    t.add(
        t.pick(
            [
                f"{hero.Name} and {friend.name} played pretend. {hero.Name} was {role}.",
                f"That afternoon, {hero.name} pretended to be {role}.",
                f"{hero.Name} put on a funny hat and said {hero.he} was {role}.",
            ]
        )
    )
    t.add(f"{hero.He} made a {home} out of {stuff}.")
    t.add(f"In the game, {hero.he} {deed}.")
    t.say(
        friend if friend is not hero else hero,
        t.pick(["Can I play too?", "This is the best game!", "Let's do it again!", "Now it is my turn!"]),
        f"They played the game {t.pick(['again and again', 'until it was time for dinner', 'all afternoon'])}.",
    )


def drawing(t: Teller, hero: Character, friend: Character, parent: Character) -> None:
    subject = t.pick(
        [t.pick(t.vocab.animals), t.pick(NATURE), t.pick(t.vocab.toys), "the sun", "a big house", "the family"]
    )
    colors = t.pick(["red and blue", "green and yellow", "pink and purple", "orange and brown", "every color"])
    t.add(
        t.pick(
            [
                f"{hero.Name} took out {hero.his} crayons and drew "
                f"{t.a(subject) if not subject.startswith(('the ', 'a ')) else subject}.",
                f"{hero.Name} sat [at the table|on the floor|by the window] and [painted|drew] a picture of "
                f"{t.a(subject) if not subject.startswith(('the ', 'a ')) else subject}.",
            ]
        )
    )
    t.add(f"{hero.He} used {colors}.")
    t.say(
        hero,
        f"Look, {parent.name}! [I made this for you!|This is for you!|I made it just for you!]",
        f"{hero.Name} [showed the picture to|ran to show the picture to|gave the picture to] {parent.name}.",
    )
    t.add(
        t.pick(
            [
                f"{parent.Name} put the picture on the fridge.",
                f"{parent.Name} said it was beautiful and gave {hero.him} a hug.",
                f"{parent.Name} smiled and hung it on the wall.",
            ]
        )
    )


def game(t: Teller, hero: Character, friend: Character, parent: Character) -> None:
    name = t.pick(GAMES)
    if friend is hero:
        return
    t.add(
        t.pick(
            [
                f"[Later|In the afternoon|After lunch], {friend.name} came over to play.",
                f"After lunch, {hero.name} and {friend.name} played {name}.",
                f"{friend.Name} knocked on the door. {friend.He} wanted to play {name}.",
            ]
        )
    )
    if name == "hide and seek":
        spot = t.pick(["behind the couch", "under the bed", "in the closet", "behind a big tree", "under a blanket"])
        t.add(f"{hero.Name} hid {spot}, and {friend.name} counted to ten.")
        t.say(friend, "Ready or not, here I come!", f"Then {friend.name} looked for {hero.him}.")
        t.add(f"It took a long time, but at last {friend.name} found {hero.him}. They both laughed.")
    else:
        t.add(
            t.pick(
                [
                    f"They played {name} until they were tired.",
                    f"They ran and laughed and played {name} all afternoon.",
                    f"{friend.Name} was very good at {name}, but {hero.name} was good too.",
                ]
            )
        )
        t.say(
            friend,
            t.pick(["That was fun!", "Let's play again tomorrow!", "You are fast!"]),
            "[They had fun.|It was a good game.|They played until it was time to go.]",
        )


def visit(t: Teller, hero: Character, friend: Character, parent: Character) -> None:
    name, gender, kind = t.pick(VISITORS)
    grown = Character(name, gender, kind)
    if any(c.name == name for c in t.characters):
        return
    t.characters.append(grown)
    food = t.pick(t.vocab.foods)
    t.add(
        t.pick(
            [
                f"On Sunday, {hero.name} went to visit {name}.",
                f"{name} came to visit, and {hero.name} was so happy to see {grown.him}.",
                f"{hero.Name} loved to visit {name}, who lived in a little house with a red door.",
            ]
        )
    )
    t.add(
        t.pick(
            [
                f"{name} had made {plural(food)}, and they were {t.pick(FOOD_TASTES)}.",
                f"{name} told {hero.him} a story about when {grown.he} was little.",
                f"{name} showed {hero.him} the flowers in {grown.his} garden.",
                "They sat on the [porch|steps|swing] and [looked at the birds|watched the clouds go by|talked about their day].",
            ]
        )
    )
    t.say(grown, t.pick(["I missed you!", "You have grown so big!", "Come here and give me a hug!"]), "")


def bath_and_bed(t: Teller, hero: Character, friend: Character, parent: Character) -> None:
    toy = t.pick(["rubber duck", "little boat", "toy fish", "plastic frog"])
    t.add(
        t.pick(
            [
                f"[That evening|Before bed|After dinner], {hero.name} had a bath with [lots of bubbles|warm water and bubbles|a rubber duck]. {hero.He} played with {hero.his} {toy}.",
                f"[After dinner|At bedtime|When it got dark], {hero.name} brushed {hero.his} teeth and put on {hero.his} [pajamas|nightgown|cozy pajamas].",
                f"When it got dark, {parent.name} read {hero.him} a story about {t.a(t.pick(t.vocab.animals))}.",
            ]
        )
    )
    t.add(
        t.pick(
            [
                f"{hero.Name} looked out the window at [the moon and the stars|the round yellow moon|the twinkling stars].",
                f"{hero.Name} was so sleepy that {hero.he} yawned "
                f"{t.pick(['three times', 'a big yawn', 'and yawned'])}.",
                f"{parent.Name} tucked {hero.him} into bed[ and turned off the light|, gave {hero.him} a kiss and turned off the light| and read {hero.him} a story].",
            ]
        )
    )
    t.say(parent, "Good night, sleep tight.", "", how="whispered")


def garden_growing(t: Teller, hero: Character, friend: Character, parent: Character) -> None:
    plant = t.pick(["sunflower", "tomato", "carrot", "bean", "pumpkin", "rose", "daisy", "strawberry"])
    t.add(
        t.pick(
            [
                f"In the spring, {hero.name} and {parent.name} planted {plant} seeds in the garden.",
                f"{hero.Name} put a little {plant} seed in a pot of dirt.",
            ]
        )
    )
    t.add(
        f"[Every day|Each morning|Every day after that], {hero.he} [gave it water|watered it|gave it a little water] "
        "and waited [patiently|and waited|for it to grow]."
    )
    t.add(
        t.pick(
            [
                f"One morning, {hero.he} saw a tiny green leaf. The {plant} was growing!",
                f"[Soon|Before long|By summer] the little plant was taller than {hero.name}!",
                "At first nothing happened, but then [a small green shoot came up|two tiny leaves peeked out of the dirt|a little sprout pushed up].",
            ]
        )
    )
    t.say(hero, "It is growing!", f"{hero.Name} was {t.pick(FEELINGS[:4])}.")


def ride(t: Teller, hero: Character, friend: Character, parent: Character) -> None:
    how = t.pick(["in the car", "on the bus", "on the train", "on {his} bike", "in a little boat"])
    how = how.replace("{his}", hero.his)
    seen = t.pick(["cows", "tall buildings", "red barns", "houses", "trees", "sheep", "horses", "bridges", "boats"])
    t.add(
        t.pick(
            [
                f"[One day|On the weekend|In the summer], they went {how}. {hero.Name} looked out and saw {seen}.",
                f"{hero.Name} rode {how} for a long time and counted the {seen} [on the way|that went by].",
            ]
        )
    )
    t.say(
        hero,
        "[Are we there yet?|How much longer?|Is it far?]",
        f"{hero.Name} asked if they were [there yet|almost there|nearly there].",
    )
    t.add(t.pick([f"{parent.Name} laughed.", "Not yet, but soon.", f"{parent.Name} said it was not far now."]))


def rain_or_snow(t: Teller, hero: Character, friend: Character, parent: Character) -> None:
    if t.chance(0.5):
        t.add("[Then|Soon|All of a sudden] it [started to rain|began to rain|started to pour|started raining].")
        t.add(
            t.pick(
                [
                    f"{hero.Name} put on {hero.his} boots and jumped in the puddles. Splash!",
                    f"{hero.Name} watched the rain from the window. The drops ran down the glass.",
                    f"{hero.Name} and {friend.name} ran inside and got dry with a big towel.",
                ]
            )
        )
    else:
        t.add("[In the winter|One winter day|When winter came], it snowed [and snowed|all night|a lot].")
        t.add(
            t.pick(
                [
                    f"{hero.Name} made a snowman with [a carrot nose|stones for eyes|a scarf and a hat].",
                    f"{hero.Name} and {friend.name} made snow angels and threw snowballs.",
                    f"{hero.Name} went down the hill on a sled, fast as the wind.",
                ]
            )
        )
    t.say(hero, t.pick(["I love the rain!", "I love snow!", "Brr, it is cold!"]), "")


def music(t: Teller, hero: Character, friend: Character, parent: Character) -> None:
    thing = t.pick(["drum", "little piano", "guitar", "bell", "whistle", "horn"])
    t.add(
        t.pick(
            [
                f"{hero.Name} played {hero.his} {thing} and sang a song.",
                f"{hero.Name} and {friend.name} danced to the music, round and round.",
                f"{parent.Name} [turned on some music|played a happy song|put on a song], and {hero.name} danced {t.pick(ADVERBS)}.",
            ]
        )
    )
    t.add(
        t.pick(
            [
                "The song was about a little bird who wanted to fly.",
                f"{hero.He} sang [very loud|so loudly|as loud as {hero.he} could], and the cat [ran out of the room|hid under the bed|put its paws over its ears].",
                "[Everyone clapped when the song was over.|When the song ended, everyone cheered.|Everyone said it was a lovely song.]",
            ]
        )
    )


def haircut(t: Teller, hero: Character, friend: Character, parent: Character) -> None:
    t.add(
        f"[One morning|On Saturday|Before the party], {parent.name} took {hero.name} to get a haircut. "
        f"{hero.Name} sat in a [big|tall|red] chair that [could spin around|went up and down|had a booster seat]."
    )
    t.add(
        "[Snip, snip, snip went the scissors.|The scissors went snip, snip.|The hairdresser hummed while she worked.] "
        f"[Little bits of hair fell on the floor.|The hair tickled {hero.his} neck.|A curl landed on {hero.his} nose.]"
    )
    t.say(hero, "[I look so different!|Is that me?]", f"{hero.Name} looked in the mirror and [giggled|grinned].")
    t.add(f"[At the end|When it was over], {hero.he} got a [sticker|lollipop|little comb] for sitting so still.")


def checkup(t: Teller, hero: Character, friend: Character, parent: Character) -> None:
    t.add(f"[One day|On Tuesday|That week], {hero.name} went to see the doctor for a checkup.")
    t.add(
        "The doctor [listened to|checked] [the heart|the breathing] with a cold stethoscope, "
        f"and [looked in {hero.his} ears with a little light|tapped {hero.his} knee with a tiny hammer|"
        f"measured how tall {hero.he} was|checked {hero.his} throat with a wooden stick]."
    )
    t.say(
        hero,
        "[Am I healthy?|Did I grow?|Will it hurt?]",
        f"{hero.Name} asked [if everything was okay|how tall {hero.he} was].",
    )
    t.add(
        f"The doctor smiled and said {hero.name} was [strong and healthy|growing well|as fit as a fiddle]. "
        f"{hero.He} was [proud|relieved|happy]."
    )


def baking(t: Teller, hero: Character, friend: Character, parent: Character) -> None:
    treat = t.pick(["muffins", "cookies", "a cake", "bread", "pancakes", "gingerbread men", "a pie", "buns"])
    t.add(f"[One rainy afternoon|On Sunday|After school], {hero.name} helped {parent.name} make {treat}.")
    t.add(
        f"{hero.He} [cracked the eggs|poured the flour|stirred the batter|measured the sugar|sprinkled the "
        "raisins|licked the spoon], and [there was flour everywhere|a little got on the floor|it made a big mess|"
        f"{hero.his} apron got all sticky]."
    )
    t.add("[Soon the kitchen smelled warm and sweet.|They waited by the oven and watched.|The timer went ding!]")
    t.say(
        hero,
        "[Can I have the first one?|They look so good!]",
        f"{hero.Name} could not wait to [try one|taste them|have a bite].",
    )


EPISODES: list[Callable[[Teller, Character, Character, Character], None]] = [
    outing,
    animal_met,
    snack,
    chores,
    pretending,
    drawing,
    game,
    visit,
    bath_and_bed,
    garden_growing,
    ride,
    rain_or_snow,
    music,
    haircut,
    checkup,
    baking,
    *KNOWLEDGE_EPISODES,
    *FAMILY_EPISODES,
    *MAKE_BELIEVE_EPISODES,
]


def episodes(t: Teller, hero: Character, friend: Character, parent: Character, n: int) -> None:
    """`n` different episodes, each in its own paragraph, each with a sentence or two of free narration after it (`narration.aside`)."""
    for episode in t.rng.sample(EPISODES, n):
        t.new_paragraph()
        episode(t, hero, friend, parent)
        aside(t, hero, friend)
        if t.chance(0.5):
            aside(t, hero, friend)
