"""app.forms: loading form definitions, validating data and reading submissions (no HTML here)."""

from pathlib import Path

import pytest
from werkzeug.datastructures import MultiDict

from app.forms import FormDefinition, FormError, load_form, parse_submission, validate_data

FIXTURES = Path(__file__).parent / "forms_fixtures"
VALID = {
    "candidate_email": "an@example.org",
    "decision_date": "2024-05-01",
    "role": "confidant",
    "members_agreed": "all",
    "eligibility_confirmed": True,
}
POSTED = {**VALID, "eligibility_confirmed": "true"}


@pytest.fixture
def fd():
    return load_form(FIXTURES, "appointment")


def simple(prop, required=False, ui=None):
    """A one-field form called 'x'."""
    schema = {"type": "object", "properties": {"x": prop}, "required": ["x"] if required else []}
    return FormDefinition.from_dicts("simple", schema, {"x": ui} if ui else None)


def submit(fd, **posted):
    return parse_submission(fd, MultiDict(posted), MultiDict())


# --- loading -----------------------------------------------------------------------------

def test_fields_follow_ui_order_with_star_then_schema_order(fd):
    assert [f.name for f in fd.fields] == [
        "candidate_email", "role", "decision_date", "motivation", "votes_for", "hours_per_week",
        "members_agreed", "languages", "newsletter", "entity_id", "eligibility_confirmed",
    ]
    assert fd.title == "Aanstelling van een vertrouwenspersoon"
    assert fd.description.startswith("Het EOC-secretariaat")


def test_field_kinds_labels_and_options(fd):
    kinds = {f.name: f.kind for f in fd.fields}
    assert kinds == {
        "candidate_email": "email", "role": "select", "decision_date": "date", "motivation": "textarea",
        "votes_for": "integer", "hours_per_week": "number", "members_agreed": "radio",
        "languages": "checkboxes", "newsletter": "checkbox", "entity_id": "hidden",
        "eligibility_confirmed": "checkbox",
    }
    assert fd.field("role").options == [("confidant", "Vertrouwenspersoon"), ("deputy", "Plaatsvervanger")]
    assert fd.field("members_agreed").options[0] == ("all", "Alle leden gingen akkoord")
    assert fd.field("languages").options[2] == ("en", "Engels")
    motivation = fd.field("motivation")
    assert (motivation.label, motivation.help, motivation.placeholder) == (
        "Motivering", "Waarom deze kandidaat?", "Korte motivering")
    assert motivation.constraints == {"minLength": 10, "maxLength": 2000}
    assert fd.field("votes_for").constraints == {"minimum": 0, "maximum": 50}
    assert fd.field("missing") is None


def test_required_checkbox_means_it_must_be_ticked(fd):
    assert fd.field("eligibility_confirmed").required  # const true
    assert not fd.field("newsletter").required
    assert fd.field("candidate_email").required and not fd.field("motivation").required


def test_load_form_takes_the_schema_file_name_too():
    assert load_form(FIXTURES, "appointment.schema.json").name == "appointment"
    assert load_form(FIXTURES, "minimal").ui_schema == {}


@pytest.mark.parametrize("name, expected", [
    ("nothere", "niet gevonden"),
    ("broken", "geen geldige JSON (regel 1"),
    ("badui", "badui.uischema.json is geen geldige JSON"),
    ("invalid", "geen geldig JSON Schema 2020-12"),
    ("../forms_fixtures/minimal", "Ongeldige formuliernaam"),
    ("", "Ongeldige formuliernaam"),
])
def test_load_form_refuses_with_a_clear_message(name, expected):
    with pytest.raises(FormError, match=expected.replace("(", r"\(")):
        load_form(FIXTURES, name)


@pytest.mark.parametrize("prop, ui", [
    ({"type": "object", "properties": {"a": {"type": "string"}}}, None),
    ({"type": "array", "items": {"type": "string"}}, None),
    ({"type": ["string", "null"]}, None),
    ({"enum": ["a", "b"]}, None),
    ({"$ref": "#/$defs/x"}, None),
    ({"type": "string"}, {"ui:widget": "colour"}),
    ({"type": "integer"}, {"ui:widget": "textarea"}),
    ({"type": "string", "enum": ["a"]}, {"ui:widget": "checkboxes"}),
    ({"type": "string", "enum": ["a", "b"]}, {"ui:enumNames": ["A"]}),
    ({"type": "integer", "enum": ["1", "2"]}, None),
    ({"type": "string", "format": "data-url"}, {"ui:options": {"accept": ["application/zip"]}}),
    ({"type": "string", "format": "data-url"}, {"ui:options": {"maxBytes": 0}}),
    ({"type": "integer", "format": "data-url"}, None),
    ({"type": "string"}, "textarea"),
])
def test_unsupported_field_shapes_are_refused(prop, ui):
    schema = {"type": "object", "properties": {"x": prop}, "$defs": {"x": {"type": "string"}}}
    with pytest.raises(FormError, match="'x'"):
        FormDefinition.from_dicts("f", schema, {"x": ui} if ui else None)


