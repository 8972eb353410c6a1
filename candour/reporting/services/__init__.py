"""Every change to a report, one module per use case (ADR 0013):

- ``submission``: a practitioner files a report (and a retry gets the same receipt);
- ``inbox``: the reporter opens their inbox with the receipt and replies;
- ``intake``: intake officers open, review, release, ask, give feedback, alert, close, reopen;
- ``disclosure``: the two-person rule for disclosing a reporter's identity;
- ``analysis``: analysts code released reports;
- ``retention``: crypto-shredding and forgetting sealed receipts;
- ``programme``: administrators' programme settings;
- ``sealing`` and ``conversation``: the encrypted fields and messages they share.

Raw narrative and contact details are opened only in these modules, each time by an intake
officer with a reason that is audited; nothing here logs or audits content. Reporters are
never users: their actions are not audited with a time, so the audit log cannot date a
submission. Every status change goes through ``candour.reporting.lifecycle``.
"""
