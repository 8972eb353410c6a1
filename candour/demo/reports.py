"""Fictitious released reports for the demo: three recurring error traps in invented words.

Used by the demo (``services.seed``) and by learning's tests, so what a newcomer sees in
search and error traps is what the tests check discovery finds. No real case is described.
"""

from __future__ import annotations

# Eight short, de-identified accounts for each of three traps: discharge letters filed
# unread, stale chronologies at strategy meetings, transfers-in left unallocated.
THEMES = {
    "discharge": (
        "A hospital discharge letter about the baby was filed without being read.",
        "The discharge summary from the hospital sat unread in the duty inbox for days.",
        "Nobody read the hospital discharge letter before the home visit was planned.",
        "The ward's discharge letter was scanned to the file but never read by the worker.",
        "A discharge letter from the maternity ward was filed unread, missing the risk.",
        "The hospital sent a discharge letter which was filed and not read for a week.",
        "Discharge information from the hospital was not read before the child went home.",
        "The paediatric discharge letter was filed without anyone reading the concerns.",
    ),
    "chronology": (
        "The chronology was not updated before the strategy meeting so history was missed.",
        "An out of date chronology went to the strategy discussion and earlier harm was missed.",
        "The strategy meeting relied on a chronology that stopped two years ago.",
        "No one checked the chronology before the strategy meeting; previous referrals lost.",
        "The chronology had gaps and the strategy meeting did not see the earlier incidents.",
        "A strategy meeting went ahead with an incomplete chronology of previous concerns.",
        "The chronology missed three police notifications before the strategy meeting.",
        "Strategy discussion used a chronology that left out the earlier referrals.",
    ),
    "transfer": (
        "A case transferred in from another authority sat unallocated for six weeks.",
        "The transfer in conference was late because the case was not allocated.",
        "A family moved into the area and the transferred case waited without a worker.",
        "The transfer from the other council was not allocated to a social worker.",
        "An incoming transfer case had no allocated worker and visits stopped.",
        "The case transfer from the neighbouring authority was left unallocated.",
        "Transferred in child protection plan waited weeks for an allocated worker.",
        "A transfer in from out of area was not allocated and the plan lapsed.",
    ),
}

# How the demo codes the first accounts of each trap (SCIE pattern, London factor).
CODES = {
    "discharge": ("multi_agency_assessment", "task_technology"),
    "chronology": ("human_judgement", "team"),
    "transfer": ("human_management_system", "organisational"),
}
