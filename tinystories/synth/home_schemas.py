"""More story schemas, about feelings and home life: a fear faced, a warning not heeded, a mess owned up to, a
new friend, a surprise. Same contract as `schemas.py`: each uses the drawn words through `begin`, and realises
every requested feature through the Teller's helpers.
"""

from __future__ import annotations

from tinystories.synth.schemas import bad, begin, conflict, ending, foreshadow, twist, verb_phrase
from tinystories.synth.teller import Teller
from tinystories.synth.words import plural


def fear(t: Teller) -> None:
    c = begin(t)
    h, f, p = c.hero, c.friend, c.parent
    scary, brave_deed = t.pick(
        [
            ("the dark", "turned off the light and looked at the stars from the window"),
            ("the big dog next door", "held out {his} hand, and the dog licked it"),
            ("thunder", "counted the seconds between the flash and the boom"),
            ("the deep water", "put {his} face in the water and blew bubbles"),
            ("the tall slide", "climbed to the top and slid all the way down"),
            ("the noise under the bed", "looked under the bed with a flashlight"),
        ]
    )
    brave_deed = brave_deed.replace("{his}", h.his)
    t.new_paragraph()
    t.add(
        f"[There was one thing|But there was one thing|Only one thing] {h.name} [did not like|was afraid of]: {scary}."
    )
    t.add(
        f"[Every time|Whenever] {h.he} thought about {scary}, {h.his} "
        "[tummy felt funny|heart beat fast|legs felt wobbly]."
    )
    t.add(f"{h.He} [always kept|held on to] {h.his} {c.thing_adj} {c.thing} [close|near] when {h.he} felt scared.")
    t.say(h, f"I am [scared of|afraid of] {scary}!", f"{h.Name} told {p.name} that {h.he} was scared of {scary}.")
    t.say(
        p,
        "[It is okay to be scared.|Everyone is scared sometimes.|I will be right here with you.] "
        "[You are braver than you think.|We can do it together.]",
        f"{p.Name} [hugged {h.name}|held {h.name}'s hand] and said that everyone is scared sometimes.",
    )
    warned = foreshadow(
        t, f"{p.Name} gave {h.him} [a little flashlight|a small blue stone] and said it would help {h.him} be brave."
    )
    conflict(
        t,
        f,
        h,
        "flashlight" if "dark" in scary else c.thing,
        f"Then {f.name} said sorry, and they [shared|held hands].",
    )
    t.new_paragraph()
    if warned:
        t.markers.add("foreshadow_payoff")
        t.add(f"[When the time came|That night|Later], {h.name} held the gift from {p.name} tight.")
    if bad(t):
        twist(t, f"Then {h.he} saw that the scary thing was only {f.name}, hiding and laughing!")
        t.add(f"{h.Name} [tried to be brave|took a deep breath], but {h.he} [ran away crying|hid under the blanket].")
        t.add(f"{h.He} was still afraid of {scary}, and {h.he} did not [sleep|play] well for a long time.")
        ending(t, c, ["being brave is hard", "it is okay to ask for help when you are scared"])
    else:
        t.add(f"{h.Name} took a [deep|big] breath. Then {h.he} {brave_deed}.")
        if not twist(t, f"And guess what? {scary.capitalize()} was not scary at all. It was [fun|kind of nice]!"):
            t.add("[It was not so bad after all.|It was not scary at all.|There was nothing to be afraid of.]")
        t.say(h, "[I did it!|I am not scared anymore!|Look, I am brave!]", f"{h.Name} was proud that {h.he} was brave.")
        t.add(
            f"[After that|From then on], {h.name} was not afraid of "
            f"{scary}, and {h.he} went back to {verb_phrase(t, 'ing')}."
        )
        ending(t, c, ["being brave means trying even when you are scared", "things are often less scary than we think"])
    t.summary = f"{h.Name} is afraid of {scary}, and {p.name} helps {h.him} be brave."