@pytest.mark.parametrize("schema, ui", [
    ({"type": "object", "properties": {"x": {"type": "nope"}}}, None),
    ({"type": "object", "required": "x"}, None),
    ({"type": "string"}, None),
    (["not", "an", "object"], None),
    ({"type": "object", "required": ["y"], "properties": {"x": {"type": "string"}}}, None),
    ({"type": "object", "properties": {"x": {"type": "string"}}}, {"ui:order": ["x", "y"]}),
    ({"type": "object", "properties": {"x": {"type": "string"}}}, {"ui:order": "x"}),
    ({"type": "object", "properties": {"x": {"type": "string"}}}, ["x"]),
])
def test_invalid_schemas_raise_form_error(schema, ui):
    with pytest.raises(FormError):
        FormDefinition.from_dicts("f", schema, ui)


def test_from_dicts_copies_its_input():
    schema = {"type": "object", "properties": {"x": {"type": "string"}}}
    fd = FormDefinition.from_dicts("f", schema)
    schema["properties"]["x"]["type"] = "integer"
    assert fd.schema["properties"]["x"]["type"] == "string"


def test_defaults_prefill():
    fd = simple({"type": "string", "default": "nl"})
    assert fd.defaults == {"x": "nl"}


# --- validate_data (JSON input) ------------------------------------------------------------

def test_valid_json_input_has_no_errors(fd):
    assert validate_data(fd, {**VALID, "languages": ["nl", "fr"], "votes_for": 3, "hours_per_week": 2.5}) == {}


@pytest.mark.parametrize("change, field, message", [
    ({"candidate_email": None}, "candidate_email", "Geef een tekst in."),
    ({"candidate_email": "no-at-sign"}, "candidate_email", "Geef een geldig e-mailadres in."),
    ({"decision_date": "01/05/2024"}, "decision_date", "Geef een geldige datum in (JJJJ-MM-DD)."),
    ({"decision_date": "2024-02-30"}, "decision_date", "Geef een geldige datum in (JJJJ-MM-DD)."),
    ({"role": "boss"}, "role", "Kies een van de mogelijkheden."),
    ({"members_agreed": "maybe"}, "members_agreed", "Kies een van de mogelijkheden."),
    ({"motivation": "kort"}, "motivation", "Geef minstens 10 tekens in."),
    ({"motivation": "x" * 2001}, "motivation", "Geef hoogstens 2000 tekens in."),
    ({"votes_for": -1}, "votes_for", "Geef een waarde van minstens 0 in."),
    ({"votes_for": 51}, "votes_for", "Geef een waarde van hoogstens 50 in."),
    ({"votes_for": 2.5}, "votes_for", "Geef een geheel getal in."),
    ({"hours_per_week": "veel"}, "hours_per_week", "Geef een getal in."),
    ({"hours_per_week": 0}, "hours_per_week", "Geef een waarde groter dan 0 in."),
    ({"languages": []}, "languages", "Kies minstens 1 mogelijkheid."),
    ({"languages": ["nl", "de"]}, "languages", "Kies een van de mogelijkheden."),
    ({"languages": "nl"}, "languages", "Kies een of meer mogelijkheden."),
    ({"newsletter": "ja"}, "newsletter", "Kies ja of nee."),
])
def test_each_error_gets_a_dutch_message_on_its_field(fd, change, field, message):
    assert validate_data(fd, {**VALID, **change}) == {field: message}


def test_missing_required_fields_are_named_one_by_one(fd):
    errors = validate_data(fd, {"role": "deputy"})
    assert errors == {
        "candidate_email": "Dit veld is verplicht.",
        "decision_date": "Dit veld is verplicht.",
        "members_agreed": "Dit veld is verplicht.",
        "eligibility_confirmed": "Zonder bevestiging van de voorwaarden kan het EOC niemand aanstellen (R10).",
    }
    assert list(errors) == ["candidate_email", "decision_date", "members_agreed", "eligibility_confirmed"]


