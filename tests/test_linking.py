"""Linking rules, one adversarial case at a time: false friends stay apart, variants join."""

from __future__ import annotations

import pytest
from newsgraph.linking.authority import load_authority
from newsgraph.linking.resolve import Corpus, resolve


def link(*lists: list[str], texts: dict[int, str] | None = None) -> dict[tuple[int, str], str]:
    """(story number, name) → entity key, for stories given as entity lists."""
    corpus = Corpus(
        {f"http://n.example/article/s{i}": tuple(names) for i, names in enumerate(lists)},
        {f"http://n.example/article/s{i}": text for i, text in (texts or {}).items()},
    )
    resolution = resolve(corpus, load_authority())
    return {
        (int(article.rsplit("s", 1)[1]), name): key
        for (article, name), key in resolution.assigned.items()
    }


@pytest.mark.parametrize(
    "names",
    [
        ["Council of Europe", "European Council", "Council of the European Union"],
        ["European Commission", "European Commission for Democracy through Law"],
        ["UN", "UN Human Rights Council", "UN Security Council"],
        ["Parliamentary Assembly of the Council of Europe", "Council of Europe"],
        ["Georgia", "Georgia Power"],
        ["South Africa", "Africa"],
        ["Germany", "West Germany", "East Germany"],
        ["North Korea", "South Korea"],
        ["New York", "New York Stock Exchange"],
        ["Venice", "Venice Commission"],
        ["Sun Co", "Sun Refining and Marketing Co"],
        ["General Motors Corp", "General Motors Acceptance Corp"],
        ["Union Corp", "Union"],
        ["Niger", "Nigeria"],
        ["Dominica", "Dominican Republic"],
        ["Austria", "Australia"],
        ["Hyundai Motor Co", "Hyundai Corp"],
        ["Federal Reserve", "Federal Reserve Bank of New York"],
        ["Labour Party", "Labor Party"],
    ],
)
def test_false_friends_in_one_story_stay_apart(names: list[str]) -> None:
    linked = link(names)
    assert len({linked[(0, n)] for n in names}) == len(names), linked


@pytest.mark.parametrize(
    "first, second",
    [
        (["Council of Europe"], ["European Council"]),
        (["European Commission"], ["European Commission for Democracy through Law"]),
        (["UN"], ["UN Human Rights Council"]),
        (["Council of the European Union"], ["European Council"]),
        (["Georgia Power"], ["Georgia"]),
        (["Republic of Korea"], ["Democratic People's Republic of Korea"]),
        (["Congo"], ["Democratic Republic of the Congo"]),
    ],
)
def test_false_friends_across_stories_stay_apart(first: list[str], second: list[str]) -> None:
    linked = link(first, second)
    assert linked[(0, first[0])] != linked[(1, second[0])]


@pytest.mark.parametrize(
    "variants",
    [
        ["United States", "USA", "U.S.", "United States of America", "usa"],
        ["Russia", "Russian Federation"],
        ["Kazakhstan", "Republic of Kazakhstan"],
        ["United Kingdom", "UK", "Britain", "U.K."],
        ["South Korea", "Republic of Korea", "Korea, Republic of"],
        ["Netherlands", "Holland", "The Netherlands"],
        ["Ivory Coast", "Côte d'Ivoire", "Cote d'Ivoire"],
        ["West Germany", "west-germany", "West-Germany"],
        ["Soviet Union", "USSR", "ussr", "U.S.S.R."],
        ["Iran", "Islamic Republic of Iran"],
        ["Vietnam", "Viet Nam"],
    ],
)
def test_country_variants_across_stories_join(variants: list[str]) -> None:
    linked = link(*[[v] for v in variants])
    assert len({linked[(i, v)] for i, v in enumerate(variants)}) == 1, linked