def warning(t: Teller) -> None:
    c = begin(t)
    h, f, p = c.hero, c.friend, c.parent
    rule, danger, hurt, care = t.pick(
        [
            (
                "not climb on the wall",
                "the wall was wobbly",
                "fell and scraped {his} knee",
                "[cleaned the scrape and put on a bandage|put a bandage on the scrape]",
            ),
            (
                "stay away from the pond",
                "the mud by the pond was slippery",
                "slipped and fell in the water",
                "[dried {him} with a big towel|wrapped {him} in a warm towel]",
            ),
            (
                "not touch the hot stove",
                "the pan was very hot",
                "burned {his} finger a little",
                "[held {his} finger under cool water|put {his} finger in cold water]",
            ),
            (
                "not run with {his} {thing}",
                "the floor was wet",
                "slipped and dropped the {thing}",
                "[helped {him} up|rubbed {his} sore arm]",
            ),
            (
                "not eat too many sweets",
                "there were so many cookies",
                "got a big tummy ache",
                "[gave {him} some warm tea|rubbed {his} tummy]",
            ),
        ]
    )
    told, hurt, care = (
        x.replace("{his}", h.his).replace("{him}", h.him).replace("{thing}", c.thing) for x in (rule, hurt, care)
    )
    said = rule.replace("{his}", "your").replace("{thing}", c.thing)
    t.give(h, c.thing)
    t.new_paragraph()
    t.say(p, f"[Please|Remember to|Be careful and] {said}.", f"{p.Name} told {h.name} to {told}.")
    warned = foreshadow(t, f"[But|Still,] {h.name} [did not listen|was not listening|only nodded].")
    t.add(
        f"[Later|After a while|Soon], {h.name} and {f.name} were [playing with|taking turns with|having fun with] the {c.thing_adj} {c.thing}."
    )
    t.say(
        f,
        "[Let's go over there!|Come on, it will be fun!|Nobody will see us!]",
        f"{f.Name} [wanted to have more fun|had a bigger idea|wanted to try something new].",
    )
    conflict(
        t, f, h, c.thing, "[Then they remembered that friends share, so they took turns.|Then they both said sorry.]"
    )
    t.add(
        f"{h.Name} [forgot what {p.name} had said|did not think about what {p.name} had said|forgot all about the rule]. But {danger}."
    )
    t.new_paragraph()
    t.add(f"[Oh no!|Suddenly,|All at once,] {h.name} {hurt}.")
    if warned:
        t.markers.add("foreshadow_payoff")
    t.markers.add("consequence")
    t.add(f"{h.He} [cried|started to cry] and ran to {p.name}.")
    if bad(t):
        twist(t, f"Then {f.name} got hurt too, because {f.he} had not listened either.")
        t.take_from(h, c.thing)
        t.add(f"{h.Name} had to stay inside for the rest of the [day|week], and the {c.thing} was [lost|broken].")
        ending(t, c, ["you should listen to your mom and dad", "rules keep us safe"])
    else:
        t.say(p, "[Are you okay? Let me see.|Oh, my dear. Come here.]", f"{p.Name} [looked at|took care of] {h.him}.")
        t.add(f"{p.Name} {care}[ and gave {h.him} a hug|].")
        if not twist(
            t, f"Then {p.name} said something surprising: when {p.he} was little, the same thing happened to {p.him}!"
        ):
            t.add(f"[Soon|After a while|Before long] {h.name} felt [better|much better|fine again].")
        t.say(h, "[I am sorry. I will listen next time.|I should have listened to you.]", f"{h.Name} said sorry.")
        ending(t, c, ["it is important to listen", "grown-ups make rules to keep us safe"])
    t.summary = f"{h.Name} does not listen when {p.name} says to {told}, and gets hurt."


