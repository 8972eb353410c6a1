"""The sentences a paragraph is made of: headers, openers by scenario, body sentences,
sentences that use a name-like word as an ordinary word, and closers."""

from __future__ import annotations

# Sentence patterns. Placeholders: {role} (auto form), {role.full|first|title|poss|fullposs|
# firstposs|caps|he|him|his|He|His|rel|son}, {date}, {month}, {dobl} ... (see case.Case.resolve);
# [word] marks an ordinary word that looks like a name and must be kept.

HEADERS: tuple[str, ...] = (
    "{child.caps} (DOB {dob}) {ref}\n",
    "{child.caps} | {ref} | NHS {nhs}\n",
    "RE: {child.caps}, {ref}\n",
    "Subject: {child.caps} - DOB {dob}\n",
    "CHILD: {child.caps}   {ref}\n",
)

OPENERS: dict[str, tuple[str, ...]] = {
    "home_visit": (
        "On {date}, {sw.full}, the allocated social worker, completed an unannounced home visit "
        "to {child.fullposs} home at {address}.",
        "{sw.full} visited {child.full} ({age}) at {address} on {date} at {time}.",
        "A planned home visit to {address} on {date} did not go ahead because {mother.full} was "
        "not in; {child.full}, {age}, was seen at the window.",
    ),
    "strategy": (
        "A strategy meeting was held on {date} about {child.full}, a {ageyo}, following concerns "
        "raised by {school}.",
        "Strategy discussion for {child.full} ({dobl}) took place at {time} on {date} with "
        "police, health and the MASH.",
    ),
    "school_referral": (
        "{school} made a referral to the MASH on {date} after {child.full}, {age}, disclosed that "
        "{child.he} had been hit at home.",
        "{dsl.full}, the Designated Safeguarding Lead at {school}, emailed a referral about "
        "{child.full} to {email_la} on {date}, but it was not picked up until {date}.",
        "A referral from {school} about {child.full} ({dobl}) was logged against the wrong child "
        "on the case system.",
    ),
    "hospital": (
        "{child.full}, {age}, was brought to A&E at {hospital} at {time} on {date} with a head "
        "injury.",
        "On {date}, {child.full}, a {ageyo}, attended the children's emergency department at "
        "{hospital}; the triage nurse did not check whether {child.he} was known to children's "
        "social care.",
    ),
    "transfer": (
        "The case of {child.full} ({ref}) transferred from the Assessment Team to the Children "
        "in Need team on {date}.",
        "When {sw.full} left the Assessment Team on {date}, the case of {child.full} ({ref}) was "
        "not reallocated for three weeks.",
    ),
    "out_of_hours": (
        "At {time} on {date}, EDT received a call from {mother.full} on {phone} saying that "
        "{child.full}, {age}, had not come home.",
        "An out-of-hours call from a neighbour of {child.full} at {address} reported shouting; "
        "the EDT worker, {edt.full}, could not find the family on the system.",
    ),
    "nursery": (
        "{child.full} ({ageyo}) was not collected from {nursery} on {date}; staff rang "
        "{mother.poss} mobile on {phone} without reply.",
    ),
    "police": (
        "Police attended {address} at {time} on {date} after a 999 call; {police.full} spoke "
        "with {mother.full} and {child.full}.",
    ),
}

