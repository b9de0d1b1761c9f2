"""Demo supporters for `manage.py seed_demo`: the tag vocabulary and 30 varied supporters with weekly hours.

Idempotent: everything is looked up first and only what is missing is created, so a second run changes
nothing. Availability goes through the services (``rule_create`` regenerates the slots), so the demo data
obeys the same rules as real data.
"""

import datetime as dt
from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from accounts.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET
from accounts.models import User

from .models import SupporterProfile, Tag
from .services import AvailabilityError, leave_start, rule_create, time_off_create

TAGS: dict[str, list[str]] = {
    Tag.Kind.TOPIC: [
        "Anxiety",
        "Depression",
        "Grief and loss",
        "First-gen student",
        "LGBTQ+ life",
        "Eating concerns",
        "Burnout",
        "Family conflict",
        "Loneliness",
        "Substance use recovery",
        "Chronic illness",
        "Trauma",
        "Body image",
        "Breakups",
        "Work and career stress",
    ],
    Tag.Kind.IDENTITY: [
        "Black",
        "Latine",
        "Asian American",
        "Indigenous",
        "Queer",
        "Trans and nonbinary",
        "Woman",
        "Man",
        "Disabled",
        "Immigrant family",
        "Parent",
        "Veteran",
    ],
    Tag.Kind.INTEREST: ["Music", "Gaming", "Faith and spirituality", "Sports", "Art", "Outdoors"],
    Tag.Kind.LANGUAGE: ["English", "Spanish", "Mandarin", "Vietnamese", "Tagalog", "Korean", "ASL"],
}

MON, TUE, WED, THU, FRI = range(5)


@dataclass(frozen=True)
class Persona:
    name: str
    pronouns: str
    time_zone: str
    topics: list[str]
    identities: list[str]
    interests: list[str]
    languages: list[str]
    # (weekdays, start hour, end hour) in the supporter's own zone; 24 means midnight.
    hours: list[tuple[tuple[int, ...], int, int]]
    intro: str
    story: str
    status: str = SupporterProfile.Status.ACTIVE
    extras: dict = field(default_factory=dict)  # "time_off_in_days": n, "leave": True


