"""More plots that children's stories keep coming back to: a hurt animal cared for, a race, a birthday, a garden
that takes its time, a show-off who learns, a snowman. With few plots, each plot's fixed sentences come back in
every tenth story and a model learns them by heart; more plots spread the same number of stories thinner. Same
contract as `schemas.py`: each uses the drawn words through `begin` and realises every requested feature.
"""

from __future__ import annotations

from tinystories.synth.schemas import Cast, bad, begin, conflict, ending, foreshadow, twist, verb_phrase
from tinystories.synth.teller import Character, Teller


def playmate(t: Teller, c: Cast) -> Character:
    """A child to play, race or argue with: the hero's friend when the friend is a child, else a new one, named
    in a sentence of their own."""
    if c.friend.kind in ("girl", "boy"):
        return c.friend
    kid = t.person()
    t.add(
        t.pick(
            [
                f"[That day|That morning|Soon], {c.hero.his} [cousin|neighbor] {kid.name} came [over|to visit|to play].",
                f"A {kid.kind} named {kid.name} [lived next door|lived across the street] and [often|sometimes] came to play.",
                f"[There was also|{c.hero.Name} also knew] a {kid.kind} called {kid.name} from down the street.",
            ]
        )
    )
    return kid


# (animal, the hurt part, how it gets about: base and past, where it goes when well)
HURT_ANIMALS = [
    ("bird", "wing", "fly", "flew", "up into the sky"),
    ("duck", "leg", "walk", "walked", "back to the pond"),
    ("bunny", "paw", "hop", "hopped", "into the tall grass"),
    ("kitten", "paw", "run", "ran", "back to its mother"),
    ("frog", "leg", "jump", "jumped", "back into the water"),
    ("squirrel", "tail", "climb", "climbed", "up the big oak tree"),
    ("hedgehog", "foot", "walk", "walked", "under the hedge"),
]