def mess(t: Teller) -> None:
    c = begin(t)
    h, f, p = c.hero, c.friend, c.parent
    broke = t.pick(["vase", "cup", "jar of jam", "bowl", "lamp", "plate"])
    t.new_paragraph()
    t.add(
        f"[One day|One afternoon|After lunch], {h.name} was playing with "
        f"{h.his} {c.thing_adj} {c.thing} in the [kitchen|living room|house]."
    )
    warned = foreshadow(t, f"{p.Name}'s {broke} was on the edge of the table.")
    t.add(
        f"{h.He} threw the {c.thing} [high|up in the air|too hard], and it hit "
        f"the {broke}. [Crash!|Smash!|Oh no!|Bang!] The {broke} [broke|fell on the floor and broke]."
    )
    if warned:
        t.markers.add("foreshadow_payoff")
    t.markers.add("consequence")
    t.add(f"{h.Name} was [scared|worried]. {h.He} did not want {p.name} to be [angry|sad].")
    t.say(
        f,
        "[Let's hide it!|Nobody will know.|Just say the cat did it.]",
        f"{f.Name} said they should [hide it|keep it a secret|not tell anyone].",
    )
    conflict(
        t,
        f,
        h,
        c.thing,
        f"[Then they stopped, because fighting would not fix the {broke}.|Then they both calmed down.]",
    )
    t.new_paragraph()
    if bad(t):
        twist(t, f"Then the cat walked in, and {p.name} thought the cat had done it!")
        t.add(
            f"{h.Name} hid the pieces [under the rug|behind the couch|in a drawer] and [did not say anything|did not tell anyone|kept very quiet]."
        )
        t.add(f"When {p.name} found them, {p.he} was [very sad|upset], because {h.name} had not told the truth.")
        ending(t, c, ["hiding a mistake makes it worse", "you should always tell the truth"])
    else:
        t.add(
            f"But {h.name} [knew what was right|took a deep breath]. {h.He} [went to|went to find|walked over to] {p.name}."
        )
        t.say(
            h,
            f"[I broke your {broke}. I am sorry.|I am sorry, {p.name}. It was me.]",
            f"{h.Name} told {p.name} the truth.",
        )
        if not twist(
            t,
            f"{p.Name} smiled. {p.He} had seen it all from the window, "
            f"and {p.he} was waiting for {h.him} to tell the truth!",
        ):
            t.add(
                f"{p.Name} was not angry. {p.He} [hugged|thanked] {h.him} for [telling the truth|being honest|telling {p.him}]."
            )
        t.add(
            "Together they [cleaned up the mess|picked up the pieces], and then "
            f"they [played outside|had some {plural(t.pick(t.vocab.foods))}]."
        )
        ending(t, c, ["telling the truth is always best", "everyone makes mistakes"])
    t.summary = f"{h.Name} breaks {p.name}'s {broke} with {h.his} {c.thing} and must decide whether to tell the truth."


def new_friend(t: Teller) -> None:
    c = begin(t)
    h, f = c.hero, c.friend
    newcomer = t.person()
    t.new_paragraph()
    t.add(
        "[One day|One morning|On Monday], a new [girl|boy|child] came "
        f"to the {c.place}. {newcomer.His} name was {newcomer.name}."
    )
    t.add(
        f"{newcomer.Name} [sat alone|stood by the fence|did not talk to anyone]. "
        f"{newcomer.He} looked [shy|lonely|a little sad]."
    )
    t.add(f"{newcomer.Name} [looked at|smiled at] {h.name}'s {c.thing_adj} {c.thing}.")
    warned = foreshadow(t, f"{h.Name} saw that {newcomer.name} had {t.a(c.thing)} just like {h.his} own.")
    t.say(
        h,
        "[Hi! Do you want to play with us?|Hello! What is your name?|Do you want to be my friend?]",
        f"{h.Name} asked {newcomer.name} [to play|if {newcomer.he} wanted to play|to join the game].",
    )
    t.say(newcomer, "[Yes, please!|Okay!|Really? Thank you!]", f"{newcomer.Name} said yes.")
    if warned:
        t.markers.add("foreshadow_payoff")
        t.add(f"They [laughed|smiled] when they saw that they both had {plural(c.thing)}.")
    conflict(t, newcomer, h, c.thing, f"Then {h.name} let {newcomer.name} have a turn, and {newcomer.he} smiled.")
    t.new_paragraph()
    if bad(t):
        twist(t, f"Then {f.name} said {f.he} did not want to play with {newcomer.name}!")
        t.add(f"{newcomer.Name} went home [early|alone], and {h.name} felt [bad|sad] for {newcomer.him}.")
        ending(t, c, ["it is not nice to leave someone out", "we should be kind to new friends"])
    else:
        t.add(
            f"They played [{t.pick(['tag', 'catch', 'hide and seek'])}|with the {c.thing}|on the swings] "
            "[all afternoon|until dinner|for a long time]."
        )
        if not twist(
            t, f"Then they found out something funny: {newcomer.name} lived in the house right next to {h.name}!"
        ):
            t.add(
                f"[At the end of the day|By the time they went home|Before long], {newcomer.name} was not shy anymore."
            )
        t.say(
            newcomer,
            "[You are my best friend!|Can we play again tomorrow?]",
            f"{newcomer.Name} [said thank you|smiled a big smile|was so happy].",
        )
        ending(t, c, ["it is good to be kind to someone new", "a friend can be found anywhere"])
    t.summary = f"{h.Name} makes friends with {newcomer.name}, who is new and shy."


