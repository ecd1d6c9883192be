"""Actor normalisation: every PERSON/ORG/GPE/NORP mention and every role phrase gets a canonical actor code.

The gazetteer (agents/gazetteer/, optionally merged with a user file) is compiled once into a PhraseMatcher (surface
forms) and a lower-case PhraseMatcher (role nouns, "many Russians", ages, "Mr X"). `ActorGazetteer.annotate`
runs both on the already parsed Doc and resolves each phrase in this order:

1. a role noun heading the phrase takes its code from its nearest coded modifier or complement: "Russian officials"
   -> RUS_GOV, "Western officials" -> NATO, "Ukrainian troops" -> UKR, "Putin's army" -> RUS, "secretary of Ukraine's
   Security and Defense Council" -> UKR_GOV; fixed roles ignore it ("residents" -> CIVILIAN); a bare definite role
   refers back to the latest coded one ("the ministry");
2. people: a gazetteer person, a short name valid alone ("Putin"), or a surname referring back to a full name coded
   in the same article ("Johnson" after "Boris Johnson", "Mr Petrenko" after "Defence Minister Oleksandr Petrenko");
3. a surface form covering the phrase head ("the Kremlin", "Control Risks", "Moscow");
4. a role noun elsewhere in the phrase, then any coded form up to the head ("Russia's" -> RUS).

Unknown names stay None. Pure: no Kafka, no Faust. Modules: `matcher` (the compiled gazetteer), `article` (the
resolver of one article), `phrases` (noun-phrase helpers), `chrome` (page chrome).
"""

from agents.nlp.actors.article import ArticleActors
from agents.nlp.actors.chrome import in_ranges
from agents.nlp.actors.matcher import MENTION_LABEL, ActorGazetteer

__all__ = ["MENTION_LABEL", "ActorGazetteer", "ArticleActors", "in_ranges"]
