"""Make-believe: a fairy with one wish, a bedtime story about a king or a princess, a wish on a star, the monster
under the bed, a stick that is a magic wand. Many real children's stories are half magic, and their words (fairy,
castle, wish, wand, dragon) are part of the vocabulary a reader of them expects.
"""

from __future__ import annotations

from tinystories.synth.teller import Character, Teller

ROYALS = {"king": "he", "queen": "she", "prince": "he", "princess": "she"}


def fairy_wish(t: Teller, hero: Character, friend: Character, parent: Character) -> None:
    fairy = Character("the fairy", "f", "fairy")
    t.characters.append(fairy)
    wish = t.thing()
    t.add(
        "[One night|That evening|As the moon came up], a tiny fairy flew in through "
        f"{hero.name}'s window. The fairy had [shiny|sparkly|silver|see-through] wings and a magic wand."
    )
    t.say(
        fairy,
        "[I can give you one wish.|Make a wish, and I will make it come true.]",
        f"The fairy said that {hero.name} could make one wish.",
    )
    t.add(
        f"{hero.Name} [thought hard|thought and thought|did not know what to pick at first]. Then {hero.he} wished "
        f"for {t.a(t.thing_adj() + ' ' + wish)}."
    )
    t.add(
        "The fairy waved her wand. [Poof!|Zap!|Sparkle, sparkle!|There was a flash of light.] "
        f"[The {wish} was right there on the bed.|Just like that, the {wish} appeared.]"
    )
    t.say(hero, "[Thank you, fairy!|Wow, it's magic!|This is amazing!]", f"{hero.Name} was amazed.")
    t.add(
        "Then the fairy [flew away|was gone|disappeared into the night], and "
        f"{hero.name} [wondered if it had all been a dream|smiled and went to sleep|never forgot that night]."
    )


def royal_story(t: Teller, hero: Character, friend: Character, parent: Character) -> None:
    royal = t.pick(list(ROYALS))
    he = ROYALS[royal]
    t.add(
        f"[Before bed|At bedtime|One night], {parent.name} read {hero.name} a story about a [kind|brave|young|good] "
        f"{royal} who lived in a big castle [on a hill|by the sea|in the clouds|in the middle of the woods]."
    )
    t.add(
        f"The {royal} had [everything|lots of gold|a hundred rooms|a tall tower], but {he} was "
        f"[lonely|sad|bored] because {he} had no friends."
    )
    t.add(
        f"[One day|Then one morning], the {royal} [opened the castle gates|invited everyone to a big party|went out "
        "to play with the children of the town], and after that, "
        f"the {royal} was never [lonely|sad|bored] again."
    )
    t.say(
        hero,
        f"[Read it again!|I want to live in a castle!|Can I be a {royal} too?]",
        f"{hero.Name} wanted to hear the story again.",
    )
    t.add(
        f"{parent.Name} [laughed|smiled] and [kissed {hero.him} good night|turned off the light|tucked {hero.him} in]."
    )


def star_wish(t: Teller, hero: Character, friend: Character, parent: Character) -> None:
    t.add(
        f"[That night|One clear night|After dinner], {hero.name} looked out the window. The sky was dark and full "
        "of stars. [One star was brighter than all the others.|A shooting star flew across the sky!]"
    )
    wish = t.pick(
        [
            "for a puppy",
            f"that {friend.name} could come and play",
            "to fly like a bird",
            "for snow in the morning",
            "to see the ocean one day",
            "for a big red balloon",
        ]
    )
    t.add(f"{hero.He} closed {hero.his} eyes and made a wish. {hero.He} wished {wish}.")
    t.add(
        f"[Then {hero.he} yawned, stretched, and fell asleep.|{hero.He} yawned and climbed into bed.|"
        f"{hero.He} smiled and snuggled under {hero.his} blanket.]"
    )
    t.add(
        f"[In the morning|When {hero.he} woke up], {hero.he} [ran to the window|wondered if the wish would come "
        "true|remembered the bright star and smiled]."
    )


def monster_under_bed(t: Teller, hero: Character, friend: Character, parent: Character) -> None:
    thing = t.thing()
    t.add(
        f"Every night, {hero.name} [was afraid|was scared|worried] that there was a monster under {hero.his} bed. "
        "[It made strange sounds.|Something went bump in the dark.|There was a big shadow on the wall.]"
    )
    t.say(
        hero,
        f"[{parent.Name}, there is a monster!|Can you check under my bed?|I can't sleep!]",
        f"{hero.Name} called {parent.name}.",
    )
    t.add(
        f"{parent.Name} came with a flashlight, and they looked under the bed together. There was no monster. "
        f"There was only {t.a(thing)}, [a sock|an old shoe|a lot of dust] and [a sleepy cat|a book|a crayon]."
    )
    t.add(
        f"{hero.Name} [giggled|laughed|sighed]. [The monster was just a shadow.|{hero.He} was not scared anymore.|"
        f"{hero.He} felt silly, and then {hero.he} felt brave.] Soon {hero.he} was fast asleep."
    )


def magic_wand(t: Teller, hero: Character, friend: Character, parent: Character) -> None:
    role = t.pick(["wizard", "fairy", "witch", "king", "queen"])
    t.add(
        f"[One afternoon|After lunch|In the garden], {hero.name} and {friend.name} found an old stick. "
        f"They pretended it was a magic wand, and {hero.name} was a [good|great|silly] {role}."
    )
    t.say(
        hero,
        "[Abracadabra!|Hocus pocus!|Magic, magic, one, two, three!]",
        f"{hero.Name} waved the stick and said the magic words.",
    )
    t.add(
        f"{hero.He} turned {friend.name} into a [frog|bunny|tiger|tree|mouse|dragon], and {friend.name} "
        "[hopped around|roared|stood very still|squeaked] until they both fell on the grass laughing."
    )
    t.add(
        "[Then it was|After that it was] "
        f"{friend.name}'s turn to be the {role}. [They played until dinner.|It was the best game ever.]"
    )


EPISODES = [fairy_wish, royal_story, star_wish, monster_under_bed, magic_wand]
