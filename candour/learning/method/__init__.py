"""The text-analysis method behind learning's similar reports and error traps (issue 11).

Pure Python (numpy, scipy, scikit-learn, spaCy's vector table; no Django), so that the
management commands, the benchmark and, later, the app's services all run the same code.

Modules:
- ``corpus``: stream a CSV of reports into ids, texts, codes and dates, with progress.
- ``representation``: fit a vector space on a corpus (LSA of sublinear TF-IDF, SIF-weighted
  spaCy word vectors, optional analyst codes) and transform new texts into it.
- ``neighbours``: the most similar reports, in bounded-memory blocks, and why they are similar.
- ``clusters``: candidate error traps by k-means, their description, stable ids across runs
  and suggestions of traps for a new report.
- ``synthetic``: a small invented corpus with planted themes, for tests.

Decisions and measured figures: docs/adr/0018-text-representation-for-learning.md.
"""
