import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def default_language_afterwards():
    """Requests here activate French, Hindi…: the thread keeps it unless reset for later tests."""
    yield
    translation.deactivate()
