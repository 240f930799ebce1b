"""forms/_macros.html: every widget renders as accessible HTML that works without JavaScript."""

from html.parser import HTMLParser
from pathlib import Path

import pytest
from flask import Flask, render_template_string
from flask_babel import Babel
from flask_wtf.csrf import CSRFProtect

from app.forms import FormDefinition, load_form

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).parent / "forms_fixtures"
VOID = {"input", "br", "meta", "img", "hr", "link"}
MACROS = '{% from "forms/_macros.html" import render_form, render_field, render_values %}'


class Node:
    def __init__(self, tag, attrs, parent=None):
        self.tag, self.attrs, self.parent, self.children = tag, dict(attrs), parent, []

    def text(self):
        return "".join(child if isinstance(child, str) else child.text() for child in self.children)

    def iter(self):
        for child in self.children:
            if isinstance(child, Node):
                yield child
                yield from child.iter()

    def find_all(self, tag=None, **attrs):
        return [node for node in self.iter() if (tag is None or node.tag == tag)
                and all(node.attrs.get(key.replace("_", "-")) == value for key, value in attrs.items())]

    def by_id(self, node_id):
        found = self.find_all(id=node_id)
        assert len(found) == 1, f"expected one element with id {node_id!r}, found {len(found)}"
        return found[0]


class TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__()
        self.root = self.current = Node("root", {})

    def handle_starttag(self, tag, attrs):
        node = Node(tag, attrs, self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_endtag(self, tag):
        assert self.current.tag == tag, f"</{tag}> closes <{self.current.tag}>"
        self.current = self.current.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse(html):
    builder = TreeBuilder()
    builder.feed(html)
    builder.close()
    assert builder.current is builder.root, "unclosed elements"
    return builder.root


@pytest.fixture(scope="module")
def app():
    app = Flask(__name__, template_folder=str(ROOT / "app" / "templates"))
    app.config.update(BABEL_DEFAULT_LOCALE="nl", SECRET_KEY="test")
    Babel(app)
    app.jinja_env.globals["csrf_token"] = lambda: "test-csrf-token"
    return app


@pytest.fixture(scope="module")
def fd():
    return load_form(FIXTURES, "appointment")


def render(app, source, **context):
    with app.test_request_context():
        return parse(render_template_string(MACROS + source, **context))


def render_form(app, fd, values=None, errors=None, **kwargs):
    return render(app, "{{ render_form(fd, values, errors, **kwargs) }}",
                  fd=fd, values=values, errors=errors, kwargs=kwargs)


def described_by(node):
    return node.attrs.get("aria-describedby", "").split()


VALUES = {
    "candidate_email": "an@example.org", "role": "deputy", "decision_date": "2024-05-01",
    "motivation": "Twee regels\nmet <b>tekst</b>", "votes_for": 7, "hours_per_week": 3.5,
    "members_agreed": "not_all", "languages": ["nl", "en"], "newsletter": True, "entity_id": 12,
    "eligibility_confirmed": True,
}


def test_every_input_has_a_label_that_points_to_it(app, fd):
    page = render_form(app, fd, VALUES)
    controls = [n for n in page.iter() if n.tag in ("input", "select", "textarea")
                and n.attrs.get("type") != "hidden"]
    assert len(controls) == 13  # 6 single controls, 2 radios, 3 checkboxes in a group, 2 single checkboxes
    for control in controls:
        labels = page.find_all("label", **{"for": control.attrs["id"]})
        assert len(labels) == 1 and labels[0].text().strip()
    assert len({n.attrs["id"] for n in page.iter() if "id" in n.attrs}) == len(
        [n for n in page.iter() if "id" in n.attrs]), "ids are unique"


def test_widgets_render_with_their_html_types_and_values(app, fd):
    page = render_form(app, fd, VALUES)
    types = {n.attrs["name"]: n.attrs.get("type", n.tag) for n in page.iter()
             if n.tag in ("input", "select", "textarea") and n.attrs.get("name") != "csrf_token"}
    assert types == {
        "candidate_email": "email", "role": "select", "decision_date": "date", "motivation": "textarea",
        "votes_for": "number", "hours_per_week": "number", "members_agreed": "radio", "languages": "checkbox",
        "newsletter": "checkbox", "entity_id": "hidden", "eligibility_confirmed": "checkbox",
    }
    assert page.by_id("field-candidate_email").attrs["value"] == "an@example.org"
    assert page.by_id("field-decision_date").attrs["value"] == "2024-05-01"
    assert page.by_id("field-motivation").text() == "Twee regels\nmet <b>tekst</b>"
    assert page.by_id("field-motivation").attrs["rows"] == "4"
    votes = page.by_id("field-votes_for").attrs
    assert (votes["value"], votes["step"], votes["min"], votes["max"]) == ("7", "1", "0", "50")
    hours = page.by_id("field-hours_per_week").attrs
    assert (hours["value"], hours["step"]) == ("3.5", "any")
    assert [o.attrs["value"] for o in page.by_id("field-role").find_all("option")] == ["", "confidant", "deputy"]
    options = page.by_id("field-role").find_all("option")
    assert [o.text() for o in options if "selected" in o.attrs] == ["Plaatsvervanger"]
    assert page.find_all("input", name="entity_id", type="hidden", value="12")
    assert "checked" in page.by_id("field-newsletter").attrs
    assert page.by_id("field-newsletter").attrs["value"] == "true"


def test_radio_and_checkbox_groups_are_fieldsets_with_a_legend(app, fd):
    page = render_form(app, fd, VALUES)
    radios, languages = page.find_all("fieldset")
    assert radios.find_all("legend")[0].text() == "Akkoord van de leden (verplicht)"
    assert radios.attrs["role"] == "radiogroup" and radios.attrs["aria-required"] == "true"
    checked = [n.attrs["value"] for n in radios.find_all("input") if "checked" in n.attrs]
    assert checked == ["not_all"]
    assert all("required" in n.attrs for n in radios.find_all("input", type="radio"))
    assert languages.find_all("legend")[0].text() == "Talen"
    assert [n.attrs["value"] for n in languages.find_all("input") if "checked" in n.attrs] == ["nl", "en"]
    assert [n.attrs["id"] for n in languages.find_all("input")] == [
        "field-languages", "field-languages-2", "field-languages-3"]


def test_required_is_marked_in_text_and_attributes(app, fd):
    page = render_form(app, fd)
    email = page.by_id("field-candidate_email")
    assert email.attrs["required"] and email.attrs["aria-required"] == "true"
    assert "(verplicht)" in page.find_all("label", **{"for": "field-candidate_email"})[0].text()
    eligibility = page.by_id("field-eligibility_confirmed")
    assert "required" in eligibility.attrs
    motivation = page.by_id("field-motivation")
    assert "required" not in motivation.attrs and "aria-required" not in motivation.attrs
    assert "(verplicht)" not in page.find_all("label", **{"for": "field-motivation"})[0].text()


def test_help_text_is_linked_with_aria_describedby(app, fd):
    page = render_form(app, fd)
    motivation = page.by_id("field-motivation")
    assert described_by(motivation) == ["field-motivation-help"]
    assert page.by_id("field-motivation-help").text() == "Waarom deze kandidaat?"
    assert motivation.attrs["placeholder"] == "Korte motivering"
    assert "aria-describedby" not in page.by_id("field-candidate_email").attrs


def test_no_error_summary_without_errors_and_csrf_is_always_there(app, fd):
    page = render_form(app, fd)
    assert not page.find_all(role="alert")
    assert not page.find_all("p", **{"class": "form-error"})
    assert page.find_all("input", type="hidden", name="csrf_token", value="test-csrf-token")
    form = page.find_all("form")[0]
    assert form.attrs["method"] == "post" and "enctype" not in form.attrs
    assert page.find_all("button", type="submit")[0].text() == "Verzenden"


ERRORS = {
    "candidate_email": "Dit veld is verplicht.",
    "members_agreed": "Kies een van de mogelijkheden.",
    "languages": "Kies minstens 1 mogelijkheid.",
    "motivation": "Geef minstens 10 tekens in.",
    "eligibility_confirmed": "Zonder bevestiging kan het EOC niemand aanstellen.",
    "": "Het formulier bevat velden die het niet kent.",
}


def test_errors_sit_next_to_their_field_and_in_a_summary(app, fd):
    page = render_form(app, fd, {"motivation": "kort"}, ERRORS, action="/taken/5", submit_label="Indienen")
    summary = page.find_all(role="alert")[0]
    assert summary.find_all("h2")[0].text() == "Er is een probleem"
    assert "Het formulier bevat velden die het niet kent." in summary.text()
    links = {a.attrs["href"]: a.text() for a in summary.find_all("a")}
    assert links["#field-candidate_email"] == "E-mailadres van de kandidaat: Dit veld is verplicht."
    assert len(links) == 5
    for href in links:
        page.by_id(href[1:])  # every link reaches an element
    for name in ("candidate_email", "motivation", "eligibility_confirmed"):
        control = page.by_id(f"field-{name}")
        assert control.attrs["aria-invalid"] == "true"
        assert f"field-{name}-error" in described_by(control)
        assert page.by_id(f"field-{name}-error").text().endswith(ERRORS[name])
        assert page.by_id(f"field-{name}-error").parent is control.parent  # next to the field
    assert described_by(page.by_id("field-motivation")) == ["field-motivation-help", "field-motivation-error"]
    assert page.by_id("field-motivation").text() == "kort"
    group = page.by_id("field-languages-error").parent
    assert group.tag == "fieldset" and "field-languages-error" in described_by(group)
    assert all(box.attrs["aria-invalid"] == "true" for box in group.find_all("input"))
    assert page.by_id("field-members_agreed-error").parent.attrs["aria-invalid"] == "true"
    assert page.find_all("form")[0].attrs["action"] == "/taken/5"
    assert page.find_all("button")[0].text() == "Indienen"


def test_file_form_is_multipart_and_says_what_it_accepts(app):
    fd = load_form(FIXTURES, "certificate")
    page = render_form(app, fd, {}, {"certificate": "Dit veld is verplicht."})
    assert page.find_all("form")[0].attrs["enctype"] == "multipart/form-data"
    certificate = page.by_id("field-certificate")
    assert certificate.attrs["type"] == "file"
    assert certificate.attrs["accept"] == "application/pdf,image/png,image/jpeg"
    assert described_by(certificate) == ["field-certificate-help", "field-certificate-error"]
    assert page.by_id("field-certificate-help").text() == "Toegelaten: PDF, PNG, JPEG, hoogstens 5 MB."
    assert page.by_id("field-photo-help").text() == "Een pasfoto. Toegelaten: PNG, JPEG, hoogstens 1 kB."


def test_select_placeholder_boolean_radio_and_title(app):
    schema = {"type": "object", "title": "Keuzes", "properties": {
        "size": {"type": "integer", "title": "Grootte", "enum": [1, 2]},
        "agree": {"type": "boolean", "title": "Akkoord?"}}}
    ui = {"size": {"ui:placeholder": "Kies een grootte", "ui:enumNames": ["Klein", "Groot"]},
          "agree": {"ui:widget": "radio"}}
    fd = FormDefinition.from_dicts("keuzes", schema, ui)
    page = render_form(app, fd, {"size": 2, "agree": False}, show_title=True, novalidate=True)
    assert page.find_all("h2")[0].text() == "Keuzes"
    assert "novalidate" in page.find_all("form")[0].attrs
    options = page.by_id("field-size").find_all("option")
    assert [(o.attrs["value"], o.text(), "selected" in o.attrs) for o in options] == [
        ("", "Kies een grootte", False), ("1", "Klein", False), ("2", "Groot", True)]
    radios = page.find_all("input", name="agree")
    assert [(r.attrs["value"], "checked" in r.attrs) for r in radios] == [("true", False), ("false", True)]
    assert [label.text() for label in page.find_all("fieldset")[0].find_all("label")] == ["Ja", "Nee"]


def test_values_are_escaped(app):
    fd = FormDefinition.from_dicts("f", {"type": "object", "properties": {"x": {"type": "string"}}})
    with app.test_request_context():
        html = render_template_string(MACROS + "{{ render_form(fd, values) }}{{ render_values(fd, values) }}",
                                      fd=fd, values={"x": '"><script>alert(1)</script>'})
    assert "<script>" not in html
    assert parse(html).by_id("field-x").attrs["value"] == '"><script>alert(1)</script>'


def test_render_field_alone(app, fd):
    page = render(app, "{{ render_field(field, 'x@y.be', 'Geef een geldig e-mailadres in.') }}",
                  field=fd.field("candidate_email"))
    assert page.by_id("field-candidate_email").attrs["value"] == "x@y.be"
    assert page.by_id("field-candidate_email-error").text() == "Fout: Geef een geldig e-mailadres in."


def test_render_values_shows_labels_ja_nee_and_files(app, fd):
    page = render(app, "{{ render_values(fd, data) }}", fd=fd, data=VALUES)
    terms = [dt.text() for dt in page.find_all("dt")]
    details = [dd.text() for dd in page.find_all("dd")]
    shown = dict(zip(terms, details))
    assert "Entiteit" not in shown  # hidden fields are not shown
    assert shown["Rol"] == "Plaatsvervanger"
    assert shown["Akkoord van de leden"] == "Niet alle leden"
    assert shown["Talen"] == "Nederlands, Engels"
    assert shown["Nieuwsbrief"] == "Ja"
    assert shown["Uren per week"] == "3.5"
    assert shown["Motivering"] == "Twee regelsmet <b>tekst</b>"  # a <br> between the lines
    assert page.find_all("dd")[3].find_all("br")
    empty = render(app, "{{ render_values(fd, data) }}", fd=fd, data={"newsletter": False})
    shown = dict(zip([dt.text() for dt in empty.find_all("dt")], [dd.text() for dd in empty.find_all("dd")]))
    assert shown["Nieuwsbrief"] == "Nee" and shown["Rol"] == "niet ingevuld"
    files = render(app, "{{ render_values(fd, data) }}", fd=load_form(FIXTURES, "certificate"),
                   data={"certificate": "file-1", "completed_on": "2024-06-30"})
    # Issue 9, defect 7: dates in the pages' one style (app/ui.py: "30 jun. 2024"), not Babel's "30 jun 2024"
    assert [dd.text() for dd in files.find_all("dd")] == ["30 jun. 2024", "bestand", "niet ingevuld"]


def test_works_with_flask_wtf_csrf_protect():
    app = Flask(__name__, template_folder=str(ROOT / "app" / "templates"))
    app.config.update(SECRET_KEY="test")
    Babel(app)
    CSRFProtect(app)
    fd = FormDefinition.from_dicts("f", {"type": "object", "properties": {"x": {"type": "string"}}})
    page = render(app, "{{ render_form(fd) }}", fd=fd)
    token = page.find_all("input", name="csrf_token")[0].attrs["value"]
    assert len(token) > 20


def test_the_certificate_upload_says_its_types_and_size_once(app):
    """Issue 9, defect 7: the real certificate form's help read "Een PDF, PNG of JPEG van ten hoogste 5 MB." and then
    the field's own hint said it again; the hint, made from what the field accepts, now says it alone."""
    fd = load_form(ROOT / "forms", "training_certificate")
    help_text = render_form(app, fd).by_id("field-certificate-help").text()
    assert help_text == "Toegelaten: PDF, PNG, JPEG, hoogstens 5 MB."
