"""The privacy promise (docs/editors.md, "Protecting advocates"; docs/guarantees.md) as a
property: where a low-profile advocate works never reaches a public page, whatever the
spelling of their profile, however many advocates, split or not."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bots.core.messages import Messages
from bots.core.normalise import make_record
from bots.core.render.pages import KnowledgeBase
from bots.core.render.partlinks import PageSet
from bots.core.render.roster import RosterRenderer
from bots.core.roster import ACTIVE, Advocate, RosterConfig
from bots.core.schema import load_schema

SCHEMA = load_schema()
PAGES = PageSet(titles={"roster": "Advocacy Hub/Advocates",
                        "roster_log": "Advocacy Hub/Advocates/Log",
                        "help_wanted": "Advocacy Hub/Help wanted",
                        "signup": "Advocacy Hub/Advocates/Sign-up",
                        "maintenance": "Advocacy Hub/Maintenance"},
                base_lang="en", languages=["en", "es"])
# Low-profile advocates work here (Middle East & North Africa); everyone else in Latin America.
SECRET = ["IR", "SY", "YE"]
SECRET_WORDS = ["Iran", "Syria", "Yemen", "Middle East", "Tehrann", "Oriente Medio", "Irán"]
OPEN = ["BR", "AR", "CL"]
# Every spelling that asks for a low profile: the value, its synonyms, other cases and
# separators, and a value the vocabulary does not know (not taken as consent to publish).
LOW = st.sampled_from(["low", "LOW", "Low profile", "low_profile", "low-profile", "private",
                       "Hidden", "secret", "nope"])
PUBLIC = st.sampled_from(["", "public", "Public"])


def advocate(i: int, profile: str, places: list[str], typo: bool) -> Advocate:
    raw = {"user": f"Person {i:03d}", "jurisdictions": "; ".join(places + (["Tehrann"] if typo
                                                                            else [])),
           "topics": "copyright", "languages": "en"}
    if profile:
        raw["profile"] = profile
    rec = make_record(SCHEMA.kind("advocate"), f"User:Person {i:03d}", raw, SCHEMA)
    return Advocate(user=raw["user"], record=rec, status=ACTIVE)


people = st.lists(
    st.one_of(
        st.tuples(st.just("low"), LOW, st.lists(st.sampled_from(SECRET), min_size=1,
                                                max_size=2, unique=True), st.booleans()),
        st.tuples(st.just("open"), PUBLIC, st.lists(st.sampled_from(OPEN), min_size=1,
                                                    max_size=2, unique=True), st.just(False))),
    min_size=1, max_size=40)


@settings(max_examples=60, deadline=None)
@given(people, st.sampled_from([512 * 1024, 4_000]))
def test_no_public_page_says_where_a_low_profile_advocate_works(who, budget) -> None:
    roster = [advocate(i, profile, places, typo)
              for i, (_, profile, places, typo) in enumerate(who)]
    for adv, (side, *_rest) in zip(roster, who, strict=True):
        assert adv.record.hides_private == (side == "low"), adv.record.fields
    texts = []
    for lang in ("en", "es"):
        msgs = Messages(lang)
        renderer = RosterRenderer(SCHEMA, msgs, PAGES, RosterConfig())
        texts += renderer.roster_pages(roster, budget).values()
        texts += KnowledgeBase(SCHEMA, msgs, PAGES).maintenance_pages(
            [a.record for a in roster], [], budget).values()
    everything = "\n".join(texts)
    for word in SECRET_WORDS:
        assert word not in everything, word
    for adv in roster:  # and everyone is still listed, by name
        assert adv.user in everything