@pytest.mark.parametrize(
    "variants",
    [
        ["World Health Organisation", "World Health Organization", "WORLD HEALTH ORGANIZATION"],
        ["Société Générale", "Societe Generale"],
        ["Paxar Corp", "Paxar", "Paxar Inc."],
        ["Moody's Investors Service", "Moodys Investors Service"],
        ["Morgan Stanley and Co Inc", "Morgan Stanley", "Morgan Stanley & Co"],
        ["The Boeing Company", "Boeing"],
        ["PACE", "Parliamentary Assembly of the Council of Europe"],
        ["Fed", "Federal Reserve"],
        ["Kassym-Jomart Tokayev", "President Tokayev", "Tokayev"],
    ],
)
def test_name_variants_across_stories_join(variants: list[str]) -> None:
    linked = link(*[[v] for v in variants])
    assert len({linked[(i, v)] for i, v in enumerate(variants)}) == 1, linked


def test_acronym_learned_from_text_applies_to_other_stories() -> None:
    linked = link(
        ["ZPQ"],
        ["Zentral Pharma Quality"],
        [],
        texts={2: "Officials of the Zentral Pharma Quality (ZPQ) met on Monday."},
    )
    assert linked[(0, "ZPQ")] == linked[(1, "Zentral Pharma Quality")]


def test_short_form_learned_from_text() -> None:
    linked = link(
        ["Council of the EU"],
        ["Council of the European Union"],
        [],
        texts={2: "Ministers at the Council of the European Union (Council of the EU) agreed."},
    )
    assert linked[(0, "Council of the EU")] == linked[(1, "Council of the European Union")]


def test_conflicting_acronym_definitions_stay_in_their_stories() -> None:
    linked = link(
        ["ABC", "Alpha Beta Corporation"],
        ["ABC", "Arab Banking Council"],
        ["ABC"],
        texts={0: "Alpha Beta Corporation (ABC) rose.", 1: "The Arab Banking Council (ABC) met."},
    )
    assert linked[(0, "ABC")] == linked[(0, "Alpha Beta Corporation")]
    assert linked[(1, "ABC")] == linked[(1, "Arab Banking Council")]
    assert linked[(2, "ABC")] not in {linked[(0, "ABC")], linked[(1, "ABC")]}


def test_acronym_beside_its_expansion_in_an_entity_list() -> None:
    linked = link(["IBM", "International Business Machines Corp"], ["IBM"])
    assert linked[(0, "IBM")] == linked[(0, "International Business Machines Corp")]
    assert linked[(1, "IBM")] == linked[(0, "IBM")]


def test_short_forms_resolve_within_their_own_story() -> None:
    linked = link(
        ["J.P. Morgan", "Morgan"],
        ["Morgan Stanley", "Morgan"],
        ["James Ottinger", "Ottinger", "Paxar Corp", "Paxar"],
    )
    assert linked[(0, "Morgan")] == linked[(0, "J.P. Morgan")]
    assert linked[(1, "Morgan")] == linked[(1, "Morgan Stanley")]
    assert linked[(0, "Morgan")] != linked[(1, "Morgan")]
    assert linked[(2, "Ottinger")] == linked[(2, "James Ottinger")]
    assert linked[(2, "Paxar")] == linked[(2, "Paxar Corp")]


def test_surname_links_only_when_one_person_bears_it() -> None:
    linked = link(["Leonardo Brito"], ["Brito"], ["Helen Keller"], ["Tom Keller"], ["Keller"])
    assert linked[(1, "Brito")] == linked[(0, "Leonardo Brito")]
    assert linked[(4, "Keller")] not in {linked[(2, "Helen Keller")], linked[(3, "Tom Keller")]}
    assert linked[(2, "Helen Keller")] != linked[(3, "Tom Keller")]


def test_surname_shared_with_a_company_name_stays_apart() -> None:
    linked = link(["Gerald Ford"], ["Ford Motor Co"], ["Ford"])
    assert linked[(2, "Ford")] not in {linked[(0, "Gerald Ford")], linked[(1, "Ford Motor Co")]}