def hurt_animal(t: Teller) -> None:
    c = begin(t)
    h, p = c.hero, c.parent
    kind, part, move, moved, home = t.pick([a for a in HURT_ANIMALS if a[0] != c.friend.kind] or HURT_ANIMALS)
    food = t.pick(t.vocab.foods)
    t.new_paragraph()
    t.add(
        f"[One day|One afternoon|On the way home|After school], {h.name} [heard a little sound|saw something move] "
        f"[under a bush|by the fence|in the tall grass|near the {c.place}]."
    )
    t.add(
        t.pick(
            [
                f"It was [a little|a tiny|a small|a baby] {kind}, and its {part} was hurt.",
                f"A [little|tiny|baby] {kind} lay there. Something was wrong with its {part}.",
                f"{h.He} [bent down|got closer] and saw {t.a(kind)} with a hurt {part}.",
            ]
        )
    )
    t.add(
        f"[The poor {kind} could not {move}.|It tried to {move}, but it could not.|It could not {move}, and it looked scared.]"
    )
    warned = foreshadow(t, f"{h.Name} noticed that the {kind} kept looking [far away|at the sky|toward the trees].")
    t.say(
        h,
        f"[Poor little {kind}!|Oh no, you are hurt!|Do not be scared. I will help you.]",
        f"{h.Name} felt [sorry for|sad for] the {kind}.",
    )
    t.add(
        t.pick(
            [
                f"{h.He} [picked it up gently|carefully picked it up|held it in {h.his} hands] and took it to {p.name}.",
                f"[Very slowly|As gently as {h.he} could], {h.he} put the {kind} in {h.his} hat and "
                f"[walked|carried it] home.",
                f"{h.He} ran [home|to the house] to get {p.name}, who [came and looked|knelt down to look] at the {kind}.",
            ]
        )
    )
    t.say(
        p,
        "[We have to keep it warm.|It needs rest and water.|Let's make it a little bed.]",
        f"{p.Name} said the {kind} needed rest and a warm place to sleep.",
    )
    t.add(
        t.pick(
            [
                "[Together they|They] made a bed for it in [a box|a basket|an old shoe box] with [a soft towel|"
                "some old socks|leaves and grass] inside.",
                f"{p.Name} found [a box|a basket], and {h.name} filled it with [soft grass|an old blanket].",
                f"The {kind} [slept|rested] in a [warm|cozy] box [by the stove|in the kitchen|next to {h.name}'s bed].",
            ]
        )
    )
    t.add(
        t.pick(
            [
                f"[Every day|Each morning|Every day after school], {h.name} [gave it water and a bit of {food}|sat "
                "next to it|sang it a song].",
                f"{h.Name} gave it a name: [Pip|Fluffy|Button|Sunny|Peanut]. {h.He} [talked to it|read it stories] "
                "every day.",
                f"[At first|On the first day] the {kind} did not eat, but [then|the next day] it [ate a little|"
                f"drank some water] from {h.name}'s hand.",
            ]
        )
    )
    t.add(f"{h.He} put {h.his} {c.thing_adj} {c.thing} next to the [box|basket] so the {kind} would not feel alone.")
    kid = playmate(t, c) if t.has("Conflict") else c.friend  # a new child only to quarrel with
    conflict(t, kid, h, kind, f"Then {kid.name} said sorry, and they took turns sitting with the {kind}.")
    t.new_paragraph()
    if bad(t):
        twist(t, f"Then one morning the [box|basket] was empty! The {kind} had gone in the night, without a goodbye.")
        t.add(f"[But|Sadly,] the {kind}'s {part} did not get better, and it [would not eat|only slept].")
        if warned:
            t.markers.add("foreshadow_payoff")
            t.add(f"{h.Name} remembered how it looked far away. It had only wanted to go home.")
        t.add(f"{h.Name} [never saw the {kind} again|looked for it for days, but it was gone], and {h.he} cried.")
        ending(t, c, ["some things cannot be fixed, even when you try", "wild animals are not pets"])
    else:
        t.add(f"[After a few days|After a week|Day by day], the {kind}'s {part} got [better|strong again|well].")
        if warned:
            t.markers.add("foreshadow_payoff")
            t.add(f"{h.Name} remembered how it looked far away. It wanted to go home.")
        t.add(
            f"[{h.Name} and {p.name} took it outside, and the {kind} {moved} {home}.|It was time to let it go. "
            f"{h.Name} opened the [box|basket], and the {kind} {moved} {home}.]"
        )
        if not twist(t, f"The next morning, the {kind} came back, and it brought [two|three] little friends with it!"):
            t.add(f"{h.Name} waved [goodbye|until it was gone]. {h.He} was [sad|a little sad] but [happy too|proud].")
        ending(t, c, ["we should be kind to animals", "helping others makes us happy"])
    t.summary = f"{h.Name} finds {t.a(kind)} with a hurt {part} and takes care of it."


