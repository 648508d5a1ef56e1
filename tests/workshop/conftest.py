# The reviewing world of every persona (tests/reviews/conftest.py), for the policy's tables here.
from tests.reviews.conftest import pc_world, reviewing_workshop  # noqa: F401 - fixtures
