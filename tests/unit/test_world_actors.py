"""World-wide actors: the country layer from data packages, office holders, organisations, armed groups, the press,
and the validation of gazetteer files."""

from pathlib import Path

import pytest

from agents.datafiles import DataFileError
from agents.gazetteer import read_gazetteer
from agents.gazetteer.world import capitals, plural_demonym, world_countries
from agents.nlp.actors.matcher import noun_forms
from tests.unit.test_actors import actor_of


def test_every_iso_country_has_a_government_code_and_names():
    countries = world_countries()
    assert len(countries) >= 249
    assert all(entry["government"] == f"{code}_GOV" for code, entry in countries.items())
    # only territories whose ISO names all carry a qualifier ("Sint Maarten (Dutch part)") go without a name
    assert {code for code, entry in countries.items() if not entry["names"]} <= {"BES", "MAF", "SXM", "UMI"}
    assert "Pakistan" in countries["PAK"]["names"] and "Islamabad" in countries["PAK"]["capitals"]
    assert countries["KEN"]["adjectives"] == ["Kenyan"]


def test_a_shared_demonym_goes_to_the_far_larger_country_only():
    countries = world_countries()
    owners = [code for code, entry in countries.items() if "French" in entry.get("adjectives", [])]
    assert owners == ["FRA"]


def test_a_core_name_shared_by_two_states_goes_to_the_far_larger_one_only(nlp, gazetteer):
    countries = world_countries()
    owners = [code for code, entry in countries.items() if "Congo" in entry["names"]]
    assert owners == ["COD"]  # "Democratic Republic of the Congo" outnumbers "Republic of the Congo" ten to one
    assert not [code for code, entry in countries.items() if "Korea" in entry["names"]]  # no state ten times larger
    assert actor_of(nlp, gazetteer, "Congo's army said the town had fallen.", "Congo's army") == "COD"
    assert actor_of(nlp, gazetteer, "Congo Republic's army said the border was calm.", "Congo Republic's army") == "COG"


def test_capital_forms_and_plural_demonyms():
    assert capitals("Washington D.C.") == ["Washington", "Washington D.C."]
    assert capitals(["Kralendijk / Oranjestad"]) == ["Kralendijk", "Oranjestad"]
    assert plural_demonym("Israeli") == "Israelis" and plural_demonym("Chinese") == "Chinese"


@pytest.mark.parametrize(
    "text, phrase, code",
    [
        ("Islamabad said on Monday it would respond at a time of its choosing.", "Islamabad", "PAK_GOV"),
        ("Pakistan's foreign ministry summoned the envoy.", "Pakistan's foreign ministry", "PAK_GOV"),
        ("The Indian army said two posts were hit.", "The Indian army", "IND"),
        (
            "A Chinese Defence Ministry spokesman called the patrol provocative.",
            "A Chinese Defence Ministry spokesman",
            "CHN_GOV",
        ),
        ("Kenyan Foreign Minister Amina Odhiambo flew to the talks.", "Amina Odhiambo", "KEN_GOV"),
        ("Venezuelan troops moved towards the river.", "Venezuelan troops", "VEN"),
        ("The People's Liberation Army announced live-fire drills.", "The People's Liberation Army", "CHN"),
        ("Thai officials said the border crossings were shut.", "Thai officials", "THA_GOV"),
    ],
)
def test_any_country_its_government_and_its_forces(nlp, gazetteer, text, phrase, code):
    assert actor_of(nlp, gazetteer, text, phrase) == code


