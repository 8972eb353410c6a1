"""Synthetic released reports for ``learning_scale.py``: de-identified near-miss accounts of
children's social care, made from sentence templates, so a million of them differ.

Each report has a main theme (one of 32 recurring error traps, in invented words, plus the
demo's and the method's own planted themes), sometimes a second one, and the other answers
of the reporting form (what led up to it, how it was caught, what was done, the outcome,
why, what would stop it), 5-15 sentences in all. Slots (agencies, documents, roles, times,
concerns...) are filled at random, and people, places and dates appear as the labels
de-identification leaves ("[Child 1]", "[School 2]"). About 60 % are coded by an analyst:
SCIE patterns and London Protocol factors that follow the theme, with noise, a synopsis,
how it was caught and the harm. Authorities differ in how common each theme is.

Everything is drawn from one seeded ``random.Random``: the same seed gives the same reports.
No text here describes a real case.
"""

from __future__ import annotations

import itertools
import random
import re
import string
from collections.abc import Sequence
from dataclasses import dataclass, field

from faker.providers.lorem.en_US import Provider as _Lorem

from candour.demo.reports import THEMES as DEMO_THEMES
from candour.learning.method.synthetic import FILLER
from candour.learning.method.synthetic import THEMES as METHOD_THEMES

SLOTS: dict[str, tuple[str, ...]] = {
    "child": (
        "[Child 1]", "[Child 2]", "the child", "the young person", "the baby", "the infant",
        "the teenager", "the toddler", "the sibling", "the unborn baby", "the older brother",
        "the younger sister", "the twins", "the care leaver", "the adolescent",
    ),
    "parent": (
        "the mother", "the father", "[Parent 1]", "[Parent 2]", "the stepfather", "mum", "dad",
        "the grandmother", "the grandfather", "the kinship carer", "the partner", "the aunt",
        "the special guardian", "the adoptive parent", "the birth mother",
    ),
    "worker": (
        "the social worker", "the allocated worker", "the student social worker",
        "the agency worker", "the newly qualified worker", "the duty worker",
        "the senior practitioner", "the team manager", "the family support worker",
        "the personal adviser", "the independent reviewing officer",
        "the child protection chair", "the residential key worker",
        "the supervising social worker", "the out of hours worker", "the practice supervisor",
        "[Worker 1]", "[Worker 2]", "the business support officer", "the locum manager",
        "the early help practitioner", "the contact supervisor", "the placement officer",
    ),
    "agency": (
        "the school", "the health visitor", "the GP", "the police", "the hospital",
        "the midwife", "the school nurse", "the adult mental health team", "CAMHS",
        "the youth justice service", "the housing officer", "the probation officer",
        "the drug and alcohol service", "the domestic abuse service", "the nursery",
        "the dentist", "the paediatrician", "the ambulance service", "the virtual school",
        "the leaving care team", "the neighbouring authority", "the designated nurse",
        "the LADO", "the early help team", "the education welfare officer",
        "the emergency department", "the sexual health clinic", "the children's centre",
        "the independent fostering agency", "the children's home", "the interpreter service",
        "the pharmacy", "the speech and language therapist", "[School 1]", "[Hospital 1]",
        "the special educational needs team", "the health visiting team", "the CAFCASS officer",
    ),
    "document": (
        "the referral", "the chronology", "the assessment", "the child protection plan",
        "the care plan", "the pathway plan", "the placement plan", "the safety plan",
        "the discharge letter", "the police notification", "the case note",
        "the strategy discussion minutes", "the core group notes", "the court statement",
        "the medical report", "the risk assessment", "the health assessment",
        "the personal education plan", "the missing episode report",
        "the return home interview", "the genogram", "the consent form",
        "the delegated authority form", "the contact arrangements", "the transfer summary",
        "the closure summary", "the written agreement", "the placement referral",
        "the pre-birth assessment", "the section seven report", "the parenting assessment",
        "the family network plan", "the handover note", "the supervision record",
    ),
    "system": (
        "the case management system", "the shared drive", "the secure email", "the duty inbox",
        "the electronic record", "the workflow", "the alerts screen", "the flag on the record",
        "the scanning queue", "the referral portal", "the out of hours log",
        "the handover sheet", "the team calendar", "the rota spreadsheet",
        "the document store", "the tasks list", "the reminders", "the mobile app",
        "the health record", "the education portal", "the allocation board",
    ),
    "time": (
        "on a Friday afternoon", "over the weekend", "late in the evening",
        "during the bank holiday", "at the end of the shift", "first thing on Monday",
        "during the school holidays", "at handover", "overnight", "in the morning meeting",
        "just before Christmas", "during a staff shortage", "while the manager was on leave",
        "during the office move", "in the middle of a busy duty day", "after the team change",
        "during the system upgrade", "in the week of the inspection", "at half term",
        "while the worker was off sick", "on [Date 1]", "in [Date 2]",
    ),
    "delay": (
        "two days", "a week", "three weeks", "a month", "several hours", "six weeks",
        "ten days", "over a fortnight", "four days", "almost two months", "a whole weekend",
    ),
    "meeting": (
        "the strategy meeting", "the child protection conference", "the core group",
        "the looked after review", "the legal planning meeting",
        "the multi agency risk meeting", "the MARAC", "the placement planning meeting",
        "the team meeting", "the supervision session", "the pathway review",
        "the disruption meeting", "the professionals meeting", "the family group conference",
        "the review child protection conference", "the permanence planning meeting",
        "the exploitation panel", "the resource panel", "the allocation meeting",
    ),
    "place": (
        "the family home", "the foster home", "the children's home", "the hospital ward",
        "the contact centre", "the police station", "the emergency accommodation",
        "the supported lodgings", "the bed and breakfast", "the grandparents' house",
        "the refuge", "the secure unit", "the out of area placement", "the respite unit",
        "the mother and baby placement", "[Address 1]", "the hostel", "the semi independent flat",
    ),
    "concern": (
        "bruising", "neglect", "domestic abuse", "sexual exploitation", "criminal exploitation",
        "self harm", "missing episodes", "substance misuse", "parental mental health",
        "poor school attendance", "an unexplained injury", "a burn", "a fracture",
        "weight loss", "online grooming", "radicalisation", "homelessness", "a dog bite",
        "an overdose", "county lines", "exposure to violence", "poor home conditions",
        "faltering growth", "a head injury", "a disclosure of abuse", "coercive control",
        "an allergy", "a seizure", "an eating disorder", "bullying", "a sudden change in behaviour",
    ),
    "action": (
        "a home visit", "a strategy discussion", "a section forty seven enquiry",
        "a welfare check", "a child protection medical", "a referral to early help",
        "an emergency placement", "a legal planning meeting", "police protection",
        "a return home interview", "a safety plan", "a joint visit", "a capacity assessment",
        "a change of placement", "an urgent review", "a referral to the LADO",
        "an interpreter", "a health assessment", "a school meeting", "a direct work session",
    ),
    "factor": (
        "high caseloads", "a vacant post", "agency staff turnover", "unclear guidance",
        "a new case system", "no reminder in the system", "a heavy duty rota",
        "poor handover", "a lack of training", "working from home", "unclear thresholds",
        "too many meetings", "pressure to close cases", "a recent restructure",
        "an unclear process", "a lack of placements", "no time for supervision",
        "late night working", "competing court deadlines", "an inexperienced team",
    ),
    "fix": (
        "a checklist before the meeting", "a reminder in the system", "a second check",
        "clearer guidance", "a short training session", "a change to the duty rota",
        "a shared inbox rule", "a handover template", "a weekly audit", "a named lead",
        "an escalation route", "a standing agenda item", "a read receipt", "a new form",
        "a daily huddle", "a peer review", "protected time for recording", "a flag on the file",
        "a tracker for overdue tasks", "a joint protocol with health",
    ),
}  # fmt: skip