PERSONAS: list[Persona] = [
    Persona(
        "Ana Lucía Ortiz",
        "she/her",
        "America/Los_Angeles",
        ["Anxiety", "First-gen student", "Family conflict"],
        ["Latine", "Woman", "Immigrant family"],
        ["Music"],
        ["English", "Spanish"],
        [((MON, WED), 17, 20), ((FRI,), 12, 14)],
        "First in my family to go to college, and the one who translated every form. I know what it's "
        "like to carry two worlds.",
        "In my second year at a state school I stopped sleeping before exams and started skipping the "
        "classes I loved most. My parents were proud and worried at the same time, and I didn't want to "
        "add to either. A campus peer group was the first place I said out loud that I was struggling. "
        "These days I help people sort out what is theirs to carry and what they can set down. I'm happy "
        "to talk in Spanish or English, or a mix of both.",
    ),
    Persona(
        "Marcus Bell",
        "he/him",
        "America/Chicago",
        ["Depression", "Work and career stress", "Loneliness"],
        ["Black", "Man"],
        ["Sports", "Gaming"],
        ["English"],
        [((TUE, THU), 18, 22)],
        "I spent two years acting fine at work while running on empty. Now I talk with people about the "
        "part nobody sees.",
        "After college I took a job I thought I wanted and slowly stopped answering my friends' texts. "
        "Basketball on Saturdays was the one thing I kept, and a teammate was the one who noticed. "
        "Getting help felt like admitting defeat until it didn't. I'm a calm listener, not a fixer, and "
        "I won't judge you for where you are.",
    ),
    Persona(
        "Mei Chen",
        "she/they",
        "America/Los_Angeles",
        ["Anxiety", "Body image", "Eating concerns"],
        ["Asian American", "Queer"],
        ["Art"],
        ["English", "Mandarin"],
        [((MON, TUE, WED, THU), 10, 12)],
        "Recovering perfectionist and sketchbook person. I know how loud the voice about food and bodies "
        "can get.",
        "For most of high school I measured my worth in numbers: grades, scores, and what I ate. Recovery "
        "wasn't a straight line, and I still have days that take more effort than others. Drawing helped "
        "me notice what I was feeling before I could name it. I bring patience, and no food talk you "
        "didn't ask for.",
    ),
    Persona(
        "Daniel Whitehorse",
        "he/him",
        "America/Denver",
        ["Grief and loss", "Substance use recovery", "Family conflict"],
        ["Indigenous", "Man"],
        ["Outdoors", "Faith and spirituality"],
        ["English"],
        [((MON, WED, FRI), 10, 13)],
        "Sober eight years. I lost my older brother in my twenties and learned that grief doesn't keep a "
        "schedule.",
        "When my brother died I leaned on drinking because it was the quickest way to feel nothing. My "
        "aunties and a recovery circle gave me other ways to carry him with me. I spend a lot of time "
        "outside now; long walks are where I think best. If you're grieving, or trying to change your "
        "relationship with a substance, we can go at your pace.",
    ),
    Persona(
        "Priya Raman",
        "she/her",
        "America/New_York",
        ["Burnout", "Anxiety", "Work and career stress", "First-gen student"],
        ["Asian American", "Woman", "Immigrant family"],
        ["Music"],
        ["English"],
        [((MON, TUE, WED, THU, FRI), 19, 21)],
        "Former pre-med who changed course. Good at untangling “should” from “want”.",
        "I spent years following a plan that made sense on paper and drained me in practice. Telling my "
        "family I was leaving pre-med was one of the hardest conversations I've had, and we're closer now "
        "than before. I still sing in a community choir, which is my weekly reset. I like helping people "
        "make decisions they can live with.",
        extras={"time_off_in_days": 12},
    ),
    Persona(
        "Jordan Reyes",
        "they/them",
        "America/Los_Angeles",
        ["LGBTQ+ life", "Depression", "Loneliness", "Family conflict"],
        ["Trans and nonbinary", "Latine", "Queer"],
        ["Gaming"],
        ["English", "Spanish"],
        [((TUE, THU), 13, 18)],
        "Nonbinary, gamer, and someone who spent a long time feeling like the only one. You're not.",
        "Coming out took me years and happened in pieces: to an online friend first, then a cousin, then "
        "everyone else. Some relationships got stronger and some needed distance. The loneliness in "
        "between was real, and so were the people who showed up. I'm here to listen, whether you're "
        "still figuring things out or already know and need somewhere to land.",
    ),
    Persona(
        "Grace Kim",
        "she/her",
        "America/Los_Angeles",
        ["Anxiety", "Breakups", "Family conflict"],
        ["Asian American", "Woman"],
        ["Faith and spirituality"],
        ["English", "Korean"],
        [((WED, FRI), 9, 12)],
        "Korean American, church kid, and someone who learned that panic attacks pass.",
        "My first panic attack happened in a lecture hall and I was sure something was physically wrong. "
        "It took a while to learn what anxiety feels like in my body and how to ride it out. Faith is "
        "part of my life, and I respect that it isn't part of everyone's. I'm glad to talk about "
        "relationships, family expectations and the in-between years.",
    ),
    Persona(
        "Tomás Herrera",
        "he/him",
        "America/Chicago",
        ["Substance use recovery", "Trauma", "Work and career stress"],
        ["Latine", "Man", "Veteran"],
        ["Sports"],
        ["English", "Spanish"],
        [((MON, WED), 11, 14)],
        "Army veteran, in recovery, and a believer that nobody should have to explain everything twice.",
        "Leaving the service was harder than anything I did in it. Without the structure, old habits "
        "filled the gaps, and it took a friend from my unit to get me to a meeting. I've been in recovery "
        "for five years. I won't ask you to share more than you want to; we start where you are.",
    ),
    Persona(
        "Aaliyah Johnson",
        "she/her",
        "America/New_York",
        ["Grief and loss", "Depression", "Chronic illness"],
        ["Black", "Woman", "Disabled"],
        ["Art", "Faith and spirituality"],
        ["English"],
        [((TUE, THU), 12, 15), ((WED,), 18, 20)],
        "Living with lupus since I was nineteen. I know what it's like when your body changes your plans.",
        "My diagnosis came in the middle of my sophomore year, and for a while it felt like I'd lost the "
        "future I had pictured. I grieved that, and later my grandmother, who had always been in my "
        "corner. Painting became a way to say what I couldn't. I'm gentle and honest, and I will never "
        "tell you to just think positive.",
    ),
    Persona(
        "Ethan Nguyen",
        "he/him",
        "America/Los_Angeles",
        ["Anxiety", "First-gen student", "Loneliness"],
        ["Asian American", "Man", "Immigrant family"],
        ["Gaming", "Music"],
        ["English", "Vietnamese"],
        [((MON, TUE, WED, THU), 18, 21)],
        "Grew up helping in my parents' nail salon, first to go to college, and very good at hiding "
        "stress. Working on that last part.",
        "At university I felt like everyone else had a map I'd never been given. I was too proud to ask "
        "for help and too tired to keep pretending. A resident assistant who was also first-gen changed "
        "that for me, simply by telling me her story. I'd like to be that for someone. Happy to talk in "
        "English or Vietnamese.",
    ),
    Persona(
        "Hannah Goldberg",
        "she/her",
        "America/New_York",
        ["Eating concerns", "Anxiety", "Body image", "Breakups"],
        ["Woman", "Queer"],
        ["Outdoors"],
        ["English", "ASL"],
        [((MON, WED, FRI), 13, 16)],
        "Hiker, ASL signer, and five years into eating disorder recovery.",
        "I thought recovery would be a single turning point. It turned out to be hundreds of small "
        "choices, and a lot of learning to be kind to myself when I got them wrong. Being outdoors "
        "reminds me that my body is for doing things, not only for being looked at. I sign, so Deaf and "
        "hard-of-hearing seekers are welcome to have our sessions in ASL.",
    ),
    Persona(
        "Isaiah Thompson",
        "he/him",
        "America/Chicago",
        ["Depression", "Family conflict", "Substance use recovery"],
        ["Black", "Man", "Parent"],
        ["Music", "Faith and spirituality"],
        ["English"],
        [((TUE, THU), 19, 22)],
        "Young dad, music producer, and someone who grew up in a home where feelings weren't discussed.",
        "Becoming a father at twenty-two made me look hard at what I'd learned growing up. I didn't want "
        "to pass on the silence. A counselor and a peer group helped me find words, and making beats "
        "helped me find the rest. I'm steady, direct when you want me to be, and I never rush.",
    ),
    Persona(
        "Sofia Martinez",
        "she/her",
        "America/Phoenix",
        ["Chronic illness", "Anxiety", "Loneliness"],
        ["Latine", "Woman", "Disabled"],
        ["Art"],
        ["English", "Spanish"],
        [((MON, WED), 10, 13), ((FRI,), 10, 12)],
        "Wheelchair user, crochet enthusiast, and practiced at explaining myself to doctors.",
        "I have a connective tissue condition that means plans sometimes change at the last minute. For "
        "a long time I felt like a burden to my friends, and I pulled away. Online disability communities "
        "showed me I wasn't the only one, and I found my people there. I'm a good person to talk to if "
        "your health shapes your days in ways others don't see.",
    ),
    Persona(
        "Liam O'Connor",
        "he/him",
        "America/Los_Angeles",
        ["Burnout", "Work and career stress", "Anxiety"],
        ["Man"],
        ["Sports", "Outdoors"],
        ["English"],
        [((MON, WED), 9, 11)],
        "Former startup employee who learned the hard way that hustle has a cost.",
        "At twenty-four I was working weekends and calling it ambition. Then one Monday I couldn't get "
        "out of bed, and that scared me into changing things. Running and climbing help me stay honest "
        "about my limits. I'm practical and happy to think through boundaries with you, one step at a "
        "time.",
    ),
    Persona(
        "Zara Ahmed",
        "she/her",
        "America/New_York",
        ["Family conflict", "Anxiety", "First-gen student", "Loneliness"],
        ["Woman", "Immigrant family"],
        ["Faith and spirituality", "Art"],
        ["English"],
        [((TUE, THU), 17, 21)],
        "Daughter of immigrants, calligraphy nerd, and someone who knows family love and family pressure "
        "can look alike.",
        "Growing up I was often the bridge between my parents and the world outside our home. It made me "
        "capable and also very tired. In college I started learning where my responsibilities ended, "
        "which was uncomfortable and freeing. Faith matters to me and I'm glad to talk about it, or to "
        "leave it out completely.",
    ),
    Persona(
        "Kai Kealoha",
        "he/they",
        "Pacific/Honolulu",
        ["Loneliness", "LGBTQ+ life", "Depression"],
        ["Queer", "Indigenous"],
        ["Outdoors", "Music"],
        ["English"],
        [((MON, WED, FRI), 8, 11)],
        "Native Hawaiian, queer, and a ukulele player. Morning sessions from the islands.",
        "Moving to the mainland for school, I felt far from everything that made me who I am. I had low "
        "moods that I blamed on the weather and later understood were more than that. Coming home, and "
        "finding queer community here, helped me heal. I'm comfortable with silence, and I listen "
        "closely.",
    ),
    Persona(
        "Rachel Cohen",
        "she/her",
        "Europe/London",
        ["Anxiety", "Breakups", "Work and career stress"],
        ["Woman"],
        ["Music"],
        ["English"],
        [((MON, TUE, THU), 17, 20)],
        "An American living in London. My evenings are your mornings in the US.",
        "I moved abroad for a job right after college, and a long relationship ended soon after. Being "
        "far from everyone I knew made it heavier, and I learned a lot about asking for help across time "
        "zones. I'm warm, a little nerdy about music, and good at helping people find their footing after "
        "a big change.",
    ),
    Persona(
        "Andre Washington",
        "he/him",
        "America/New_York",
        ["Trauma", "Depression", "Grief and loss"],
        ["Black", "Man", "Veteran"],
        ["Sports", "Faith and spirituality"],
        ["English"],
        [((MON, WED, FRI), 12, 14)],
        "Navy veteran and former college football player. Asking for help takes strength too.",
        "I came home from deployment and told everyone I was fine, because that was what I'd always "
        "done. Losing a close friend a year later made it impossible to keep that up. A veterans' peer "
        "program taught me that talking didn't make me weak. Now I sit on the other side of that "
        "conversation, and I'm honored to.",
    ),
    Persona(
        "Lucía Fernández",
        "she/her",
        "America/Denver",
        ["Eating concerns", "Body image", "Anxiety"],
        ["Latine", "Woman"],
        ["Sports"],
        ["English", "Spanish"],
        [((TUE, THU), 16, 20)],
        "Former competitive swimmer. I know what happens when sport and self-worth get tangled.",
        "Swimming gave me discipline and friends, and it also taught me to watch my body with a critical "
        "eye. When I stopped competing I had to figure out who I was without the stopwatch. I'm still "
        "learning to enjoy movement for its own sake. Happy to talk in English or Spanish.",
    ),
    Persona(
        "Noah Patel",
        "he/him",
        "America/Chicago",
        ["Anxiety", "Depression", "Chronic illness"],
        ["Asian American", "Man", "Disabled"],
        ["Gaming"],
        ["English"],
        [((MON, TUE, WED, THU, FRI), 12, 14)],
        "Type 1 diabetic, board game collector, and a fan of good questions.",
        "Managing a chronic condition as a teenager meant I was always a little on alert. Anxiety grew "
        "out of that habit and spread into everything else. Learning that both could be managed, and "
        "that I didn't have to do it alone, changed my twenties. I'm curious and patient, and happy to "
        "talk about games if that helps you settle in.",
    ),
    Persona(
        "Emily Carter",
        "she/her",
        "America/Los_Angeles",
        ["Grief and loss", "Family conflict", "Depression"],
        ["Woman", "Parent"],
        ["Outdoors", "Art"],
        ["English"],
        [((MON, TUE, WED, THU, FRI), 9, 11)],
        "New parent and longtime gardener. I'm taking a short break and will be back.",
        "My mother died when I was twenty, and the years afterwards changed how I related to my siblings "
        "and my dad. We found our way back to each other slowly. Gardening became a way to tend "
        "something when I couldn't fix anything. I'm gentle and unhurried, and I'm glad to sit with hard "
        "feelings.",
        extras={"leave": True},
    ),
    Persona(
        "Diego Alvarez",
        "he/him",
        "America/Los_Angeles",
        ["Substance use recovery", "Breakups"],
        ["Latine", "Man"],
        ["Music"],
        ["English", "Spanish"],
        [((TUE,), 18, 21)],
        "Guitarist, line cook, and three years sober. Evenings are my time.",
        "Kitchen life made drinking feel normal, and for a while I didn't notice how much of my week it "
        "took. A breakup was my wake-up call. Recovery gave me my mornings back, and my music too. I keep "
        "it real and I'm not going to lecture you.",
    ),
    Persona(
        "Aiko Tanaka",
        "she/her",
        "America/Los_Angeles",
        ["Burnout", "Anxiety", "Loneliness"],
        ["Asian American", "Woman"],
        ["Art", "Gaming"],
        ["English"],
        [((WED, THU), 14, 18)],
        "Illustrator and cozy-game fan, new to peersnet and finishing onboarding.",
        "Freelancing from home meant long days on my own, and I didn't notice how isolated I'd become "
        "until I stopped looking forward to anything. Reconnecting with friends took small, deliberate "
        "steps. I'm looking forward to offering sessions soon.",
        status=SupporterProfile.Status.ONBOARDING,
    ),
    Persona(
        "Samuel Osei",
        "he/him",
        "America/New_York",
        ["First-gen student", "Work and career stress", "Anxiety", "Family conflict"],
        ["Black", "Man", "Immigrant family"],
        ["Sports", "Music"],
        ["English"],
        [((MON, WED), 18, 22)],
        "Ghanaian American, soccer on weekends, and someone who learned that asking questions is a skill.",
        "My parents moved here so I'd have choices, and for a long time that felt like pressure to make "
        "only perfect ones. In my first job I was afraid to admit when I didn't know something. A mentor "
        "who talked openly about her own doubts changed how I saw it. I'm encouraging and practical, and "
        "I like helping people make their next step smaller.",
    ),
    Persona(
        "Maria Santos",
        "she/her",
        "America/Los_Angeles",
        ["Family conflict", "Depression", "Loneliness"],
        ["Woman", "Immigrant family"],
        ["Faith and spirituality", "Music"],
        ["English", "Tagalog"],
        [((MON, TUE, WED), 12, 15)],
        "Filipino American, nursing student, and self-declared karaoke champion.",
        "I moved across the country for nursing school and felt homesick in a way I didn't expect. Calls "
        "home made it better and sometimes harder. Finding a Filipino student group and a good counselor "
        "made a huge difference. I'm warm and upbeat, and I also know how to just listen. Happy to speak "
        "Tagalog too.",
    ),
    Persona(
        "Alex Morgan",
        "they/them",
        "America/Denver",
        ["LGBTQ+ life", "Anxiety", "Body image"],
        ["Trans and nonbinary", "Queer"],
        ["Art", "Outdoors"],
        ["English"],
        [((TUE, THU), 10, 14)],
        "Nonbinary tattoo artist and trail runner. I bring curiosity and no judgment.",
        "For years I felt like I was seeing myself through someone else's eyes. Transitioning was a "
        "relief, and it also brought new worries about safety, family and work. Art and long runs in the "
        "foothills are how I process things. Whatever you bring, we'll take it at your pace.",
    ),
    Persona(
        "Jasmine Wright",
        "she/her",
        "America/Anchorage",
        ["Trauma", "Anxiety", "Breakups"],
        ["Black", "Woman"],
        ["Outdoors", "Faith and spirituality"],
        ["English"],
        [((MON, WED, FRI), 9, 12)],
        "Alaskan, early riser, and someone who believes healing can be quiet.",
        "After a relationship that left me doubting my own judgment, I had to relearn how to trust "
        "myself. It took time, support and a lot of walks in the cold. I know how confusing it can be to "
        "care about someone and still need to leave. I'll never push you for details; you decide what we "
        "talk about.",
    ),
    Persona(
        "Ryan Brooks",
        "he/him",
        "America/Chicago",
        ["Depression", "Loneliness", "Work and career stress"],
        ["Man", "Queer"],
        ["Gaming", "Music"],
        ["English"],
        [((MON, WED), 13, 17)],
        "Gay, Midwestern, and a big believer in small wins.",
        "I moved to the city for work and found out that being surrounded by people is not the same as "
        "being known. The low days stacked up until a friend invited me to a queer running club I almost "
        "skipped. Small routines got me through. I'm friendly and easygoing, and glad to talk through "
        "whatever is weighing on you.",
    ),
    Persona(
        "Linh Tran",
        "she/her",
        "America/Los_Angeles",
        ["Anxiety", "Family conflict", "Body image", "First-gen student"],
        ["Asian American", "Woman", "Immigrant family"],
        ["Art"],
        ["English", "Vietnamese"],
        [((THU, FRI), 15, 20)],
        "Design student, bilingual, and someone who has said “I'm fine” in two languages.",
        "Between school and helping at my family's restaurant, I had no time for myself and felt guilty "
        "whenever I took any. Slowly I learned that rest is not laziness. Talking with someone who "
        "understood both cultures made it easier to explain myself to my parents. I'm happy to talk in "
        "English or Vietnamese.",
    ),
    Persona(
        "Elijah Rivers",
        "he/him",
        "America/Toronto",
        ["Grief and loss", "Substance use recovery", "Depression", "Trauma", "Loneliness", "Chronic illness"],
        ["Indigenous", "Man"],
        ["Music", "Outdoors"],
        ["English"],
        [((TUE, THU), 12, 17)],
        "Anishinaabe, musician, and in recovery. I lost people young and learned to carry them with care.",
        "I grew up between the city and my grandmother's community, and I lost two cousins before I "
        "turned twenty-five. Drinking numbed it for a while, and then it made everything worse. Ceremony, "
        "music and a recovery group helped me come back to myself. I'm patient, and hard things don't "
        "scare me off.",
    ),
]