def race(t: Teller) -> None:
    c = begin(t)
    h, p = c.hero, c.parent
    t.new_paragraph()
    kid = playmate(t, c)
    t.add(
        f"[One day|One Saturday|In the summer], the children {c.prep} the {c.place} "
        "[had a race|wanted to have a race|planned a big race]."
    )
    t.add(f"The prize was {t.a(c.thing_adj + ' ' + c.thing)}, and {h.name} wanted it more than anything.")
    t.add(
        f"{h.He} [practiced every day|ran around the yard every morning|ran up and down the street after dinner]. "
        f"{kid.Name} [was fast too|practiced too|said {kid.he} would win]."
    )
    warned = foreshadow(t, f"On the big day, {h.name}'s shoelace was [loose|untied], but {h.he} did not fix it.")
    conflict(t, kid, h, c.thing, f"Then {p.name} said the {c.thing} would go to the winner, and they both nodded.")
    t.say(
        p,
        "[Ready, set, go!|On your marks, get set, go!|One, two, three, go!]",
        f"{p.Name} said go, and the race began.",
    )
    t.add(
        t.pick(
            [
                f"{h.Name} ran as fast as {h.he} could. [{h.His} legs went faster and faster.|The wind blew in "
                f"{h.his} face.]",
                f"[Off they went!|Away they ran!] {h.Name} was in front, and {kid.name} was [right behind|close behind].",
                "Everyone ran. Some children [laughed|shouted], and one little one ran the wrong way.",
            ]
        )
    )
    t.new_paragraph()
    if bad(t):
        if warned:
            t.markers.add("foreshadow_payoff")
            t.add(f"Then {h.he} stepped on {h.his} loose shoelace and fell down [hard|in the dirt].")
        else:
            t.add(f"Then {h.he} [tripped over a rock|slipped on the wet grass] and fell down [hard|in the dirt].")
        if not twist(t, "And then, to everyone's surprise, the [smallest|youngest] child of all ran past and won!"):
            t.add(f"{kid.Name} got to the end first, [and everyone clapped|and {kid.he} got the {c.thing}].")
        t.add(f"{h.Name} sat in the dirt with a [scraped|sore] knee. {h.He} did not get the prize, and {h.he} cried.")
        ending(t, c, ["you cannot win every time", "you should tie your shoes before you run"])
    else:
        if warned:
            t.markers.add("foreshadow_payoff")
            t.add(f"Then {h.he} remembered {h.his} shoelace. {h.He} stopped, tied it fast, and ran on.")
        t.add(f"[Near the end|Just before the finish], {kid.name} [tripped|slipped] and fell down.")
        t.add(f"{h.Name} could have won, but {h.he} stopped and helped {kid.name} up.")
        t.say(kid, "[Thank you!|You stopped for me?|Are you not going to win?]", f"{kid.Name} thanked {h.name}.")
        t.add("They ran the rest of the way [together|side by side|holding hands].")
        if not twist(t, f"Then {p.name} said something nobody expected: they had both won, and there were two prizes!"):
            t.add("They did not win, but everyone clapped for them [the most|the loudest].")
        ending(t, c, ["helping a friend is better than winning", "being kind matters more than being first"])
    t.summary = f"{h.Name} races {kid.name} for {t.a(c.thing)}."


def birthday(t: Teller) -> None:
    c = begin(t)
    h, p = c.hero, c.parent
    age = t.pick(["four", "five", "six"])
    t.new_paragraph()
    t.add(f"[One morning|At last|Today] it was {h.name}'s birthday. {h.He} was {age} years old!")
    warned = foreshadow(
        t, f"{h.He} heard a funny noise from the [garage|closet|shed], but {p.name} said it was [nothing|a secret]."
    )
    t.add(
        t.pick(
            [
                f"{p.Name} [made|baked] a [big|round|tall] cake with {age} candles, and [balloons hung everywhere|"
                "there were balloons in every color|the house smelled sweet].",
                f"There was a [chocolate|strawberry|lemon] cake on the table, with {age} candles [on top|in a row].",
                f"The house was full of balloons, and {h.name} [helped|was allowed to help] put the candles on the cake.",
            ]
        )
    )
    kid = playmate(t, c)
    t.add(f"{kid.Name} came to the party with a present. [It was|Inside was] {t.a(c.thing_adj + ' ' + c.thing)}!")
    t.give(h, c.thing)
    t.say(
        h,
        f"[I love it!|Thank you, {kid.name}!|It's just what I wanted!]",
        f"{h.Name} thanked {kid.name} for the present.",
    )
    conflict(t, kid, h, "red balloon", f"Then {p.name} found another red balloon, and they each had one.")
    t.new_paragraph()
    if bad(t):
        twist(t, "Then, just when it was time for cake, the dog jumped up on the table!")
        t.add("The cake fell on the floor, and [it was all squashed|the candles went out|nobody could eat it].")
        if warned:
            t.markers.add("foreshadow_payoff")
            t.add("The funny noise had been a new puppy, and it was the puppy that knocked the cake down.")
        t.add(f"{h.Name} [cried|was very sad], and the party ended [early|before the games].")
        ending(t, c, ["things do not always go as planned", "a birthday can be sad too"])
    else:
        t.add(
            f"{h.Name} closed {h.his} eyes and made a wish. Then {h.he} blew out [all|every one of] the candles "
            "[in one big breath|at once|with one puff]."
        )
        if warned:
            t.markers.add("foreshadow_payoff")
            t.add(
                f"Then {p.name} opened the [garage|closet|shed]. The funny noise was [a little puppy|a new kitten] with a bow!"
            )
        if not twist(t, "And guess what? Every one of the candles lit up again by itself! They were magic candles."):
            t.add(f"What did {h.he} wish for? {h.He} did not tell anyone, not even {p.name}.")
        t.add(
            "[They played games and ate cake until dark.|Then they played [tag|hide and seek|musical chairs] and "
            "ate [ice cream|cake] until everyone was full.|Everyone sang, and the cake was [sweet|yummy|so good].]"
        )
        ending(t, c, ["the best part of a birthday is the friends you share it with", "sharing makes a party better"])
    t.summary = f"It is {h.name}'s birthday, and {kid.name} brings {t.a(c.thing)}."