@dataclass(frozen=True)
class Theme:
    """A recurring error trap: how reporters describe it, and how analysts usually code it."""

    name: str
    sentences: tuple[str, ...]
    scie: tuple[str, ...]
    london: tuple[str, ...]
    areas: tuple[str, ...]
    summary: str


THEMES: tuple[Theme, ...] = (
    Theme(
        "discharge",
        (
            *DEMO_THEMES["discharge"],
            "The {agency} sent a discharge summary that sat unread in {system} for {delay}.",
            "Nobody opened the hospital discharge letter before {action} was planned.",
            "{child} went home from {place} before anyone read the discharge information.",
        ),
        ("multi_agency_assessment",),
        ("task_technology", "team"),
        ("front_door", "assessment", "child_protection"),
        "Hospital discharge letter filed without being read.",
    ),
    Theme(
        "chronology",
        (
            *DEMO_THEMES["chronology"],
            "{document} had not been updated for {delay} before {meeting}.",
            "The chronology left out {concern} reported by {agency} last year.",
            "{meeting} relied on an old chronology so earlier {concern} was missed.",
        ),
        ("human_judgement",),
        ("team", "individual"),
        ("child_protection", "assessment"),
        "Out of date chronology used at a strategy meeting.",
    ),
    Theme(
        "transfer",
        (
            *DEMO_THEMES["transfer"],
            "The case from {agency} waited {delay} for an allocated worker after the move.",
            "{document} from the other council arrived but nobody allocated the case.",
            "The transfer in was logged in {system} but no visit happened for {delay}.",
        ),
        ("human_management_system",),
        ("organisational", "institutional"),
        ("front_door", "child_protection", "children_in_care"),
        "Transferred in case left unallocated.",
    ),
    Theme(
        "medication",
        (
            *METHOD_THEMES["medication"],
            "{child} was given the wrong dose of medication at {place} {time}.",
            "The medication record at {place} did not match the prescription from {agency}.",
            "A new carer did not know {child} needed medication for {concern}.",
            "The tablets were left in an unlocked cupboard at {place}.",
        ),
        ("human_tool",),
        ("task_technology", "individual"),
        ("fostering", "residential", "children_in_care"),
        "Medication given wrongly or not recorded in placement.",
    ),
    Theme(
        "visits",
        (
            *METHOD_THEMES["visits"],
            "{worker} missed the statutory visit to {child} at {place}.",
            "The visit was cancelled {time} and not rebooked for {delay}.",
            "{child} had not been seen alone on the last three visits.",
            "The visit reminder in {system} went to a worker who had left.",
        ),
        ("human_management_system",),
        ("organisational", "work_environment"),
        ("child_protection", "children_in_care", "fostering"),
        "Statutory visit missed or overdue.",
    ),
    Theme(
        "hub_sharing",
        (
            *METHOD_THEMES["sharing"],
            "{agency} shared a concern about {concern} but it never reached the hub.",
            "The information from {agency} was sent to {system} and not read for {delay}.",
            "{agency} assumed the hub already knew about {concern}.",
        ),
        ("multi_agency_incidents",),
        ("team", "institutional"),
        ("front_door",),
        "Partner agency information not shared with the front door.",
    ),
    Theme(
        "wrong_inbox",
        (
            "The referral from {agency} went to an old email address and nobody replied.",
            "{document} was emailed to the wrong team and sat there for {delay}.",
            "The generic inbox was not checked {time} so the referral waited.",
            "An auto reply said the mailbox was closed but {agency} did not see it.",
            "The referral form was sent to a worker who had left the authority.",
        ),
        ("human_tool",),
        ("task_technology", "organisational"),
        ("front_door", "out_of_hours"),
        "Referral sent to an unmonitored inbox.",
    ),
    Theme(
        "out_of_hours",
        (
            "The out of hours team placed {child} but the day team were not told.",
            "Information from the emergency duty team was not passed on at handover.",
            "{worker} could not open {system} from home {time}.",
            "The out of hours log said a visit was needed but nobody picked it up.",
            "A call from {agency} {time} was recorded but not acted on until Monday.",
        ),
        ("human_management_system",),
        ("work_environment", "team"),
        ("out_of_hours",),
        "Out of hours information lost at handover to the day team.",
    ),
    Theme(
        "missing",
        (
            "{child} went missing from {place} and the return home interview was not done.",
            "The missing episode was not reported to {agency} for {delay}.",
            "Staff at {place} did not know {child} was at risk of {concern}.",
            "{document} was written but not shared with the exploitation panel.",
            "{child} had been missing five times before anyone called {meeting}.",
        ),
        ("multi_agency_incidents",),
        ("team", "child_family"),
        ("residential", "children_in_care"),
        "Missing episodes without return home interviews.",
    ),
    Theme(
        "outage",
        (
            "{system} was down {time} and notes were written on paper and lost.",
            "Case notes were not uploaded for {delay} after the system upgrade.",
            "{worker} saved {document} to the shared drive and nobody else could find it.",
            "The new case system did not show the alert about {concern}.",
        ),
        ("human_tool",),
        ("task_technology",),
        ("assessment", "child_protection", "other"),
        "Case recording lost or delayed when the system failed.",
    ),
    Theme(
        "duplicate_record",
        (
            "Two records existed for {child} and the older one held the history of {concern}.",
            "The records of two families with similar names were merged by mistake.",
            "{agency} was given the wrong address from an old record.",
            "A letter about {child} was sent to the wrong family.",
        ),
        ("human_tool",),
        ("task_technology", "individual"),
        ("front_door", "assessment"),
        "Duplicate or merged records gave the wrong history.",
    ),
    Theme(
        "safety_plan",
        (
            "The safety plan was not shared with {agency} so they let {parent} collect {child}.",
            "{agency} did not know about the safety plan when {parent} turned up.",
            "The written agreement was signed but nobody checked it was being followed.",
            "The safety plan relied on {parent} who was not told what it said.",
        ),
        ("multi_agency_assessment", "family_professional"),
        ("team", "child_family"),
        ("child_protection", "assessment"),
        "Safety plan not shared with those who had to carry it out.",
    ),
    Theme(
        "court_order",
        (
            "Contact went ahead with {parent} although the court order did not allow it.",
            "The contact supervisor had not seen the latest court order.",
            "{parent} was given the address of {place} despite the order.",
            "The order changed at the hearing but {document} was not updated.",
        ),
        ("human_management_system",),
        ("task_technology", "team"),
        ("children_in_care", "fostering"),
        "Court order not checked before contact.",
    ),
    Theme(
        "placement_risk",
        (
            "The carers at {place} were not told about {concern} before {child} arrived.",
            "{document} did not mention the history of {concern}.",
            "An emergency placement was made {time} without the risk information.",
            "The placement broke down after {delay} because the carers did not know the risks.",
        ),
        ("multi_agency_assessment", "human_judgement"),
        ("organisational", "team"),
        ("children_in_care", "fostering", "residential"),
        "Risk information not given to carers at placement.",
    ),
    Theme(
        "consent",
        (
            "The carers could not agree to a school trip as delegated authority was unclear.",
            "Consent for {action} was not recorded so the appointment was cancelled.",
            "{agency} shared information without checking consent.",
            "Nobody knew who held parental responsibility when {child} needed treatment.",
        ),
        ("human_management_system",),
        ("institutional", "task_technology"),
        ("children_in_care", "fostering", "leaving_care"),
        "Consent and delegated authority not recorded.",
    ),
    Theme(
        "worker_leaving",
        (
            "{worker} left and the caseload was not handed over for {delay}.",
            "The agency contract ended and nobody picked up the cases.",
            "Outstanding tasks on the leaving worker's list were closed without being done.",
            "The family had three different social workers in a year.",
        ),
        ("human_management_system",),
        ("organisational", "work_environment"),
        ("child_protection", "assessment", "children_in_care"),
        "Cases not handed over when a worker left.",
    ),
    Theme(
        "supervision",
        (
            "Supervision had not taken place for {delay} because of {factor}.",
            "The supervision record did not mention {concern}.",
            "{worker} had no one to discuss the case with {time}.",
            "Management oversight was recorded but no decision was made.",
        ),
        ("human_management_system", "human_judgement"),
        ("work_environment", "organisational"),
        ("child_protection", "assessment", "other"),
        "Supervision missed or without decisions.",
    ),
    Theme(
        "care_leaver",
        (
            "{child} turned eighteen without a pathway plan that covered housing.",
            "The personal adviser did not know {child} had been evicted from {place}.",
            "The pathway plan was not updated for {delay}.",
            "{child} was placed in {place} far from support without checks.",
        ),
        ("human_management_system", "family_professional"),
        ("institutional", "organisational"),
        ("leaving_care",),
        "Care leaver's pathway plan not kept up to date.",
    ),
    Theme(
        "interpreter",
        (
            "No interpreter was booked so {parent} could not follow {meeting}.",
            "{child} was asked to interpret for {parent} during {action}.",
            "The written agreement was not translated and {parent} signed without understanding.",
            "A family friend interpreted at {meeting} and missed out the concerns.",
        ),
        ("family_professional",),
        ("child_family", "task_technology"),
        ("assessment", "child_protection", "front_door"),
        "No interpreter, so the family could not take part.",
    ),
    Theme(
        "lado",
        (
            "An allegation against a member of staff at {place} was not sent to the LADO.",
            "The referral to the LADO was made {delay} after the allegation.",
            "{agency} dealt with the allegation internally without advice.",
            "The staff member carried on working while the allegation waited.",
        ),
        ("multi_agency_incidents",),
        ("institutional", "organisational"),
        ("residential", "fostering", "other"),
        "Allegation against staff not referred to the LADO.",
    ),
    Theme(
        "health_assessment",
        (
            "The initial health assessment for {child} was overdue by {delay}.",
            "{agency} was not told that {child} had come into care.",
            "The health assessment request was sent without consent so it was returned.",
            "Dental and eye checks were missed for {child} at {place}.",
        ),
        ("multi_agency_assessment",),
        ("institutional", "task_technology"),
        ("children_in_care",),
        "Looked after child's health assessment overdue.",
    ),
    Theme(
        "dv_notification",
        (
            "Police notifications of domestic abuse were triaged {delay} late.",
            "The domestic abuse notification was screened out without checking the history.",
            "Several notifications about {parent} were never linked together.",
            "{child} was present at the incident but the notification said no children.",
        ),
        ("multi_agency_incidents", "human_judgement"),
        ("work_environment", "team"),
        ("front_door",),
        "Domestic abuse notifications screened late or alone.",
    ),
    Theme(
        "pre_birth",
        (
            "The pre-birth assessment started late and the baby was born before it finished.",
            "The midwife referral about the unborn baby waited {delay}.",
            "Nobody told the hospital ward about the plan for the unborn baby.",
            "The birth plan was not shared with the maternity ward {time}.",
        ),
        ("multi_agency_assessment",),
        ("team", "institutional"),
        ("assessment", "child_protection"),
        "Pre-birth assessment started too late.",
    ),
    Theme(
        "early_closure",
        (
            "The case was closed to early help without checking {agency} agreed.",
            "Step down happened before the actions on the plan were finished.",
            "The case was closed after one visit although {concern} was still reported.",
            "{agency} was not told the case had closed and kept sending updates.",
        ),
        ("human_judgement",),
        ("organisational", "individual"),
        ("assessment", "child_protection"),
        "Case closed or stepped down too early.",
    ),
    Theme(
        "court_deadline",
        (
            "The court statement was filed late because of {factor}.",
            "The deadline for {document} was not in the calendar.",
            "Legal services did not receive the bundle until the day of the hearing.",
            "The parenting assessment was commissioned too late for the court timetable.",
        ),
        ("human_management_system",),
        ("work_environment", "organisational"),
        ("children_in_care", "child_protection"),
        "Court deadlines missed.",
    ),
    Theme(
        "data_breach",
        (
            "{document} was emailed to the wrong recipient.",
            "A report sent to {parent} showed the address of {place}.",
            "The redaction failed and names were visible in the copy given to the family.",
            "An email about {child} was sent to all the carers instead of one.",
        ),
        ("human_tool",),
        ("task_technology", "individual"),
        ("other", "fostering", "children_in_care"),
        "Information sent to the wrong person.",
    ),
    Theme(
        "allergy",
        (
            "The carers were not told about the allergy of {child}.",
            "{child} was given food containing nuts at {place}.",
            "The allergy was on the health record but not in the placement plan.",
            "The epipen was left behind when {child} moved to {place}.",
        ),
        ("multi_agency_assessment", "human_tool"),
        ("task_technology", "team"),
        ("fostering", "residential", "children_in_care"),
        "Allergy or diet information not passed on at placement.",
    ),
    Theme(
        "transport",
        (
            "{child} was left waiting at school because the taxi was not booked.",
            "The escort for the journey had not been checked.",
            "The driver took {child} to the wrong address.",
            "Nobody knew who was collecting {child} from {place} {time}.",
        ),
        ("human_management_system",),
        ("organisational", "task_technology"),
        ("children_in_care", "residential", "other"),
        "Transport not arranged or checked.",
    ),
    Theme(
        "online",
        (
            "{child} was contacted online by an adult while at {place}.",
            "Staff did not know {child} had a second phone.",
            "The online safety plan was not shared with {agency}.",
            "Messages showing grooming were found {delay} after the first concern.",
        ),
        ("family_professional", "human_judgement"),
        ("child_family", "team"),
        ("residential", "children_in_care", "assessment"),
        "Online risks not recognised or shared.",
    ),
    Theme(
        "escalation",
        (
            "{agency} disagreed with the decision but did not use the escalation policy.",
            "The concern was raised twice by {agency} without a reply.",
            "The professionals did not agree and nobody escalated it to a manager.",
            "The threshold decision was not explained to {agency}.",
        ),
        ("multi_agency_assessment", "human_judgement"),
        ("institutional", "team"),
        ("front_door", "assessment", "child_protection"),
        "Professional disagreement not escalated.",
    ),
    Theme(
        "home_conditions",
        (
            "The home conditions were not checked beyond the front room on {action}.",
            "{worker} accepted the word of {parent} that the home was fine.",
            "Sleeping arrangements for the baby were not seen.",
            "A dog at the house had bitten {child} before but this was not recorded.",
        ),
        ("family_professional", "human_judgement"),
        ("individual", "child_family"),
        ("assessment", "child_protection"),
        "Home conditions not seen properly on visits.",
    ),
    Theme(
        "voice_of_child",
        (
            "The views of {child} were not recorded in {document}.",
            "{child} told {agency} about {concern} but this was not passed on.",
            "{child} was only seen with {parent} present.",
            "The assessment described {parent} in detail and {child} hardly at all.",
        ),
        ("family_professional",),
        ("individual", "child_family"),
        ("assessment", "child_protection", "children_in_care"),
        "The child was not seen or heard.",
    ),
)

