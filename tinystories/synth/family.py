"""Family scenes: a new baby, a brother or sister to play and quarrel with, grandparents who visit. Children's
stories are full of them, and they bring what scenes with one child lack: "they" and "their" for two children at
once, a baby who is small and sleeps, a quarrel between siblings that ends in taking turns.
"""

from __future__ import annotations

from tinystories.synth.teller import Character, Teller


def sibling_word(who: Character) -> str:
    return {"f": "sister", "m": "brother"}.get(who.gender, "friend")


def relative(t: Teller, name: str, gender: str) -> Character:
    """A grown-up of the family, called by what the child calls them ("Grandma")."""
    c = Character(name, gender, name.lower())
    t.characters.append(c)
    return c


def new_baby(t: Teller, hero: Character, friend: Character, parent: Character) -> None:
    baby = t.person(kind="baby")
    sib, big = sibling_word(baby), sibling_word(hero)
    t.add(
        t.pick(
            [
                f"{hero.Name} had a baby {sib} named {baby.name}.",
                f"[One day|Last spring|In the winter], {parent.name} came home with a new baby. "
                f"It was {hero.his} little {sib}, {baby.name}.",
                f"There was a new baby in {hero.name}'s house. {hero.His} little {sib} was called {baby.name}.",
            ]
        )
    )
    t.add(
        f"{baby.Name} was [very small|so tiny|pink and wrinkly] and [slept a lot|cried at night|had tiny fingers and "
        "tiny toes|could not walk or talk yet]."
    )
    t.add(
        f"[At first|In the beginning], {hero.name} [felt a little jealous|did not know what to do|was not sure about "
        f"the baby], because [everyone looked at {baby.name} all the time|the baby got all the hugs|the baby was so "
        "loud]."
    )
    t.say(
        parent,
        f"[You are a big {big} now.|Can you help me with the baby?|{baby.Name} loves you very much.]",
        f"{parent.Name} said that {hero.he} was a big {big} now.",
    )
    t.add(
        f"{hero.Name} [helped give the baby a bath|sang a soft song to the baby|showed {baby.name} {hero.his} toys|"
        f"held the bottle for {baby.name}]. {baby.Name} [smiled|giggled|grabbed {hero.name}'s finger and held on]. "
        f"[{hero.Name} felt warm inside.|{hero.Name} smiled back.|{hero.Name} realized that being a big {big} was "
        "fun.]"
    )


def with_sibling(t: Teller, hero: Character, friend: Character, parent: Character) -> None:
    sib = t.person(kind="sibling")
    word = sibling_word(sib)
    t.add(
        f"{hero.Name} had [a big|a little|an older|a younger] {word} named {sib.name}. "
        "[They shared a room.|They did almost everything together.|Sometimes they fought, but they loved each "
        "other very much.]"
    )
    t.add(
        "[One Saturday|One rainy day|One morning|After dinner], they [built a fort out of blankets and pillows|"
        "made a tent in the living room|played hide and seek in the house|had a race in the yard|put on a puppet "
        "show for their parents]."
    )
    t.add(
        f"{sib.Name} [hid behind the couch|was very fast|made the funniest voices|knew all the best games], and "
        f"{hero.name} [laughed so hard|could not stop giggling|clapped and cheered]."
    )
    if t.chance(0.5):
        thing = t.pick(["pillow", "blue crayon", "last cookie", "top bunk", "red cup", "window seat"])
        t.add(f"Then they both wanted the same {thing}.")
        t.say(hero, "[It's mine!|I had it first!|Give it back!]", f"{hero.Name} said it was {hero.his}.")
        t.say(sib, "[No, it's mine!|But I want it too!]", f"{sib.Name} wanted it too.")
        t.add(
            f"[In the end|After a while], they [took turns|shared it|decided to play with it together]. "
            f"[Their {parent.kind} was proud of them.|They were both happy again.|It was more fun that way.]"
        )
    else:
        t.add(
            f"[When it was time for bed|At the end of the day], {sib.name} said {hero.name} was the best "
            f"{sibling_word(hero)}."
        )


def grandparents(t: Teller, hero: Character, friend: Character, parent: Character) -> None:
    relative(t, "Grandma", "f")
    grandpa = relative(t, "Grandpa", "m")
    t.add(
        "[On Sunday|One day|For the holidays|In the summer], Grandma and Grandpa came to visit. "
        f"[They brought a big box of cookies.|They came in their old blue car.|They had a present for {hero.name}.]"
    )
    t.add(
        t.pick(
            [
                f"Grandma told {hero.name} a story about when she was a little girl.",
                f"Grandma taught {hero.name} how to [knit|plant seeds|make a paper boat].",
                f"Grandma and {hero.name} baked an apple pie together.",
            ]
        )
    )
    t.add(
        t.pick(
            [
                f"Grandpa showed {hero.him} a magic trick with a coin.",
                f"Grandpa read {hero.him} a book about pirates.",
                f"Grandpa fixed {hero.name}'s broken bike.",
                f"Grandpa took {hero.him} fishing at the lake.",
            ]
        )
    )
    t.say(
        hero,
        "[I love it when you come!|Can you stay one more day?|Will you come back soon?]",
        f"{hero.Name} [loved their visits|wanted them to stay longer].",
    )
    t.say(grandpa, "[We will come back soon.|We love you very much.]", "They promised to come back soon.")
    t.add(f"[When they left|Before they left], {hero.name} gave them both a big hug.")


EPISODES = [new_baby, with_sibling, grandparents]
