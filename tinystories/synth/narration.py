"""Free narration: a sentence put together from parts (who, when, what they did, how long or why) rather than
written whole. Between the scenes, storytellers fill in small doings ("Then Lily picked up a stick and ran
around the tree."), and a corpus that only ever follows a name with the verbs of its templates teaches a model to
be sure of what comes next where a real story goes anywhere. Parts are drawn independently, so two stories
rarely share such a sentence.
"""

from __future__ import annotations

from tinystories.synth.teller import Character, Teller

WHEN = (
    "Then|After that|Soon|Later|Sometimes|At first|Before long|That day|In the morning|After lunch|For a while|"
    "After a while|Every day|Once|Now|Next|All afternoon"
).split("|")

# What a child does in passing, past tense; {his} and {him} are the doer's.
DOINGS = [
    d.strip()
    for d in """picked up a stick|looked up at the sky|sat down on the grass|put on {his} shoes|took off {his} hat|
    ran around in circles|jumped up and down|clapped {his} hands|hummed a little song|counted to ten|
    drew a picture of a house|made a tower of blocks|hid behind a tree|peeked around the corner|waved at the birds|
    watched the clouds go by|ate an apple|drank some water|washed {his} hands|looked out the window|
    played with {his} toys|read a book|lay down on the bed|kicked a ball|threw a ball high in the air|
    rolled on the floor|made a funny face|told a joke|sang a song|danced around the room|looked for {his} shoes|
    found a shiny rock|picked some flowers|took a deep breath|closed {his} eyes|opened the door|ran outside|
    went inside|climbed up the stairs|sat on the steps|walked down the street|skipped along the path|
    stopped to look at a bug|splashed in a puddle|ate a snack|took a nap|made a paper hat|played with the cat|
    looked under the bed|helped set the table|put the toys away|blew some bubbles|built a little house of sand|
    wrote {his} name on a card|brushed {his} hair|tied {his} shoes|fed the fish|watered the plants|
    swung on the swing|slid down the slide|spun around and around|laughed at a silly bird|
    listened to the rain|looked at the pictures in a book|tried to catch a butterfly|gave the dog a pat|
    got a drink of milk|made a sandwich|hopped like a bunny|roared like a lion|pretended to be a bird|
    carried a basket|pushed a little cart|pulled a wagon|rode {his} bike|played with a ball|ate some grapes|
    picked up {his} coat|looked all around|smiled at the sun|sat by the window|waited by the door|
    kicked a pebble down the road|touched the soft grass|bounced a ball against the wall|crawled under the table|
    blinked in the bright sun|frowned at a big puddle|explored the backyard|finished {his} lunch|
    arrived at the park|returned the book to the shelf|went up the stairs to {his} bedroom|shook {his} head|
    stretched {his} arms|waited a minute|sang in a soft voice|found a rock in the shape of a heart|
    waved to a neighbor|made a necklace of flowers|counted the stars|lined up {his} toy cars|
    made a boat out of paper|played a game of catch|looked at the ants|drew a sun with a smiling face|
    cleaned up {his} room|put the books on the shelf|gave {his} teddy bear a hug|wore {his} rain boots|
    jumped in a pile of leaves|ate a bowl of soup|held the kitten gently|sat on a big rock""".split("|")
]

HOW_LONG = [
    "",
    "",
    "",
    " for a long time",
    " all morning",
    " again and again",
    " until it was time to go home",
    " because it was fun",
    " with a big smile",
    " very fast",
    " very slowly",
    " all by {himself}",
]


# Why a child feels as they do, for "Lily felt happy because ..."; {his} is the child's.
REASONS = [
    r.strip()
    for r in """it was a sunny day|the day was almost over|{friend} was there|it was time to play|
    {his} tummy was full|it was a special day|the birds were singing|everyone was smiling|{he} had a new idea|
    the rain had stopped|it was almost time for dinner|{he} missed {his} friends|the house was very quiet|
    {he} could not find {his} other sock|the wind was cold|there was nothing to do|{he} was going to the park|
    {he} had done a good job|{his} room was clean|it was snowing outside|{he} had solved a problem|
    {he} had kept a promise|{he} was not in trouble after all|the puppy next door was awesome|
    {his} voice was the loudest in the room""".split("|")
]
FEELING_WORDS = (
    "happy|glad|excited|proud|sad|bored|sleepy|hungry|tired|calm|silly|curious|lonely|cozy|grumpy|cheerful|"
    "surprised|hopeful|amazed"
).split("|")
THOUGHTS = [
    "thought about {friend}",
    "thought about the day",
    "wondered what would happen next",
    "wondered where the birds went at night",
    "thought about the big tree in the park",
    "wished it could be summer all year",
    "thought about what to do next",
    "dreamed about being a pilot",
    "wondered how big the moon was",
    "thought it would be fun to have a puppy",
    "thought about the cake in the kitchen",
]


def aside(t: Teller, hero: Character, friend: Character) -> None:
    """One sentence in passing: small doings by the hero, or by the hero and a friend ("they"); or how the hero
    felt and why, or what the hero thought about."""
    kind = t.rng.random()
    if kind < 0.2:
        reason = t.pick(REASONS).format(friend=friend.name, his=hero.his, he=hero.he)
        t.add(f"{hero.Name} [felt|was] [very |so |]{t.pick(FEELING_WORDS)} [because|since] {reason}.")
        return
    if kind < 0.3:
        thought = t.pick(THOUGHTS).format(friend=friend.name)
        t.add(f"[Sometimes|At night|For a while|Then], {hero.name} {thought}.")
        return
    if t.chance(0.35):
        subject = t.pick([f"{hero.Name} and {friend.name}", "They"])
        his, him, himself = "their", "them", "themselves"
    else:
        subject = hero.He if t.unambiguous(hero) and t.chance(0.5) else hero.Name
        his, him, himself = hero.his, hero.him, hero.himself
    what = t.pick(DOINGS).format(his=his, him=him)
    if t.chance(0.35):
        what += " and " + t.pick(DOINGS).format(his=his, him=him)
    tail = t.pick(HOW_LONG).format(himself=himself)
    if t.chance(0.4):
        pronoun = subject in ("They", "She", "He")
        t.add(f"{t.pick(WHEN)}, {subject.lower() if pronoun else subject} {what}{tail}.")
    else:
        t.add(f"{subject} {what}{tail}.")
