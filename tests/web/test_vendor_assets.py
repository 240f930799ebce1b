"""The browser libraries come from node_modules, file by file: only the files app/assets.py names are served."""
from __future__ import annotations

import pytest


def test_a_named_library_is_served_with_its_type(client):
    response = client.get("/vendor/bpmn-modeler.js")
    body = response.get_data()
    response.close()
    assert response.status_code == 200
    assert response.mimetype in ("text/javascript", "application/javascript")
    assert b"BpmnJS" in body


@pytest.mark.parametrize("name", ["../package.json", "bpmn-js/package.json", "bpmn-js/dist/bpmn-modeler.development.js",
                                  "%2e%2e/package-lock.json", "axe-core/axe.min.js"])
def test_nothing_else_of_node_modules_is_reachable(client, name):
    assert client.get(f"/vendor/{name}").status_code == 404
