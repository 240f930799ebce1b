"""Issue 9, defect 8: an English user reads the process models' own texts in English too, not only the page frame:
process and step names, instructions, form titles, labels, options, help and the author's error messages."""
from __future__ import annotations

from tests.helpers import OMG_CONFIDANT, OMG_PAPSY, OMG_SECRETARY, appointment_form, csrf_token, login, post_form, \
    ready_task


def in_english(client) -> None:
    page = client.get("/inbox").get_data(as_text=True)
    client.post("/language", data={"lang": "en", "next": "/inbox", "csrf_token": csrf_token(page)})


def test_an_english_user_starts_a_process_with_an_english_form(app, client):
    login(client, OMG_SECRETARY)
    in_english(client)
    inbox = client.get("/inbox").get_data(as_text=True)
    assert "Appointment of a confidant" in inbox and "Aanstelling vertrouwenspersoon" not in inbox, "start button"
    page = client.get("/processes/appointment/start").get_data(as_text=True)
    assert "<h1>Appointment of a confidant</h1>" in page
    assert "Candidate&#39;s name" in page, "a label"
    assert "All members representing the employees agreed beforehand" in page, "an option"
    assert "For example, the number of the EOC&#39;s minutes." in page, "a help text"
    assert "Naam van de kandidaat" not in page and "Bijvoorbeeld" not in page
    refused = post_form(client, "/processes/appointment/start",
                        {"entity": "OMG", **appointment_form(not_union_delegate=False)})
    assert refused.status_code == 422
    assert "A member of the trade union delegation cannot be a confidant" in refused.get_data(as_text=True), \
        "the form author's own error message"


def test_an_english_papsy_reads_the_step_its_instructions_and_form_in_english(app, client, store):
    login(client, OMG_SECRETARY)
    assert post_form(client, "/processes/appointment/start", {"entity": "OMG", **appointment_form()}).status_code == 302
    papsy = app.test_client()
    login(papsy, OMG_PAPSY)
    in_english(papsy)
    inbox = papsy.get("/inbox").get_data(as_text=True)
    assert "Review the appointment" in inbox and "Appointment of a confidant" in inbox
    assert "Aanstelling nakijken" not in inbox
    task = ready_task(store, "review_appointment")
    task_id, instance_id = task.id, task.instance_id
    page = papsy.get(f"/tasks/{task_id}").get_data(as_text=True)
    assert "<h1>Review the appointment</h1>" in page
    assert "Check that the candidate meets the conditions of the Well-being at Work Act" in page, "instructions"
    assert "Approve: the candidate is added to the list of confidants" in page, "an option"
    assert "Only needed if you send it back." in page, "a help text"
    assert "Candidate&#39;s name" in page, "the submitted form shown read-only"
    refused = papsy.post(f"/tasks/{task_id}", data={"decision": "send_back", "csrf_token": csrf_token(page)})
    assert "Give a reason: the EOC secretary sees it when correcting." in refused.get_data(as_text=True)
    done = papsy.post(f"/tasks/{task_id}", data={"decision": "approve", "csrf_token": csrf_token(page)},
                      follow_redirects=True).get_data(as_text=True)
    assert "Review the appointment" in done and "Aanstelling nakijken" not in done, "the flash names the step"
    instance = papsy.get(f"/instances/{instance_id}").get_data(as_text=True)
    assert "Review the appointment" in instance and "Add to the list of confidants" in instance, "history steps"
    assert "Approve: the candidate is added to the list of confidants" in instance, "what was decided"
    assert "Aanstelling nakijken" not in instance
    training = papsy.get(f"/instances/{ready_task(store, 'upload_certificate').instance_id}").get_data(as_text=True)
    assert "6 months before the deadline" in training, "a waiting timer by its diagram name"
    listing = papsy.get("/instances").get_data(as_text=True)
    assert "Appointment of a confidant" in listing and "Aanstelling vertrouwenspersoon" not in listing, "filter, rows"


def test_an_english_confidant_registers_a_dossier_on_an_english_form(app, client):
    login(client, OMG_CONFIDANT)
    in_english(client)
    page = client.get("/dossiers/new").get_data(as_text=True)
    assert "Themes" in page and "Bullying" in page and "Encrypted. Initials are enough." in page
    assert "Pesterijen" not in page and "Initialen volstaan" not in page