# The other answers of the form. Detection answers carry the analyst's code of how it was
# caught; reasons carry the London Protocol factor they point to.
NOTICED: tuple[tuple[str, str], ...] = (
    ("supervision", "It was noticed in supervision when the case was discussed."),
    ("supervision", "The team manager spotted it while reviewing the case in supervision."),
    ("colleague", "A colleague noticed it when covering the duty desk."),
    ("colleague", "{worker} picked it up when reading the file."),
    ("reporter", "I noticed it myself when I went back through {document}."),
    ("reporter", "I realised when I was writing up {document}."),
    ("other_agency", "{agency} rang to ask why nothing had happened."),
    ("other_agency", "{agency} raised it at {meeting}."),
    ("family_child", "{parent} called to ask what was happening."),
    ("family_child", "{child} told the carer something was wrong."),
    ("system_check", "A weekly audit of {system} flagged it."),
    ("system_check", "The overdue tasks report showed it."),
    ("other", "It came to light during an inspection."),
    ("other", "It was only found when the complaint came in."),
)
CONTEXT = (
    "The team was working with {factor} at the time.",
    "It happened {time} when the team was short staffed.",
    "There had been {factor} for several months.",
    "{worker} was covering cases from another team.",
    "The family had moved between authorities twice.",
    "The case had been open for {delay} with little progress.",
    "Earlier that week there had been concerns about {concern}.",
    "The process for this had changed recently.",
    "Three urgent cases came in at the same time.",
    "{meeting} had been rearranged twice.",
)
DONE = (
    "{worker} arranged {action} straight away.",
    "We contacted {agency} the same day.",
    "{action} was completed within a day.",
    "The manager reviewed every similar case on the team.",
    "The record was corrected and {agency} was told.",
    "We apologised to {parent} and explained what had happened.",
    "A strategy discussion was held the next morning.",
    "{document} was updated and shared with {agency}.",
)
OUTCOME = (
    "No harm came to {child}.",
    "{child} was safe but it could have been serious.",
    "There was a delay but {child} was not hurt.",
    "{child} was upset by what happened.",
    "The placement had to end early.",
    "The family lost trust in the service for a while.",
    "It meant {action} happened later than it should.",
    "{child} needed treatment at hospital.",
)
WHY: tuple[tuple[str, str], ...] = (
    ("work_environment", "I think it happened because of {factor}."),
    ("work_environment", "The duty desk was overloaded {time}."),
    ("task_technology", "{system} does not make this easy to see."),
    ("task_technology", "There is no prompt in {system} for this step."),
    ("team", "Handover between teams is not clear."),
    ("team", "Everyone assumed someone else had done it."),
    ("organisational", "There is no clear owner for this task."),
    ("organisational", "The procedure has not caught up with the restructure."),
    ("individual", "I was new and did not know the process."),
    ("individual", "I was tired after a long week."),
    ("institutional", "The protocol between agencies is out of date."),
    ("institutional", "Each agency has its own system and they do not talk to each other."),
    ("child_family", "The family moved often and were hard to contact."),
    ("child_family", "{parent} did not want the service involved."),
)
PREVENTION = (
    "{fix} would help.",
    "We could use {fix}.",
    "I suggest {fix}.",
    "It would be safer with {fix} and {fix2}.",
    "The team has agreed to try {fix}.",
    "Other teams might benefit from {fix}.",
)
# Incidental words (what people, objects and events a report happens to mention): Faker's
# 971 common English words, Zipf-weighted in a seeded order, give the corpus the long tail
# of rare words and word pairs that real narratives have.
DETAIL = (
    "{parent} talked about {word} and {word2} during the visit.",
    "The notes also mention {word}, {word2} and {word3}.",
    "There had been a conversation with {agency} about {word} {word2}.",
    "{child} said the {word} was the main {word2}.",
    "The {word} at {place} was raised again.",
    "{worker} wrote that {word} and {word2} were discussed.",
)
KINDS = (("near_miss", 45), ("incident", 30), ("good_catch", 15), ("unsafe_condition", 10))
HARMS = (("none", 55), ("low", 30), ("moderate", 12), ("severe", 3))
SCIE = (
    "human_tool", "human_management_system", "multi_agency_incidents",
    "multi_agency_assessment", "family_professional", "human_judgement",
)  # fmt: skip
LONDON = (
    "institutional", "organisational", "work_environment", "team", "individual",
    "task_technology", "child_family",
)  # fmt: skip
AREAS = (
    "front_door", "assessment", "child_protection", "children_in_care", "fostering",
    "residential", "leaving_care", "out_of_hours", "other",
)  # fmt: skip
CODED_SHARE = 0.6