def test_error_message_of_the_schema_wins_for_const(fd):
    errors = validate_data(fd, {**VALID, "eligibility_confirmed": False})
    assert errors == {"eligibility_confirmed": "Zonder bevestiging van de voorwaarden kan het EOC niemand aanstellen (R10)."}


def test_const_true_without_error_message_asks_to_tick():
    assert validate_data(simple({"type": "boolean", "const": True}), {"x": False}) == {"x": "Vink dit vakje aan."}


def test_error_message_per_keyword_and_root_required_messages():
    schema = {
        "type": "object", "required": ["code", "note"],
        "errorMessage": {"required": {"note": "Een nota is nodig voor het dossier."}},
        "properties": {
            "code": {"type": "string", "pattern": "^[A-Z]{3}$",
                     "errorMessage": {"pattern": "Drie hoofdletters, zoals ABC.", "_": "Code ontbreekt."}},
            "note": {"type": "string"},
        },
    }
    fd = FormDefinition.from_dicts("f", schema)
    assert validate_data(fd, {}) == {"code": "Code ontbreekt.", "note": "Een nota is nodig voor het dossier."}
    assert validate_data(fd, {"code": "abc", "note": "n"}) == {"code": "Drie hoofdletters, zoals ABC."}


def test_pattern_without_error_message():
    assert validate_data(simple({"type": "string", "pattern": "^[0-9]+$"}), {"x": "a"}) == {
        "x": "Deze waarde heeft niet de juiste vorm."}


def test_conditional_required_maps_each_missing_field():
    schema = {
        "type": "object",
        "properties": {"reason": {"type": "string", "enum": ["other", "move"]},
                       "other_reason": {"type": "string"}, "since": {"type": "string", "format": "date"}},
        "if": {"properties": {"reason": {"const": "other"}}, "required": ["reason"]},
        "then": {"required": ["other_reason", "since"]},
    }
    fd = FormDefinition.from_dicts("f", schema)
    assert validate_data(fd, {"reason": "other"}) == {
        "other_reason": "Dit veld is verplicht.", "since": "Dit veld is verplicht."}
    assert validate_data(fd, {"reason": "move"}) == {}


def test_one_message_per_field():
    fd = simple({"type": "string", "minLength": 5, "pattern": "^[0-9]+$"})
    assert validate_data(fd, {"x": "ab"}) == {"x": "Geef minstens 5 tekens in."}


def test_unknown_keys_and_non_objects_are_form_level_errors(fd):
    assert validate_data(fd, {**VALID, "is_admin": True}) == {"": "Het formulier bevat velden die het niet kent."}
    assert validate_data(fd, ["not", "a", "dict"]) == {"": "De gegevens moeten een object met velden zijn."}


SECRET = "Geheim-Jansens-4711"


@pytest.mark.parametrize("change", [
    {"candidate_email": SECRET},
    {"decision_date": SECRET},
    {"role": SECRET},
    {"motivation": SECRET[:5]},
    {"votes_for": SECRET},
    {"languages": [SECRET]},
    {"eligibility_confirmed": SECRET},
    {SECRET: SECRET},
])
def test_no_message_repeats_the_submitted_value(fd, change):
    errors = validate_data(fd, {**VALID, **change})
    assert errors
    assert not any(SECRET[:5] in message for message in errors.values())
    _data, posted_errors = submit(fd, **{**POSTED, **{k: str(v) for k, v in change.items()}})
    assert not any(SECRET[:5] in message for message in posted_errors.values())


# --- parse_submission: coercion ----------------------------------------------------------

def test_posted_strings_become_typed_data(fd):
    posted = MultiDict([*POSTED.items(), ("votes_for", " 7 "), ("hours_per_week", "3,5"),
                        ("languages", "nl"), ("languages", "en"), ("newsletter", "true"),
                        ("entity_id", "12"), ("motivation", "  Lang genoeg gemotiveerd\r\n"),
                        ("csrf_token", "abc"), ("is_admin", "true")])
    data, errors = parse_submission(fd, posted, MultiDict())
    assert errors == {}
    assert data == {
        **VALID, "votes_for": 7, "hours_per_week": 3.5, "languages": ["nl", "en"], "newsletter": True,
        "entity_id": 12, "motivation": "Lang genoeg gemotiveerd",
    }