@pytest.mark.parametrize(
    "text, phrase, code",
    [
        ("Netanyahu told the cabinet the campaign would go on.", "Netanyahu", "ISR_GOV"),
        ("Guterres appealed for calm on both sides.", "Guterres", "UN"),
        ("The UN refugee agency said thousands had crossed.", "The UN refugee agency", "UN"),
        ("Hamas said it was studying the proposal.", "Hamas", "HAMAS"),
        ("The Houthis claimed the attack on the tanker.", "The Houthis", "HOUTHIS"),
        ("The IAEA said inspectors had not been given access.", "The IAEA", "IAEA"),
        ("The AU said it would send monitors.", "The AU", "AU"),
        ("An AU mediator said both sides had agreed to talk.", "An AU mediator", "AU"),
        ("The EAC said its regional force would deploy.", "The EAC", "EAC"),
        ("A KFOR spokesman said patrols were stepped up.", "A KFOR spokesman", "NATO"),
        ("ATMIS said its base had been shelled.", "ATMIS", "AU"),
        ("UNMISS said the camp was overcrowded.", "UNMISS", "UN"),
        ("Iranian state television said the missiles were intercepted.", "Iranian state television", "MEDIA"),
        ("Xinhua reported that the drills had ended.", "Xinhua", "MEDIA"),
    ],
)
def test_office_holders_organisations_armed_groups_and_the_press(nlp, gazetteer, text, phrase, code):
    assert actor_of(nlp, gazetteer, text, phrase) == code


def test_a_family_name_refers_back_only_after_the_full_name(nlp, gazetteer):
    text = "North Korean leader Kim Jong Un inspected the launch. Kim said more tests would follow."
    assert actor_of(nlp, gazetteer, text, "Kim", occurrence=1) == "PRK_GOV"
    assert actor_of(nlp, gazetteer, "Kim said more tests would follow.", "Kim") is None


@pytest.mark.parametrize(
    "content, line, message",
    [
        ("countries:\n  FRA:\n    institutons: [Matignon]\n", 3, "institutons"),
        ("people:\n  - {name: Jean Dupont, code: FRA}\n  - {name: Anne Martin}\n", 3, "code"),
        ("people:\n  - {name: Jean Dupont, code: fra}\n", 2, "upper-case"),
        ("organisations:\n  NATO:\n    names: Alliance\n", 3, "valid list"),
        ("peoples:\n  - {name: Jean Dupont, code: FRA}\n", 1, "peoples"),
    ],
)
def test_a_typo_in_a_gazetteer_file_is_an_error_naming_its_line(tmp_path: Path, content, line, message):
    path = tmp_path / "mine.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DataFileError) as error:
        read_gazetteer(path)
    assert f"{path}: line {line}:" in str(error.value)
    assert message in str(error.value)


def test_the_builtin_gazetteer_files_validate():
    for name in ("actors.yaml", "office_holders.yaml"):
        assert read_gazetteer(Path("agents/gazetteer/data") / name)


def test_offices_without_a_country_belong_to_the_datelines_country(nlp, gazetteer):
    text = (
        "NEW DELHI, May 7 (Wire) - The foreign ministry summoned the envoy. Prime Minister Rohan Mehta chaired a "
        "meeting, and officials said the army was ready."
    )
    assert actor_of(nlp, gazetteer, text, "The foreign ministry") == "IND_GOV"
    assert actor_of(nlp, gazetteer, text, "Rohan Mehta") == "IND_GOV"
    assert actor_of(nlp, gazetteer, text, "the army") == "IND"
    undated = "The foreign ministry summoned the envoy."
    assert actor_of(nlp, gazetteer, undated, "The foreign ministry") is None
    two_cities = "MOSCOW/LONDON - The foreign ministry summoned the envoy."
    assert actor_of(nlp, gazetteer, two_cities, "The foreign ministry") is None
    provincial = "KANDY, Sri Lanka, March 3 - The defence ministry ordered a curfew."
    assert actor_of(nlp, gazetteer, provincial, "The defence ministry") == "LKA_GOV"
    city_alone = "KANDY, March 3 - The defence ministry ordered a curfew."
    assert actor_of(nlp, gazetteer, city_alone, "The defence ministry") is None