def test_types_come_from_authority_countries_and_name_rules() -> None:
    corpus = Corpus(
        {
            "http://n.example/article/a": (
                "Kazakhstan", "PACE", "Qazinform News Agency", "President Tokayev",
                "Paxar Corp", "Ministry of Finance", "Mexico City", "Something",
            )
        }
    )  # fmt: skip
    resolution = resolve(corpus, load_authority())
    types = {e.name: e.type for e in resolution.entities.values()}
    assert types["Kazakhstan"] == "Country"
    assert types["Parliamentary Assembly of the Council of Europe"] == "GovernmentOrganization"
    assert types["Qazinform News Agency"] == "NewsMediaOrganization"
    assert types["Kassym-Jomart Tokayev"] == "Person"
    assert types["Paxar Corp"] == "Organization"
    assert types["Ministry of Finance"] == "GovernmentOrganization"
    assert types["Mexico City"] == "City"
    assert types["Something"] == "Thing"


def test_same_clusters_and_keys_in_any_order() -> None:
    stories = [["PACE", "Kazakhstan"], ["Parliamentary Assembly of the Council of Europe"],
               ["Paxar Corp", "Paxar"], ["Tokayev"], ["Kassym-Jomart Tokayev", "Georgia"]]  # fmt: skip
    forward = link(*stories)
    backward = link(*reversed(stories))
    last = len(stories) - 1
    assert forward == {(last - i, name): key for (i, name), key in backward.items()}


def test_found_in_text_needs_the_whole_name_and_its_case() -> None:
    corpus = Corpus(
        {
            "http://n.example/article/a": ("Council of Europe", "PACE", "Georgia"),
            "http://n.example/article/b": (),
        },
        {
            "http://n.example/article/b": (
                "The Parliamentary Assembly of the Council of Europe met Georgia Power. "
                "Pace of reform slowed. PACE said the Council of Europe agreed."
            )
        },
    )
    resolution = resolve(corpus, load_authority())
    found = {
        resolution.entities[k].name for k in resolution.found_in_text["http://n.example/article/b"]
    }
    assert found == {"Parliamentary Assembly of the Council of Europe", "Council of Europe"}


def test_an_organisation_word_is_never_read_as_a_persons_surname() -> None:
    from newsgraph.linking.people import person_shape

    assert not person_shape("Example Org")
    assert not person_shape("Middle Corridor")
    assert not person_shape("Green Alliance")


#: Three clusters no rule joins: the first two want the key ``resund`` (the ASCII of a path
#: segment drops "Ø"), the third wants ``resund-2``, the key the second of them was numbered.
KEY_CLAIMANTS = [["Øresund"], ["Resund"], ["Resund 2"]]


def test_every_cluster_has_a_key_of_its_own() -> None:
    linked = link(*KEY_CLAIMANTS)
    keys = [linked[(i, names[0])] for i, names in enumerate(KEY_CLAIMANTS)]
    assert len(set(keys)) == 3, keys
    resolution = resolve(
        Corpus({f"s{i}": tuple(names) for i, names in enumerate(KEY_CLAIMANTS)}),
        load_authority(),
    )
    for i, names in enumerate(KEY_CLAIMANTS):  # each story's entity is the one of its name
        (key,) = resolution.mentions[f"s{i}"]
        assert set(resolution.entities[key].forms) == {names[0]}
    assert sorted(resolution.entities) == sorted(keys)


def test_control_numbering_claimants_in_turn_gives_two_clusters_one_key() -> None:
    """The rule before: the n-th cluster wanting a key took ``key-n``, whoever else wanted it."""
    resolution = resolve(
        Corpus({f"s{i}": tuple(names) for i, names in enumerate(KEY_CLAIMANTS)}),
        load_authority(),
    )
    assert resolution.kept is not None
    drafts = resolution.kept.drafts
    claimed: dict[str, int] = {}
    numbered = []
    for root in sorted(drafts.made, key=drafts.order.__getitem__):
        wanted = drafts.made[root].key
        claimed[wanted] = claimed.get(wanted, 0) + 1
        numbered.append(wanted if claimed[wanted] == 1 else f"{wanted}-{claimed[wanted]}")
    assert len(set(numbered)) == 2 and len(numbered) == 3