def test_empty_optional_fields_are_dropped_and_absent_checkbox_is_false(fd):
    data, errors = submit(fd, **POSTED, motivation="  ", votes_for="", languages="", hours_per_week="")
    assert errors == {}
    assert data == {**VALID, "newsletter": False}


@pytest.mark.parametrize("posted, message", [
    ({"votes_for": "zeven"}, "Geef een geheel getal in."),
    ({"votes_for": "7.5"}, "Geef een geheel getal in."),
    ({"votes_for": "1_000"}, "Geef een geheel getal in."),
    ({"votes_for": "9" * 5000}, "Geef een geheel getal in."),
    ({"hours_per_week": "drie"}, "Geef een getal in."),
    ({"hours_per_week": "nan"}, "Geef een getal in."),
    ({"hours_per_week": "1e999"}, "Geef een getal in."),
    ({"hours_per_week": "1,2,3"}, "Geef een getal in."),
    ({"decision_date": "31/12/2024"}, "Geef een geldige datum in (JJJJ-MM-DD)."),
    ({"role": "boss"}, "Kies een van de mogelijkheden."),
    ({"languages": "de"}, "Kies een van de mogelijkheden."),
    ({"entity_id": "x"}, "Geef een geheel getal in."),
])
def test_values_that_cannot_be_coerced_give_a_field_error(fd, posted, message):
    field = next(iter(posted))
    data, errors = submit(fd, **{**POSTED, **posted})
    assert errors == {field: message}
    assert data[field] in (posted[field], [posted[field]])  # kept, to show the form again


def test_number_keeps_integers_and_scientific_notation():
    fd = simple({"type": "number"})
    assert submit(fd, x="4")[0] == {"x": 4}
    assert submit(fd, x="-0.25")[0] == {"x": -0.25}
    assert submit(fd, x="1e3")[0] == {"x": 1000.0}


def test_missing_required_fields_from_an_empty_post(fd):
    data, errors = submit(fd, csrf_token="abc")
    assert data == {"newsletter": False, "eligibility_confirmed": False}
    assert errors["candidate_email"] == "Dit veld is verplicht."
    assert errors["eligibility_confirmed"].startswith("Zonder bevestiging")


def test_select_with_integer_enum_and_boolean_radio():
    schema = {"type": "object", "properties": {
        "size": {"type": "integer", "enum": [1, 2, 3]},
        "agree": {"type": "boolean", "title": "Akkoord?"},
    }, "required": ["agree"]}
    fd = FormDefinition.from_dicts("f", schema, {"agree": {"ui:widget": "radio"}})
    assert fd.field("agree").kind == "radio"
    assert [str(label) for _, label in fd.field("agree").options] == ["Ja", "Nee"]
    assert submit(fd, size="2", agree="false") == ({"size": 2, "agree": False}, {})
    assert submit(fd, size="2")[1] == {"agree": "Dit veld is verplicht."}
    assert submit(fd, size="4", agree="true")[1] == {"size": "Kies een van de mogelijkheden."}


def test_multi_select_with_one_of_items_and_max_items():
    prop = {"type": "array", "maxItems": 2,
            "items": {"type": "string", "oneOf": [{"const": "a", "title": "A"}, {"const": "b", "title": "B"},
                                                  {"const": "c", "title": "C"}]}}
    fd = simple(prop, required=True)
    assert fd.field("x").options == [("a", "A"), ("b", "B"), ("c", "C")]
    posted = MultiDict([("x", "a"), ("x", "c")])
    assert parse_submission(fd, posted, MultiDict()) == ({"x": ["a", "c"]}, {})
    too_many = MultiDict([("x", "a"), ("x", "b"), ("x", "c")])
    assert parse_submission(fd, too_many, MultiDict())[1] == {"x": "Kies hoogstens 2 mogelijkheden."}
    assert parse_submission(fd, MultiDict(), MultiDict())[1] == {"x": "Dit veld is verplicht."}


def test_hidden_boolean_and_string():
    schema = {"type": "object", "properties": {"flag": {"type": "boolean"}, "ref": {"type": "string"}}}
    fd = FormDefinition.from_dicts("f", schema, {"flag": {"ui:widget": "hidden"}, "ref": {"ui:widget": "hidden"}})
    assert submit(fd, flag="true", ref="r-1") == ({"flag": True, "ref": "r-1"}, {})
    assert submit(fd, flag="yes")[1] == {"flag": "Kies ja of nee."}