def surprise(t: Teller) -> None:
    c = begin(t)
    h, f, p = c.hero, c.friend, c.parent
    for_whom = p if t.chance(0.5) else f
    gift = t.pick(["a card", "a cake", "a drawing", "a necklace of flowers", "a little box of cookies"])
    t.new_paragraph()
    t.add(
        f"[Soon it was|Tomorrow would be|It was almost] {for_whom.name}'s birthday. {h.Name} [wanted to make a surprise|had a secret plan|wanted to do something special]."
    )
    t.add(f"{h.He} [made|worked on] {gift} [in secret|in {h.his} room|when nobody was looking].")
    t.add(f"{h.He} [wrapped it in paper|put it in a box|hid it in a bag] with {h.his} {c.thing_adj} {c.thing} on top.")
    warned = foreshadow(
        t, f"{h.He} hid it [behind the {c.thing}|under {h.his} bed], but the dog [was watching|saw where it was]."
    )
    conflict(t, f if for_whom is p else p, h, c.thing, "Then they agreed to work on the surprise together.")
    t.new_paragraph()
    if bad(t):
        if warned:
            t.markers.add("foreshadow_payoff")
        twist(t, f"Then the dog found {gift} and [ate|chewed] it!")
        t.say(h, "[Oh no! My surprise!|Where is my gift? It is gone!]", f"{h.Name} looked everywhere for {h.his} gift.")
        t.add(f"When the day came, {h.name} had nothing to give. {h.He} felt [terrible|very sad].")
        ending(t, c, ["some days do not go as planned", "you should keep special things in a safe place"])
    else:
        if warned:
            t.markers.add("foreshadow_payoff")
            t.add(f"The dog [sniffed|pulled] at it, but {h.name} got there first.")
        t.add(
            "[On the big day|When the day came|That afternoon], [everyone sat down to eat|the family came together|all the friends came over]."
        )
        t.say(h, "[Surprise!|Happy birthday!]", f"{h.Name} gave {for_whom.name} the surprise.")
        twist(
            t,
            f"But {for_whom.name} had a surprise too: a [gift|present] "
            f"for {h.name}, even though it was not {h.his} birthday!",
        )
        t.say(for_whom, "[I love it! Thank you!|This is the best gift ever!]", f"{for_whom.Name} loved it.")
        t.add("They [ate cake|sang songs|danced] and [laughed|played] [until it was dark|all evening|until bedtime].")
        ending(t, c, ["giving makes people happy", "the best gifts come from the heart"])
    t.summary = f"{h.Name} makes {gift} as a birthday surprise for {for_whom.name}."


HOME_SCHEMAS = {"fear": fear, "warning": warning, "mess": mess, "new_friend": new_friend, "surprise": surprise}
