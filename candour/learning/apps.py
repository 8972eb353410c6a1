from __future__ import annotations

from typing import Any

from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "candour.learning"
    label = "learning"
    verbose_name = "Learning from reports"

    def ready(self) -> None:
        from candour.learning.selectors import double_coding as double_coding_selectors
        from candour.learning.services import double_coding, index
        from candour.reporting import signals

        # Double coding: a share of reports is chosen on first release, and the report's
        # coding is copied as the first coding until a blind second coding exists.
        def choose(sender: Any, *, report: Any, first: bool, **kwargs: Any) -> None:
            double_coding.on_released(report, first=first)

        def first_coding(sender: Any, *, report: Any, **kwargs: Any) -> None:
            double_coding.on_coded(report)

        signals.report_released.connect(
            choose, weak=False, dispatch_uid="learning.double_coding.released"
        )
        signals.report_coded.connect(
            first_coding, weak=False, dispatch_uid="learning.double_coding.coded"
        )

        # Indexing runs after double coding has moved, so search never shows a coding
        # a blind second coder must not see.
        def released(sender: Any, *, report: Any, first: bool, **kwargs: Any) -> None:
            index.on_released(report, first=first)

        def coded(sender: Any, *, report: Any, **kwargs: Any) -> None:
            index.index_report(report)

        signals.report_released.connect(released, weak=False, dispatch_uid="learning.released")
        signals.report_coded.connect(coded, weak=False, dispatch_uid="learning.coded")
        signals.register_coding_hidden(double_coding_selectors.coding_hidden)