# (what the seed grows into, in a pot or in the ground)
PLANTS = ["sunflower", "tomato plant", "bean plant", "pumpkin", "daisy", "apple tree"]


def garden(t: Teller) -> None:
    c = begin(t)
    h, p = c.hero, c.parent
    plant = t.pick(PLANTS)
    t.new_paragraph()
    t.add(
        f"[One spring day|One morning|In the spring], {h.name} and {p.name} planted [a seed|a tiny seed|some seeds] "
        "[in the garden|in a pot by the window|behind the house]."
    )
    t.add(f"{p.Name} said it would grow into a [big|tall|beautiful] {plant}.")
    t.add(f"[Every day|Every morning|Each day after breakfast], {h.name} [watered it|gave it water|checked on it].")
    t.add("[Days went by, but nothing happened.|But nothing grew.|The dirt stayed brown and flat.]")
    t.say(
        h,
        "[Why is it not growing?|When will it grow?|Is it ever going to grow?]",
        f"{h.Name} asked why it was so slow.",
    )
    t.say(
        p,
        "[Seeds need time. You have to be patient.|It is growing under the dirt. Wait and see.|Good things take time.]",
        f"{p.Name} said seeds need time to grow.",
    )
    warned = foreshadow(t, f"{h.Name} noticed a rabbit looking at the garden from behind the fence.")
    t.add(
        f"[One day|Then one morning|At last], {h.he} saw a [tiny|little] green [leaf|sprout] [poking out|coming up]! "
        f"{h.He} was so happy that {h.he} [danced|jumped up and down|clapped]."
    )
    t.add(
        f"{h.He} put {h.his} {c.thing_adj} {c.thing} next to it [for luck|to keep it company|so it would not be lonely]."
    )
    kid = playmate(t, c) if t.has("Conflict") else c.friend  # a new child only to quarrel with
    conflict(t, kid, h, "watering can", f"Then {kid.name} said sorry, and they watered it together.")
    t.new_paragraph()
    if bad(t):
        if warned:
            t.markers.add("foreshadow_payoff")
            t.add("But that night, the rabbit came back and ate every leaf.")
        else:
            t.add("But then it did not rain for a long time, and the little plant dried up.")
        twist(t, "Then one morning the plant was gone, and there was only a little hole where it had been!")
        t.add(
            f"{h.Name} looked at the empty [dirt|pot] and [cried|felt very sad]. There would be no {plant} this year."
        )
        ending(t, c, ["you have to protect what you love", "not every seed grows"])
    else:
        if warned:
            t.markers.add("foreshadow_payoff")
            t.add(f"{h.Name} remembered the rabbit, so {h.he} and {p.name} put a little fence around the plant.")
        t.add("[Day by day|Week by week|Little by little], the plant grew taller and taller.")
        if not twist(
            t,
            f"But it was not {t.a(plant)} at all. It was {t.a(t.other(['pumpkin', 'melon', 'cabbage'], plant))}, "
            f"[as big as|bigger than] {h.name}'s head!",
        ):
            t.add(
                f"[At last|By summer|One day] it was a [big|tall|beautiful] {plant}, [just like|as] {p.name} had said."
            )
        t.add(f"{h.Name} [showed it to everyone|was very proud of it|smiled every time {h.he} saw it].")
        ending(t, c, ["good things take time", "if you take care of something, it will grow"])
    t.summary = f"{h.Name} plants a seed and waits for it to grow into {t.a(plant)}."


