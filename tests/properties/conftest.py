"""Hypothesis profiles of the property tests.

``fast`` (the default) keeps the suite quick and repeatable: 40 examples a test, drawn the same
way on every run (so CI never fails by the luck of the draw), no example database.
``thorough`` hunts for bugs: ``CANTEENSIM_HYPOTHESIS_PROFILE=thorough pytest tests/properties``.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "fast",
    max_examples=40,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "thorough",
    parent=settings.get_profile("fast"),
    max_examples=2000,
    derandomize=False,
)
settings.load_profile(os.environ.get("CANTEENSIM_HYPOTHESIS_PROFILE", "fast"))