DEMO_HOURLY_PAY_CENTS = 2600


def demo_email(number: int) -> str:
    return f"supporter{number:02d}@peersnet.example"


def seed_tags() -> dict[tuple[str, str], Tag]:
    """The tag vocabulary, keyed by (kind, name). Existing tags (perhaps edited by staff) are kept."""
    tags = {}
    for kind, names in TAGS.items():
        for order, name in enumerate(names):
            tag, _created = Tag.objects.get_or_create(
                kind=kind, slug=slugify(name), defaults={"name": name, "display_order": (order + 1) * 10}
            )
            tags[(kind, name)] = tag
    return tags


def _user(number: int, persona: Persona, password_hash: str) -> User:
    email = demo_email(number)
    user, _created = User.objects.get_or_create(
        email=email,
        defaults={
            "first_name": persona.name.split()[0],
            "time_zone": persona.time_zone,
            "password": password_hash,
        },
    )
    EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, DEMO_TOTP_SECRET)
    return user


def _create_supporter(
    number: int, persona: Persona, tags: dict[tuple[str, str], Tag], password_hash: str
) -> SupporterProfile:
    user = _user(number, persona, password_hash)
    supporter = SupporterProfile.objects.create(
        user=user,
        display_name=persona.name,
        pronouns=persona.pronouns,
        intro=persona.intro,
        story=persona.story,
        time_zone=persona.time_zone,
        hourly_pay_cents=DEMO_HOURLY_PAY_CENTS,
        status=persona.status,
    )
    picked = [(Tag.Kind.TOPIC, name) for name in persona.topics]
    picked += [(Tag.Kind.IDENTITY, name) for name in persona.identities]
    picked += [(Tag.Kind.INTEREST, name) for name in persona.interests]
    picked += [(Tag.Kind.LANGUAGE, name) for name in persona.languages]
    supporter.tags.set([tags[key] for key in picked])
    for weekdays, start, end in persona.hours:
        for weekday in weekdays:
            end_time = dt.time(23, 59) if end == 24 else dt.time(end)
            try:
                rule_create(
                    supporter=supporter, weekday=weekday, start_time=dt.time(start), end_time=end_time
                )
            except AvailabilityError:
                # Staff may have narrowed the operating hours in this database; skip what no longer fits.
                continue
    today = timezone.now().astimezone(supporter.tzinfo).date()
    if "time_off_in_days" in persona.extras:
        first = today + dt.timedelta(days=persona.extras["time_off_in_days"])
        time_off_create(supporter=supporter, start_date=first, end_date=first, note="Family wedding")
    if persona.extras.get("leave"):
        leave_start(supporter=supporter, start_date=today, end_date=None)
    return supporter


@transaction.atomic
def seed_supporters() -> list[str]:
    """The tag vocabulary and 30 demo supporters with weekly hours. Returns lines describing the logins."""
    tags = seed_tags()
    existing = set(
        SupporterProfile.objects.filter(
            user__email__in=[demo_email(n) for n in range(1, len(PERSONAS) + 1)]
        ).values_list("user__email", flat=True)
    )
    # One hash for every demo login: hashing is deliberately slow, and these passwords are public anyway.
    password_hash = make_password(DEMO_PASSWORD)
    created = 0
    for number, persona in enumerate(PERSONAS, start=1):
        if demo_email(number) in existing:
            continue
        _create_supporter(number, persona, tags, password_hash)
        created += 1
    first, last = demo_email(1), demo_email(len(PERSONAS))
    return [
        f"Supporters: {first} … {last} ({len(PERSONAS)} in all, {created} new this run); "
        f"same password and two-factor secret as staff. Try {first} ({PERSONAS[0].name}).",
    ]
