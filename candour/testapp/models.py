from django.db import models


class Effect(models.Model):
    """The visible effect of a test job; unique per job, so a re-run cannot repeat it."""

    job_reference = models.UUIDField(unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"effect of job {self.job_reference}"
