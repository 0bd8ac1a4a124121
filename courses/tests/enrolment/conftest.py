import pytest


@pytest.fixture
def erin(django_user_model):
    """A third student, for a line of two behind a full course."""
    return django_user_model.objects.create_user(
        username="erin", email="erin@example.edu", password="pw-erinerin", first_name="Erin", last_name="Evans"
    )