# (the boast, the feat tried, what goes wrong, what the one who helps does)
BOASTS = [
    (
        "climb higher than anyone",
        "climbed the tallest tree",
        "got stuck on a high branch",
        "[helped|talked] {him} down",
    ),
    ("jump farther than anyone", "tried to jump over the creek", "landed in the cold water", "pulled {him} out"),
    ("carry anything", "tried to carry a big box of toys", "dropped it on {his} foot", "helped {him} pick it all up"),
    ("swing higher than anyone", "swung as high as {he} could", "fell off the swing", "helped {him} up"),
]


def show_off(t: Teller) -> None:
    c = begin(t)
    h, p = c.hero, c.parent
    boast, feat, trouble, help_ = t.pick(BOASTS)

    def own(text: str) -> str:
        return text.format(he=h.he, him=h.him, his=h.his)

    t.new_paragraph()
    t.add(
        f"{h.Name} [thought|was sure] {h.he} was the [best|biggest|strongest] [in the {c.place}|in town|of all the children]."
    )
    t.add(f"{h.He} [always said|told everyone] that {h.he} could {boast}.")
    kid = playmate(t, c)
    t.add(
        f"[That day|Today], {kid.name} had {t.a(c.thing_adj + ' ' + c.thing)}, and {h.name} [wanted it|wanted to hold "
        "it|kept looking at it]."
    )
    t.say(h, f"I can {boast}! [Watch me!|Just watch!|You'll see!]", f"{h.Name} said {h.he} could {boast}.", "shouted")
    t.say(
        kid,
        "[Be careful!|That looks too hard.|You don't have to show off.]",
        f"{kid.Name} told {h.name} to be careful.",
    )
    warned = foreshadow(t, f"{p.Name} had said many times that showing off [can get you hurt|is not a good idea].")
    conflict(
        t,
        h,
        kid,
        c.thing,
        f"Then {kid.name} let {h.name} hold the {c.thing} for a little while, and they were friends again.",
    )
    t.add(f"[Then|So] {h.name} {own(feat)}. But {h.he} {own(trouble)}!")
    t.new_paragraph()
    if warned:
        t.markers.add("foreshadow_payoff")
        t.add(f"{h.Name} remembered what {p.name} had said. [{p.Name} was right.|Now {h.he} knew why.]")
    if bad(t):
        twist(t, f"Then, to {h.his} surprise, the other children did not help. They only laughed.")
        t.add(f"{h.Name} felt [silly|very small|sad and sore], and {h.he} went home without {h.his} {c.thing}.")
        t.add(f"{h.He} did not [play|want to show off] again for a long time.")
        ending(t, c, ["it is not good to show off", "being proud can get you into trouble"])
    else:
        if not twist(t, f"And the one who came to help was [the smallest|the youngest] child of all, {kid.name}!"):
            t.add(f"{kid.Name} came [running|right away] to help.")
        t.add(f"{kid.Name} {help_.format(him=h.him)}, and {h.name} was [fine|okay|only a little wet and muddy].")
        t.say(
            h,
            "[Thank you. I am sorry I showed off.|You helped me. Thank you!|I am not the best at everything.]",
            f"{h.Name} said thank you and sorry.",
        )
        t.add(
            f"[After that|From then on], {h.name} did not show off. {h.He} [liked to|would] {verb_phrase(t, 'base')} with {kid.name} instead."
        )
        ending(t, c, ["everyone is good at something different", "it is better to be kind than to show off"])
    t.summary = f"{h.Name} shows off and says {h.he} can {boast}, and {kid.name} helps when it goes wrong."


