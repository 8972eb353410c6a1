"""The life of an upload file: the one place that says which moves are allowed (ADR 0013,
0015).

- received → malformed when the file cannot be read as a whole: nothing in it is applied
  and its sequence number stays free for the corrected file (this happens as it arrives);
- received → applying when the worker starts on it; the lines are then applied in short
  committed chunks (`Upload.lines_done` counts them), so lookups never wait for a whole
  file;
- applying → applied when the last chunk is done: the file's result and counts are
  published in the same update, so the authority sees the whole result or none of it.

Applied and malformed are final: a file is never applied twice, and a resend with the same
sequence number answers the first file's result.
"""

from __future__ import annotations

from statemachine import Event, State, StateMachine

from candour.core.lifecycle import Lifecycle
from candour.flags.models import Upload, UploadStatus


class UploadMachine(StateMachine):
    received = State(UploadStatus.RECEIVED.label, value=UploadStatus.RECEIVED, initial=True)
    applying = State(UploadStatus.APPLYING.label, value=UploadStatus.APPLYING)
    applied = State(UploadStatus.APPLIED.label, value=UploadStatus.APPLIED, final=True)
    malformed = State(UploadStatus.MALFORMED.label, value=UploadStatus.MALFORMED, final=True)

    refuse = Event(received.to(malformed), name="record it as malformed")
    start = Event(received.to(applying), name="start applying it")
    finish = Event(applying.to(applied), name="publish its result")


UPLOAD = Lifecycle(UploadMachine, model=Upload, noun="upload")

# States in which the file's result is not known yet (pages say it is being applied).
PENDING_STATES = (UploadStatus.RECEIVED, UploadStatus.APPLYING)