def test_without_a_dateline_an_office_belongs_to_the_country_in_focus(nlp, gazetteer):
    nearby = "Kenya closed two border posts on Friday. The army said the posts would stay shut for a week."
    assert actor_of(nlp, gazetteer, nearby, "The army") == "KEN"
    # the country named last nearby decides, not the first one of the sentence before
    switched = "Kenya accused Somalia of an incursion. Mogadishu denied it, and the foreign ministry called it a lie."
    assert actor_of(nlp, gazetteer, switched, "the foreign ministry") == "SOM_GOV"
    # nothing nearby: the country named most often so far; a tie says nothing
    far = (
        "Chile and Peru met in Lima. Chile asked for calm. Chile sent a note. The weather was mild. Crowds were "
        "small. Markets were calm. The defence minister said troops were on alert."
    )
    assert actor_of(nlp, gazetteer, far, "The defence minister") == "CHL_GOV"
    tie = "Chile and Peru met. The weather was mild. Crowds were small. Markets were calm. The minister spoke."
    assert actor_of(nlp, gazetteer, tie, "The minister") is None


@pytest.mark.parametrize(
    "text, later, code",
    [
        # the name in apposition to its title
        (
            "Chad's President Idriss Deby declared a state of emergency. Deby said the rebels had fled.",
            "Deby",
            "TCD_GOV",
        ),
        # a lone surname that NER does not tag again
        (
            "French President Francois Hollande landed in Bangui. Hollande said the troops would stay.",
            "Hollande",
            "FRA",
        ),
        # names shortened to their first part
        (
            "Ethiopian Prime Minister Tesfaye Bekele greeted the envoys. Tesfaye said the dam would be finished.",
            "Tesfaye",
            "ETH_GOV",
        ),
        (
            "Somali President Hassan Ali Warsame addressed lawmakers. Hassan Ali said the deal was void.",
            "Hassan Ali",
            "SOM_GOV",
        ),
    ],
)
def test_a_name_coded_by_its_title_is_referred_back_to(nlp, gazetteer, text, later, code):
    assert actor_of(nlp, gazetteer, text, later, occurrence=1) == code


def test_a_sentence_that_opens_on_its_place_moves_the_office_there(nlp, gazetteer):
    text = "Kenya's foreign ministry welcomed the offer. In Mogadishu, the foreign ministry rejected it as a ploy."
    assert actor_of(nlp, gazetteer, text, "the foreign ministry") == "SOM_GOV"
    # without the opening place the office still refers back
    back = "Kenya's foreign ministry welcomed the offer. Later, the foreign ministry repeated it in a statement."
    assert actor_of(nlp, gazetteer, back, "the foreign ministry") == "KEN_GOV"


@pytest.mark.parametrize(
    "text, demonym, code",
    [
        ("Tajik border guards fired on the post.", "Tajik", "TJK"),
        ("Argentine troops landed at dawn.", "Argentine", "ARG"),
        ("Kosovar police sealed the crossing.", "Kosovar", "XKX"),
        ("Saudi officials declined to comment.", "Saudi officials", "SAU_GOV"),
    ],
)
def test_usual_demonyms_the_packages_lack(nlp, gazetteer, text, demonym, code):
    assert actor_of(nlp, gazetteer, text, demonym) == code


def test_role_nouns_in_the_plural(nlp, gazetteer):
    assert noun_forms(["spokesman", "fisherman", "woman", "agency", "witness"]) == [
        "agencies",
        "agency",
        "fisherman",
        "fishermen",
        "spokesman",
        "spokesmen",
        "witness",
        "witnesses",
        "woman",
        "women",
    ]
    text = "Kenyan spokesmen said the border was calm. Fishermen on the lake said patrols had stopped."
    assert actor_of(nlp, gazetteer, text, "Kenyan spokesmen") == "KEN_GOV"
    assert actor_of(nlp, gazetteer, text, "Fishermen on the lake") == "CIVILIAN"


def test_heads_of_intergovernmental_organisations_before_the_list_years(nlp, gazetteer):
    text = "Kofi Annan urged both sides to stop. Annan later flew to the region."
    assert actor_of(nlp, gazetteer, text, "Annan", occurrence=1) == "UN"
    assert (
        actor_of(
            nlp, gazetteer, "Analysts at the International Crisis Group disagreed.", "the International Crisis Group"
        )
        == "EXPERT"
    )
