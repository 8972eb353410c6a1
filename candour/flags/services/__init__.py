"""Every change to flags data, one module per use case (ADR 0013):

- ``upload``: a local authority's upload file received (or, for demo data and tests,
  received and applied at once);
- ``upload_chunks``: a received file applied by the worker a chunk of lines at a time;
- ``upload_batch``: one chunk's subjects and plans, read and written set-based;
- ``lookups``: a health user or system looks a child up (audited, rate-limited, notifying);
- ``notifications``: telling the authority, acknowledgement and escalation;
- ``alerts``: lookup alerts to administrators, and their review;
- ``contact``: whom clinicians call and where notifications go;
- ``clients``: registered systems and their API keys;
- ``retention``: what the daily job deletes;
- ``permissions``: who may do what, shared by the others.

Nothing audited or logged here carries a name, a date of birth or an identifier.
"""
