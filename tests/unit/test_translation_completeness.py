"""English is complete beyond the UI catalog (test_translations.py): every text of the process models (BPMN names
and instructions people see, every form title, label, description, option, help, placeholder and error text) and
every mail template has its English version, keeping its Jinja or fields.

When the first test fails after a model changed (a merge of new forms or BPMN names included):

    .venv/bin/vertrouwd model-texts     # adds the new texts to bpmn/ and forms/translations/en.po, drops gone ones
    # translate the empty msgstr entries, then run this module again
"""
from __future__ import annotations

import shutil

import pytest

from app.config import PROJECT_ROOT
from app.mail.render import TEMPLATE_DIR, translation_problems
from app.model_texts.catalogs import catalog_problems

BPMN, FORMS = PROJECT_ROOT / "bpmn", PROJECT_ROOT / "forms"


def test_every_model_text_has_an_english_translation_that_keeps_its_jinja():
    problems = catalog_problems(BPMN, FORMS, "en")
    assert not problems, "the model catalogs do not match the models (see this module's docstring):\n  " \
        + "\n  ".join(problems)


def test_every_mail_template_has_an_english_version_with_the_same_fields():
    problems = translation_problems("en")
    assert not problems, "\n  ".join(["English mail templates:", *problems])


@pytest.fixture
def model_copy(tmp_path):
    """bpmn/ and forms/ with their catalogs, to change without touching the real ones."""
    return shutil.copytree(BPMN, tmp_path / "bpmn"), shutil.copytree(FORMS, tmp_path / "forms")


def test_the_check_fails_on_a_new_text_a_broken_translation_and_a_stale_one(model_copy):
    bpmn, forms = model_copy
    schema = forms / "delicate_consultation.schema.json"
    schema.write_text(schema.read_text().replace('"Gegeven advies"', '"Advies van de PAPSY"'))
    catalog = bpmn / "translations" / "en.po"
    catalog.write_text(catalog.read_text().replace("The PAPSY sent the appointment back: {{ send_back_reason }}",
                                                   "The PAPSY sent the appointment back."))
    problems = catalog_problems(bpmn, forms, "en")
    assert any("not in the catalog" in p and "Advies van de PAPSY" in p for p in problems), problems
    assert any("no longer in the models" in p and "Gegeven advies" in p for p in problems), problems
    assert any("must keep the Jinja" in p and "send_back_reason" in p for p in problems), problems
    assert len(problems) == 3, problems


def test_the_check_fails_on_a_missing_or_unfaithful_english_mail(tmp_path):
    templates = shutil.copytree(TEMPLATE_DIR, tmp_path / "templates")
    (templates / "reminder.en.txt").unlink()
    assigned = templates / "task_assigned.en.txt"
    assigned.write_text(assigned.read_text().replace("Entity:    {{ entity }}\n", ""))
    problems = translation_problems("en", templates)
    assert any("no reminder.en.txt" in p for p in problems), problems
    assert any("task_assigned.en.txt: reads" in p for p in problems), problems