def snowman(t: Teller) -> None:
    c = begin(t)
    h, p = c.hero, c.parent
    t.new_paragraph()
    t.add(
        t.pick(
            [
                f"One [winter|cold] morning, {h.name} looked out the window. [Everything was white!|Snow was "
                "everywhere!|The whole yard was white!] It had snowed all night.",
                f"[In the night|While {h.name} was asleep], soft white snow [fell and fell|covered the whole town|"
                "came down from the sky].",
                f"When {h.name} woke up, the world outside was [white and quiet|covered in snow|white and soft].",
                f"It was the first snow of the winter, and {h.name} [could not wait to go out|was so excited]!",
            ]
        )
    )
    t.add(
        t.pick(
            [
                f"{h.He} put on {h.his} [coat|warm coat], [hat|boots] and [mittens|gloves] and ran outside.",
                f"{p.Name} helped {h.name} [zip up|button] [the|a warm] [coat|snowsuit], and out {h.he} went.",
                f"[Quickly|As fast as {h.he} could], {h.he} [found|pulled on] {h.his} boots and [ran|stomped] out "
                "into the snow.",
            ]
        )
    )
    kid = playmate(t, c)
    t.add(
        t.pick(
            [
                f"{h.Name} and {kid.name} rolled a [big|huge] ball of snow, then a [middle-sized|smaller] one, and "
                "then a [little|small] one for the head.",
                "[Together they|They] decided to build a snowman. They pushed the snow into [a big round ball|"
                "three balls, one on top of the other].",
                f"They made a snowman [as tall as|taller than] {kid.name}. It took [all morning|a long time], and "
                "their [hands|noses] got [cold|red].",
            ]
        )
    )
    t.add(
        t.pick(
            [
                f"They gave the snowman [two stones|two buttons|two black rocks] for eyes and a carrot for a nose, "
                f"and {h.name} put {h.his} {c.thing_adj} {c.thing} on its head.",
                f"The snowman [needed|did not have] a [face|nose], so they found a carrot. Then {h.name} gave it "
                f"{h.his} {c.thing_adj} {c.thing} [to hold|as a hat].",
                f"A carrot made its nose, [sticks|two sticks] made its arms, and {h.name}'s {c.thing_adj} "
                f"{c.thing} sat on top.",
            ]
        )
    )
    t.say(
        h,
        "[He's the best snowman ever!|Look at our snowman!|Hello, Mr. Snowman!]",
        f"{h.Name} said it was the best snowman ever.",
    )
    warned = foreshadow(t, f"{p.Name} said [the sun would be warm tomorrow|it would be warmer tomorrow].")
    conflict(t, kid, h, "carrot", "Then they found a second carrot, and they made a snow dog with it too.")
    t.new_paragraph()
    if bad(t):
        if warned:
            t.markers.add("foreshadow_payoff")
            t.add(f"The next day the sun was warm, just as {p.name} had said.")
        else:
            t.add("[The next day|By lunch the next day], the sun came out and shone [all day|hot and bright].")
        t.add(
            "[The snowman got smaller and smaller, until it was only a little pile of snow.|Drip, drip, drip. "
            "The snowman was melting.|Its head fell off, then its arms, and soon there was no snowman at all.]"
        )
        twist(t, f"And the {c.thing} was gone too. Only the carrot lay in the wet grass.")
        t.add(f"{h.Name} [cried|felt sad], because {h.his} snowman was gone [for good|and would not come back].")
        ending(t, c, ["nothing lasts forever", "snow does not stay"])
    else:
        if warned:
            t.markers.add("foreshadow_payoff")
            t.add(
                "So they [moved|built] the snowman [in the shade|under the big tree], where the sun could not [reach|melt] it."
            )
        if not twist(
            t, "The next morning, there was a second, smaller snowman beside theirs! Nobody knew who made it."
        ):
            t.add(
                "[The snowman stood in the yard for many days.|It stayed all week, and the birds sat on its "
                "arms.|The cold lasted, and so did the snowman.]"
            )
        t.add(
            f"[{h.Name} waved to it every morning.|Every morning, {h.name} said hello to it from the window.|"
            f"{h.Name} and {kid.name} had snowball fights [beside it|around it] every day.]"
        )
        ending(t, c, ["it is fun to make things with a friend", "winter can be fun"])
    t.summary = f"{h.Name} and {kid.name} build a snowman and give it {t.a(c.thing)}."


CHILDHOOD_SCHEMAS = {
    "hurt_animal": hurt_animal,
    "race": race,
    "birthday": birthday,
    "garden": garden,
    "show_off": show_off,
    "snowman": snowman,
}
