"""get_FOO_display() on the owned models reads a dict of labels built once per field
(recruiters.models.OwnedModel): it must say exactly what Django's own would."""

import pytest
from django.db.models.base import Model

from recruiters.models import Firm, FollowUp, ImportJob, Interaction, OwnedModel, Recruiter, Role

OWNED = [Firm, Recruiter, Role, Interaction, FollowUp, ImportJob]


def choice_fields():
    for model in OWNED:
        for field in model._meta.get_fields():
            if getattr(field, "choices", None):
                yield model, field


def test_every_owned_model_is_covered():
    owned = {m for m in OwnedModel.__subclasses__() if not m._meta.abstract}
    assert owned <= set(OWNED)
    assert len(list(choice_fields())) >= 12


@pytest.mark.parametrize(("model", "field"), list(choice_fields()), ids=lambda x: str(x))
def test_every_label_is_djangos_own(model, field):
    values = [value for value, _ in field.flatchoices] + ["not-a-choice", ""]
    for value in values:
        row = model(**{field.attname: value})
        shown = getattr(row, f"get_{field.name}_display")()
        assert shown == Model._get_FIELD_display(row, field)
        assert isinstance(shown, str)