BODY: tuple[str, ...] = (
    "{child} told {sw} that {child.he} was frightened of {father.full}.",
    "{child.poss} attendance at {school} fell to 64% during {month}.",
    "The school tried {mother.poss} mobile ({phone}) three times but the number on file was out "
    "of date.",
    "{mother} gave a new number, {phone}, which was not added to the record.",
    "Records show {child} (NHS number {nhs}) was registered at {surgery} under a previous surname.",
    "The health visitor, {hv.full}, confirmed {child.poss} NHS number as {nhs} on {date}.",
    "{mother.poss} National Insurance number ({ni}) was given to the housing officer to check "
    "benefits.",
    "{father.full} gave his NI number as {ni2} but it belonged to another adult.",
    "Case reference {ref2} was opened in error for {sibling.full}, {child.poss} {sibling.rel}.",
    "{dsl.full} at {school} sent the chronology to {email_sw} on {date} but it went to an old "
    "inbox.",
    "{sw} emailed {dsl.title} at {email_dsl} asking for attendance figures.",
    "{gp} at {surgery} had not been told that {child} was subject to a Child Protection Plan.",
    "{child} was discharged from {hospital} on {date} without a discharge summary being sent to "
    "{surgery}.",
    "The family moved from {address2} in {month} and the records were not updated.",
    "{child} is currently staying with {carer.full}, a kinship carer, at {address3}.",
    "{carer} can be reached on {phone_carer} or at {email_carer}.",
    "{tm.full}, team manager, reviewed the case on {date} and recorded that the visit was overdue.",
    "The initial child protection conference on {date} was chaired by {iro.full}; {father} did "
    "not attend.",
    "{sibling.full}, {child.poss} {sibling.rel}, {sibling_age}, attends {school2}.",
    "Contact details for {sw} were given as {phone_sw} and {email_sw}.",
    "{mother} said {father} had moved back in on {date}, although he is not named on the "
    "tenancy at {street}.",
    "The safeguarding policy on the school website ({url_school}) names {dsl.full} as the lead.",
    "The worker did not follow the procedure at {url_la}.",
    "{mother.poss} Facebook page ({url_mother}) showed {child} at a party on {date}.",
    "{police} from the Child Abuse Investigation Team confirmed that {father} had been bailed to "
    "an address in {postcode}.",
    "{child} missed appointments at {surgery} on {date} and {date}.",
    "A paediatric assessment by {doctor.full} at {hospital} on {date} found bruising consistent "
    "with the account.",
    "The case system holds {child.poss} date of birth as {dob}, but the school record shows "
    "{dob2}.",
    "{mother.full} ({mdobl}) is the main carer; her NI number is {ni}.",
    "The family's previous social worker, {sw2.full}, had left the authority in {month}.",
    "{edt.full} (EDT) phoned {carer} at {time} but the call went to voicemail.",
    "The ambulance crew took {child} to {hospital2}, not the nearer {hospital}.",
    "A home visit was made on {date}; {child} was seen alone in {child.his} bedroom.",
    "{mother} told the worker she was moving to {address2} on {date}.",
    "Nursery staff at {nursery} noticed {child.poss} weight loss in {month}.",
    "The MASH checks returned a different NHS number ({nhs2}) for {child}, so the GP records "
    "were not found.",
    "{partner.full}, {mother.poss} new partner, was not checked before he moved into {street}.",
    "{school} rang the front door on {phone_school} to ask why nobody had called back.",
    "{child.He} told {dsl} that {partner} shouted at {child.him} on {date}.",
    "{sw} wrote to {mother.title} at {address} on {date} but the letter was returned.",
    "A Section 47 enquiry was started on {date}, but {child.poss} {visit_kind} visit was missed.",
    "The MASH record gave {child.poss} address as {address2} and the school held {street}.",
    "{hv} last saw {child} on {date} and recorded no concerns.",
    "{father} was born on {fdob} and has previous convictions for violence.",
    "The referral form listed {child.poss} NHS number as {nhs} and {mother.poss} mobile as "
    "{phone}.",
    "{iro} asked {sw} to book a review for {date} at {surgery}.",
    "{mother} can be contacted by email at {email_mother}.",
)

# Sentences where a word that is also a name is used as an ordinary word.
KEEP_SENTENCES: tuple[str, ...] = (
    "{mother} said she had lost [faith] in the plan after the third change of worker.",
    "The family's [faith] community offered to help with school runs.",
    "There is [hope] that the new plan will hold.",
    "{mother} expressed [hope] that {child} could return home soon.",
    "The housing officer agreed a [grace] period for the rent arrears.",
    "{father} said it was only by the [grace] of God that nobody was hurt.",
    "{father} described the new baby as a [blessing].",
    "It was a [blessing] that the neighbour called the police.",
    "The family had a [precious] few days together before the placement ended.",
    "{child} was found hiding behind a [rose] bush in the back garden.",
    "Concerns [rose] when the school noticed bruising on {child.poss} arm.",
    "The meeting took place in the school [hall] because no room was free.",
    "{child} was seen waiting alone in the [hall] of the block of flats.",
    "Staff said {child} showed real [joy] when {child.he} saw {child.his} grandmother.",
    "The foster carer showed great [patience] during contact.",
    "{mother} asked a neighbour for a [favour] so that the children were collected.",
    "Attendance [rose] to 90% once transport was arranged.",
    "Time spent with {child.his} father is [precious] to {child}.",
)

CLOSERS: tuple[str, ...] = (
    "The learning from this near miss is that MASH checks must be completed within 24 hours.",
    "The IRO has asked for the case to be discussed at the next supervision.",
    "Ofsted were not informed, as the setting did not think the threshold was met.",
    "This was escalated to the LADO the same afternoon.",
    "No one checked whether the {ageyo} had a trusted adult to talk to.",
    "The GP practice was not invited to the strategy meeting.",
    "Supervision notes do not record the decision.",
    "EDT did not pass the information to the day team until the following week.",
    "The CAMHS referral was closed because the family did not reply to one letter.",
    "The social worker has since completed training on the Early Help threshold.",
)
