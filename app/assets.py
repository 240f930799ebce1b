"""Browser libraries installed from npm (``npm ci``, never committed), served to the admin's modeler and the
instance diagrams. Only the files named here are reachable: ``/vendor/<name>`` never walks node_modules."""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, send_from_directory

bp = Blueprint("assets", __name__)

# name in the URL → path under node_modules
VENDOR_FILES: dict[str, str] = {
    "bpmn-modeler.js": "bpmn-js/dist/bpmn-modeler.production.min.js",
    "bpmn-viewer.js": "bpmn-js/dist/bpmn-navigated-viewer.production.min.js",
    "diagram-js.css": "bpmn-js/dist/assets/diagram-js.css",
    "bpmn-js.css": "bpmn-js/dist/assets/bpmn-js.css",
    "bpmn-font/css/bpmn-embedded.css": "bpmn-js/dist/assets/bpmn-font/css/bpmn-embedded.css",
    "dmn-modeler.js": "dmn-js/dist/dmn-modeler.production.min.js",
    "dmn-js-shared.css": "dmn-js/dist/assets/dmn-js-shared.css",
    "dmn-js-drd.css": "dmn-js/dist/assets/dmn-js-drd.css",
    "dmn-js-decision-table.css": "dmn-js/dist/assets/dmn-js-decision-table.css",
    "dmn-js-decision-table-controls.css": "dmn-js/dist/assets/dmn-js-decision-table-controls.css",
    "dmn-js-literal-expression.css": "dmn-js/dist/assets/dmn-js-literal-expression.css",
    "dmn-font/css/dmn-embedded.css": "dmn-js/dist/assets/dmn-font/css/dmn-embedded.css",
    "properties-panel.js": "bpmn-js-properties-panel/dist/bpmn-js-properties-panel.umd.js",
    "properties-panel.css": "@bpmn-io/properties-panel/dist/assets/properties-panel.css",
    # The icon fonts as files: the page's CSP (default-src 'self') refuses the fonts the *-embedded.css carry as data:
    "bpmn-font/css/bpmn.css": "bpmn-js/dist/assets/bpmn-font/css/bpmn.css",
    "bpmn-font/font/bpmn.woff2": "bpmn-js/dist/assets/bpmn-font/font/bpmn.woff2",
    "bpmn-font/font/bpmn.woff": "bpmn-js/dist/assets/bpmn-font/font/bpmn.woff",
    "dmn-font/css/dmn.css": "dmn-js/dist/assets/dmn-font/css/dmn.css",
    "dmn-font/font/dmn.woff2": "dmn-js/dist/assets/dmn-font/font/dmn.woff2",
    "dmn-font/font/dmn.woff": "dmn-js/dist/assets/dmn-font/font/dmn.woff",
}


def vendor_dir() -> Path:
    return Path(current_app.config.get("VENDOR_DIR") or Path(current_app.root_path).parent / "node_modules")


@bp.get("/vendor/<path:name>")
def vendor(name: str):
    relative = VENDOR_FILES.get(name)
    if relative is None or not (vendor_dir() / relative).is_file():
        abort(404)
    response = send_from_directory(vendor_dir(), relative, max_age=3600)
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response