_FORMATTER = string.Formatter()
_DIGITS = re.compile(r"\d+$")


@dataclass(frozen=True)
class _Template:
    text: str
    fields: tuple[str, ...]  # slot names as written ("fix2"), each filled from its list


def _template(text: str) -> _Template:
    if not text.endswith((".", "?", "!")):
        text += "."  # the method's planted sentences have no full stop
    names = [name for _, name, _, _ in _FORMATTER.parse(text) if name]
    return _Template(text, tuple(dict.fromkeys(names)))


def _slot(name: str) -> tuple[str, ...]:
    return SLOTS[_DIGITS.sub("", name)]


@dataclass(frozen=True)
class Synthetic:
    """One released report: the released answers by form field, and what an analyst coded
    (``synopsis`` empty when uncoded)."""

    released: dict[str, str]
    kind: str
    service_area: str
    harm: str  # as reported
    synopsis: str = ""
    scie: tuple[str, ...] = ()
    london: tuple[str, ...] = ()
    detection: str = ""
    coded_harm: str = ""
    theme: str = ""

    @property
    def coded(self) -> bool:
        return bool(self.synopsis)


@dataclass
class Generator:
    """Seeded reports; ``authority`` shifts how common each theme is, as real authorities
    differ (a theme two to five times as common in one as in another)."""

    seed: int
    authority: int = 0
    rng: random.Random = field(init=False)
    theme_weights: list[float] = field(init=False)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        shape = random.Random(f"authority-{self.authority}")
        # Zipf-like overall (some traps are much more common), shaken per authority.
        self.theme_weights = [
            (1.0 / (1 + rank) ** 0.7) * shape.uniform(0.4, 2.0) for rank in range(len(THEMES))
        ]
        self._themes = [
            (theme, [_template(s) for s in theme.sentences], _template(theme.summary))
            for theme in THEMES
        ]
        self._noticed = [(code, _template(s)) for code, s in NOTICED]
        self._context = [_template(s) for s in CONTEXT]
        self._done = [_template(s) for s in DONE]
        self._outcome = [_template(s) for s in OUTCOME]
        self._why = [(code, _template(s)) for code, s in WHY]
        self._prevention = [_template(s) for s in PREVENTION]
        self._detail = [_template(s) for s in DETAIL]
        words = list(_Lorem.word_list)
        random.Random(f"words-{self.seed}").shuffle(words)
        self._words = words
        self._word_weights = list(itertools.accumulate(1.0 / (1 + r) for r in range(len(words))))

    def _fill(self, template: _Template) -> str:
        choice = self.rng.choice
        values = {}
        for name in template.fields:
            if name.startswith("word"):
                values[name] = self.rng.choices(self._words, cum_weights=self._word_weights)[0]
            else:
                values[name] = choice(_slot(name))
        text = template.text.format(**values)
        return text[0].upper() + text[1:]

    def _some(self, templates: Sequence[_Template], low: int, high: int) -> list[str]:
        count = self.rng.randint(low, high)
        return [self._fill(t) for t in self.rng.sample(list(templates), min(count, len(templates)))]

    def report(self) -> Synthetic:
        rng = self.rng
        index = rng.choices(range(len(THEMES)), self.theme_weights)[0]
        theme, sentences, summary = self._themes[index]
        happened = self._some(sentences, 3, 5)
        if rng.random() < 0.3:  # a second trap in the same account
            other = self._themes[rng.choices(range(len(THEMES)), self.theme_weights)[0]]
            happened.append(self._fill(rng.choice(other[1])))
        if rng.random() < 0.15:
            happened.append(rng.choice(FILLER).capitalize() + ".")
        happened += self._some(self._detail, 0, 2)
        detection, noticed = rng.choice(self._noticed)
        factor, why = rng.choice(self._why)
        answers = {
            "what_happened": happened,
            "lead_up": self._some(self._context, 0, 2),
            "how_noticed": [self._fill(noticed)],
            "what_was_done": self._some(self._done, 0, 2),
            "outcome": self._some(self._outcome, 0, 1),
            "why": [self._fill(why), *self._some([t for _, t in self._why], 0, 1)],
            "prevention": self._some(self._prevention, 1, 2),
        }
        released = {key: " ".join(parts) for key, parts in answers.items() if parts}
        kind = _weighted(rng, KINDS)
        area = rng.choice(theme.areas) if rng.random() < 0.8 else rng.choice(AREAS)
        harm = _weighted(rng, HARMS)
        if rng.random() >= CODED_SHARE:
            return Synthetic(released, kind, area, harm, theme=theme.name)
        scie = {rng.choice(theme.scie)} if rng.random() < 0.85 else {rng.choice(SCIE)}
        if rng.random() < 0.2:
            scie.add(rng.choice(SCIE))
        london = {rng.choice(theme.london) if rng.random() < 0.7 else factor}
        if rng.random() < 0.3:
            london.add(rng.choice(LONDON))
        coded_harm = harm if rng.random() < 0.8 else _weighted(rng, HARMS)
        return Synthetic(
            released,
            kind,
            area,
            harm,
            synopsis=self._fill(summary),
            scie=tuple(sorted(scie)),
            london=tuple(sorted(london)),
            detection=detection,
            coded_harm=coded_harm,
            theme=theme.name,
        )


def _weighted(rng: random.Random, pairs: Sequence[tuple[str, int]]) -> str:
    return rng.choices([value for value, _ in pairs], [weight for _, weight in pairs])[0]
