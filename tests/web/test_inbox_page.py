"""The inbox page: the filter bar (the URL is the bookmark) with counts per choice, sortable headers, paging, who has
each task and what the user may do about it; a bad filter is a 422 that says why; saved filters."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.models import SavedFilter
from app.workflow import saved_filters
from tests.helpers import AWV_PAPSY, OMG_PAPSY, OMG_PAPSY_2, csrf_token, login, user


@pytest.fixture
def luc(client, inbox):
    login(client, OMG_PAPSY)
    return client


def page(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, response.status_code
    return response.get_data(as_text=True)


def task_links(html: str) -> list[str]:
    return re.findall(r'href="/tasks/(\d+)"', html)


def test_counts_per_choice_and_the_chosen_one_marked(luc):
    html = page(luc, "/inbox")
    assert re.search(r'aria-current="true">Te doen <span class="choices__count">\(5\)', html)
    for label, count in (("Van mij", 1), ("Niet opgenomen", 4), ("Iedereen", 6), ("Alle", 5), ("Te laat", 1),
                         ("Binnen 14 dagen", 2), ("Zonder termijn", 1)):
        assert re.search(rf'>{label} <span class="choices__count">\({count}\)', html), label
    assert "1 taak is te laat." in html and "2 taken naderen hun termijn" in html
    assert "5 taken wachten op u" in html
    late = page(luc, "/inbox?due=late&assigned=any")
    assert re.search(r'aria-current="true">Te laat', late) and re.search(r'aria-current="true">Iedereen', late)
    assert re.search(r'>Van mij <span class="choices__count">\(0\)', late)  # counted with "late" chosen
    assert 'href="/inbox?assigned=any&amp;due=soon"' in late or 'href="/inbox?due=soon&amp;assigned=any"' in late


def test_sortable_headers_say_their_order_and_keep_the_filters(luc, inbox):
    html = page(luc, "/inbox?due=soon&sort=-created_at")
    assert re.search(r'<th scope="col" aria-sort="descending">\s*<a href="/inbox\?due=soon&amp;sort=created_at">Sinds',
                     html)
    assert re.search(r'<th scope="col">\s*<a href="/inbox\?due=soon&amp;sort=due_at">Uiterlijk', html)
    assert task_links(html) == [str(inbox["mine"]), str(inbox["soon"])]
    assert 'name="due" value="soon"' in html and 'name="sort" value="-created_at"' in html  # the form keeps them


def test_who_has_each_task_and_the_actions_offered(luc, inbox):
    html = page(luc, "/inbox?assigned=any&sort=created_at")
    rows = dict(zip([int(i) for i in re.findall(r'<tr(?: class="is-late")?>\s*<td>(?:<a id="task-|<span id="task-)(\d+)',
                                                html)], re.split(r"<tr(?: class=\"is-late\")?>", html)[2:], strict=True))
    assert "Opgenomen door u" in rows[inbox["mine"]] and "Vrijgeven" in rows[inbox["mine"]]
    assert "Ik neem dit op" not in rows[inbox["mine"]]
    assert "Nog niet opgenomen" in rows[inbox["late"]] and "Ik neem dit op" in rows[inbox["late"]]
    assert "Overdragen" in rows[inbox["late"]]
    colleague = rows[inbox["colleague"]]
    assert "Opgenomen door An De Clercq" in colleague
    assert not re.search(r"Ik neem dit op|Vrijgeven|Overdragen|href=\"/tasks/", colleague)
    assert inbox["secret"] not in rows  # a colleague's task of a confidential process
    assert f'formaction="/tasks/{inbox["late"]}/claim"' in rows[inbox["late"]]
    assert f'formaction="/tasks/{inbox["mine"]}/release"' in rows[inbox["mine"]]
    # one form around the list carries the way back and the CSRF token, not one per row
    assert not any('name="next"' in row or "csrf_token" in row for row in (r.split("</tr>")[0] for r in rows.values()))
    assert '<form method="post">\n  <input type="hidden" name="csrf_token"' in html
    assert 'name="next" value="/inbox?assigned=any&amp;sort=created_at"' in html.split('<table class="table">')[0]


def test_paging_shows_the_total_and_links_that_keep_the_filter(luc, inbox):
    html = page(luc, "/inbox?per_page=2&page=2")
    assert "3–4 van 5" in html and "Pagina 2 van 3" in html
    assert 'href="/inbox?per_page=2&amp;page=1" rel="prev"' in html and 'href="/inbox?per_page=2&amp;page=3"' in html
    assert task_links(html) == [str(inbox["mine"]), str(inbox["later"])]
    beyond = page(luc, "/inbox?per_page=2&page=9")
    assert "Op deze pagina staan geen taken meer." in beyond


@pytest.mark.parametrize(("query", "label", "reason"), [
    ("due=yesterday", "Termijn", "Kies te laat (late), binnen 14 dagen (soon) of zonder termijn (none)."),
    ("process=nope", "Proces", "Onbekend proces."),
    ("page=0", "Pagina", "Geef een paginanummer vanaf 1."),
    ("colour=red", "colour", "Onbekende parameter."),
    ("q=" + "x" * 101, "Zoeken", "Zoek op hoogstens 100 tekens."),
])
def test_a_bad_filter_is_a_422_that_says_why(luc, query, label, reason):
    html = page(luc, f"/inbox?{query}", 422)
    assert "Deze filter klopt niet" in html and f"<li>{label}: {reason}</li>" in html
    assert 'role="search"' in html and "Toon al uw taken" in html and not task_links(html)


def test_the_task_page_says_who_has_it_and_hands_over_to_the_lane_only(luc, inbox):
    html = page(luc, f"/tasks/{inbox['late']}")
    assert "Nog niet opgenomen" in html and "Ik neem dit op" in html and 'id="overdragen"' in html
    assert f'<option value="{OMG_PAPSY_2}">An De Clercq</option>' in html
    assert AWV_PAPSY not in html  # another entity's PAPSY is not offered
    mine = page(luc, f"/tasks/{inbox['mine']}")
    assert "Opgenomen door u" in mine and "Vrijgeven" in mine and "Ik neem dit op" not in mine


# -- saved filters ------------------------------------------------------------------------------------------------

def save(client, name: str, query: str):
    token = csrf_token(page(client, "/inbox"))
    return client.post("/inbox/filters", data={"name": name, "query": query, "csrf_token": token})


def test_save_a_filter_see_it_as_a_link_and_delete_it(luc, store):
    saved = save(luc, "  Te laat bij OMG ", "due=late&entity=OMG&page=3")
    assert (saved.status_code, saved.location) == (302, "/inbox?entity=OMG&due=late")
    html = page(luc, "/inbox?entity=OMG&due=late")
    assert re.search(r'<a href="/inbox\?entity=OMG&amp;due=late" aria-current="true">Te laat bij OMG</a>', html)
    assert "Filter &#39;Te laat bij OMG&#39; bewaard." in html
    filter_id = store.scalar(select(SavedFilter.id).where(SavedFilter.name == "Te laat bij OMG"))
    deleted = luc.post(f"/inbox/filters/{filter_id}/delete", data={"csrf_token": csrf_token(html)})
    assert deleted.status_code == 302 and "Te laat bij OMG</a>" not in page(luc, "/inbox")


@pytest.mark.parametrize(("name", "query", "message"), [
    ("", "due=late", "Geef de filter een naam van 1 tot 60 tekens."),
    ("x" * 61, "due=late", "Geef de filter een naam van 1 tot 60 tekens."),
    ("Naam", "due=gisteren", "Deze filter klopt niet; kies hem opnieuw in de takenlijst."),
    ("Naam", "process=nope", "Deze filter klopt niet; kies hem opnieuw in de takenlijst."),
    ("alles", "due=late", "U hebt al een filter met deze naam."),
])
def test_a_bad_filter_name_or_query_is_refused_with_a_message(luc, store, name, query, message):
    saved_filters.save(store, user(store, OMG_PAPSY), "Alles", "assigned=any")
    store.commit()
    response = save(luc, name, query)
    assert response.status_code == 302
    assert message in page(luc, "/inbox").replace("&#39;", "'")
    assert store.scalars(select(SavedFilter.name)).all() == ["Alles"]


def test_at_most_twenty_filters(luc, store):
    luc_user = user(store, OMG_PAPSY)
    for number in range(20):
        saved_filters.save(store, luc_user, f"Filter {number}", f"q=f{number}")
    store.commit()
    save(luc, "Nog een", "due=late")
    assert "U bewaarde al 20 filters; verwijder er eerst een." in page(luc, "/inbox")
    assert len(store.scalars(select(SavedFilter.id)).all()) == 20


def test_another_users_filter_is_not_found(client, store, inbox):
    theirs = saved_filters.save(store, user(store, OMG_PAPSY_2), "Van An", "due=late").id
    store.commit()
    login(client, OMG_PAPSY)
    html = page(client, "/inbox")
    assert "Van An" not in html
    assert client.post(f"/inbox/filters/{theirs}/delete", data={"csrf_token": csrf_token(html)}).status_code == 404
    assert store.get(SavedFilter, theirs) is not None


def test_r9_a_task_open_to_the_whole_lane_is_listed_to_every_papsy_and_counted_once(luc, store, inbox):
    from datetime import timedelta

    from app.clock import now
    from app.models import Task

    store.get(Task, inbox["awv"]).open_to_lane_at = now() + timedelta(days=1)  # not yet open to all
    store.get(Task, inbox["late"]).open_to_lane_at = now() - timedelta(days=1)  # their own entity's, and open
    store.commit()
    html = page(luc, "/inbox")
    assert "5 taken wachten op u" in html and str(inbox["awv"]) not in task_links(html)
    store.get(Task, inbox["awv"]).open_to_lane_at = now() - timedelta(hours=1)
    store.commit()
    html = page(luc, "/inbox")
    assert "6 taken wachten op u" in html and re.search(r'aria-current="true">Te doen <span class="choices__count">\(6\)',
                                                        html)
    assert task_links(html).count(str(inbox["awv"])) == 1 and task_links(html).count(str(inbox["late"])) == 1
    assert re.search(r'>Te laat <span class="choices__count">\(2\)', html)


def test_every_text_of_a_row_is_escaped(luc, store, inbox):
    from app.models import Task, User

    attack = '"><img src=x onerror=alert(1)>'
    store.get(Task, inbox["late"]).subject = attack
    store.get(Task, inbox["soon"]).title = attack
    store.get(User, inbox["colleague_id"]).name = attack
    store.commit()
    html = page(luc, "/inbox?assigned=any")
    assert "<img" not in html and "onerror=alert(1)&gt;" in html
    assert html.count("&#34;&gt;&lt;img src=x onerror=alert(1)&gt;") >= 3  # subject, step name, who has it
