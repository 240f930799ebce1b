"""The OpenAPI 3.1 document served at /api/v1/openapi.json."""
from __future__ import annotations

_ERROR = {"type": "object", "properties": {"error": {"type": "string"}}}
_FIELD_ERRORS = {"type": "object", "properties": {
    "error": {"type": "string"}, "errors": {"type": "object", "additionalProperties": {"type": "string"}}}}
_TASK = {"type": "object", "properties": {
    "id": {"type": "integer"}, "instance_id": {"type": "integer"}, "process": {"type": "string"},
    "step": {"type": "string"}, "role": {"type": "string"}, "entity": {"type": "string"},
    "state": {"type": "string", "enum": ["ready", "completed", "cancelled"]},
    "since": {"type": "string", "format": "date-time"}, "due_at": {"type": ["string", "null"], "format": "date-time"},
    "subject": {"type": ["string", "null"]}, "model": {"type": "string"},
    "assignee": {"oneOf": [{"type": "null"}, {"type": "object", "properties": {
        "email": {"type": "string"}, "name": {"type": "string"}}}]}}}
_INSTANCE = {"type": "object", "properties": {
    "id": {"type": "integer"}, "status": {"type": "string", "enum": ["running", "completed", "incident", "cancelled", "suspended"]},
    "model": {"type": "string"}, "version": {"type": "integer"}, "entity": {"type": "string"},
    "subject": {"type": ["string", "null"]}, "started_at": {"type": "string", "format": "date-time"},
    "completed_at": {"type": ["string", "null"], "format": "date-time"},
    "open_tasks": {"type": "array", "items": {"$ref": "#/components/schemas/Task"}},
    "pending_timers": {"type": "array", "items": {"type": "object", "properties": {
        "id": {"type": "integer"}, "step": {"type": "string"}, "due_at": {"type": "string", "format": "date-time"},
        "state": {"type": "string"}}}},
    "history": {"type": "array", "items": {"type": "object", "properties": {
        "at": {"type": "string", "format": "date-time"}, "kind": {"type": "string"},
        "step": {"type": ["string", "null"]}, "by": {"type": ["string", "null"]}}}}}}

_STATUS = {"type": "string", "enum": ["running", "completed", "incident", "cancelled", "suspended"]}
_INSTANCE_SUMMARY = {
    "type": "object", "required": ["id", "status", "model", "version", "entity", "subject", "started_at"],
    "properties": {
        "id": {"type": "integer"}, "status": _STATUS, "model": {"type": "string"}, "version": {"type": "integer"},
        "entity": {"type": "string"}, "subject": {"type": ["string", "null"]},
        "started_at": {"type": "string", "format": "date-time"},
        "completed_at": {"type": ["string", "null"], "format": "date-time"}, "incident": {"type": ["string", "null"]}}}
_INSTANCE_STATUS = {
    "type": "object", "description": "A confidential instance the caller takes no part in (an admin sees it exists)",
    "required": ["id", "status", "model"],
    "properties": {"id": {"type": "integer"}, "status": _STATUS, "model": {"type": "string"},
                   "incident": {"type": ["string", "null"]}}}
_MODEL_VERSION = {"type": "object", "properties": {
    "model": {"type": "string"}, "version": {"type": "integer"}, "current": {"type": "boolean"},
    "created_at": {"type": "string", "format": "date-time"}, "created_by": {"type": ["string", "null"]},
    "comment": {"type": ["string", "null"]}, "checksum": {"type": "string"}}}
_MIGRATION_RUN = {"type": "object", "properties": {
    "id": {"type": "integer"}, "model": {"type": "string"}, "from_version": {"type": "integer"},
    "to_version": {"type": "integer"}, "dry_run": {"type": "boolean"}, "total": {"type": "integer"},
    "done": {"type": "integer"}, "moved": {"type": "integer"}, "possible": {"type": "integer"},
    "refused": {"type": "integer"}, "failed": {"type": "integer"}, "finished": {"type": "boolean"},
    "created_at": {"type": "string", "format": "date-time"}, "finished_at": {"type": ["string", "null"]},
    "filters": {"type": ["object", "null"], "additionalProperties": {"type": "string"},
                "description": "The instance list's filters that chose the instances, with the zone of their days"},
    "results": {"type": "array", "items": {"type": "object", "properties": {
        "instance": {"type": "integer"}, "outcome": {"enum": ["moved", "possible", "refused", "failed"]},
        "reasons": {"type": "array", "items": {"type": "string"}}}}}}}
_RUN_FILTERS = {"type": "object", "description": "Only the instances the instance list's filters choose (each a string "
                "as in its query)", "additionalProperties": False, "properties": {
                    name: {"type": "string"} for name in ("entity", "status", "started_from", "started_to",
                                                          "incident")}}
_LIST_PARAMETERS = [
    {"name": "model", "in": "query", "schema": {"type": "string"}, "description": "A process model's key"},
    {"name": "status", "in": "query", "schema": _STATUS},
    {"name": "entity", "in": "query", "schema": {"type": "string"}, "description": "An entity's code"},
    {"name": "started_from", "in": "query", "schema": {"type": "string", "format": "date"},
     "description": "Started on or after this day (Europe/Brussels)"},
    {"name": "started_to", "in": "query", "schema": {"type": "string", "format": "date"},
     "description": "Started on or before this day (Europe/Brussels)"},
    {"name": "q", "in": "query", "schema": {"type": "string", "maxLength": 200},
     "description": "Text in the subject, any case; never matches a confidential instance the caller takes no part in"},
    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1000000, "default": 1}},
    {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 200, "default": 50}},
    {"name": "version", "in": "query", "schema": {"type": "integer", "minimum": 1},
     "description": "A version of the process named by model (required with it)"},
    {"name": "incident", "in": "query", "schema": {"enum": ["1", "true"]},
     "description": "Only instances with an incident (a failed timer), whatever their status"},
]


def _json(schema: dict | str) -> dict:
    if isinstance(schema, str):
        schema = {"$ref": f"#/components/schemas/{schema}"}
    return {"content": {"application/json": {"schema": schema}}}


def _responses(ok: tuple[int, str, dict | str], *errors: int) -> dict:
    texts = {401: "No bearer token, or an invalid, expired or revoked one",
             403: "Not allowed for the caller (for /confidants: a status other than active, or all, asked by "
                  "someone outside the GDPB)", 404: "Not found",
             409: "The task is no longer ready, someone else saved first, or a colleague has the task",
             422: "Invalid input; errors per field (for /tasks: per query parameter)",
             503: "The database is out of reach for a moment (a restart): nothing was saved; try again after the "
                  "Retry-After header's seconds"}
    responses = {str(ok[0]): {"description": ok[1], **_json(ok[2])}}
    for status in (401, *errors, 503):
        responses[str(status)] = {"description": texts[status], **_json("FieldErrors" if status == 422 else "Error")}
    return responses


_ID = {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}
_TASK_QUERY = [
    {"name": "process", "in": "query", "schema": {"type": "string"}, "description": "A process model's key"},
    {"name": "entity", "in": "query", "schema": {"type": "string"}, "description": "An entity's code"},
    {"name": "due", "in": "query", "schema": {"type": "string", "enum": ["late", "soon", "none"]},
     "description": "late: past its due time; soon: due within 14 days; none: no due time"},
    {"name": "assigned", "in": "query", "schema": {"type": "string", "enum": ["me", "unassigned", "any"]},
     "description": "Absent: the caller's tasks and those nobody has; any: also those a colleague has"},
    {"name": "q", "in": "query", "schema": {"type": "string", "maxLength": 100},
     "description": "Case-insensitive text in the step name or the instance's subject"},
    {"name": "sort", "in": "query", "schema": {"type": "string", "default": "due_at", "enum": [
        "due_at", "-due_at", "created_at", "-created_at", "process", "-process", "entity", "-entity"]}},
    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "default": 1},
     "description": "Pages reach 10,000 tasks deep; narrow the filter to go further"},
    {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 200, "default": 50}},
    {"name": "version", "in": "query", "schema": {"type": "integer", "minimum": 1},
     "description": "A version of the process named by model (required with it)"},
    {"name": "incident", "in": "query", "schema": {"enum": ["1", "true"]},
     "description": "Only instances with an incident (a failed timer), whatever their status"},
]

_SCENARIOS = {"type": "object", "additionalProperties": {"type": "object"},
              "description": "Scenario tests by name (README: How to add a process); absent: the current version's"}
_ELEMENT_MESSAGES = {"type": "array", "items": {"type": "object", "required": ["element", "message"], "properties": {
    "element": {"type": ["string", "null"]}, "message": {"type": "string"}}}}
_CHECK_REPORT = {"type": "object", "required": ["errors", "warnings", "scenarios"], "properties": {
    "errors": _ELEMENT_MESSAGES, "warnings": _ELEMENT_MESSAGES,
    "scenarios": {"type": "array", "items": {"type": "object", "required": ["name", "passed", "message", "path"],
                                             "properties": {"name": {"type": "string"}, "passed": {"type": "boolean"},
                                                            "message": {"type": "string"},
                                                            "path": {"type": "array", "items": {"type": "string"}}}}}}}

_ROSTER_ENTRY = {"type": "object", "properties": {
    "name": {"type": "string"}, "email": {"type": "string"}, "entity": {"type": "string"},
    "entity_name": {"type": "string"}, "status": {"type": "string", "enum": ["active", "inactive", "former"]},
    "appointed_on": {"type": "string", "format": "date"}, "phone": {"type": ["string", "null"]},
    "work_location": {"type": ["string", "null"]},
    "inactive_from": {"type": ["string", "null"], "format": "date",
                      "description": "GDPB only: the inactivity period the confidant is in, or the next one planned"},
    "inactive_until": {"type": ["string", "null"], "format": "date", "description": "GDPB only: its last day"},
    "ended_on": {"type": ["string", "null"], "format": "date", "description": "GDPB only: a former confidant's end "
                                                                              "of the role"},
    "training_status": {"type": "string", "enum": ["certified", "role_ended", "overdue", "due", "unknown",
                                                      "not_applicable"],
                        "description": "GDPB only: the basic training (within 2 years of the appointment; "
                                       "not_applicable for a former confidant without it)"},
    "training_date": {"type": ["string", "null"], "format": "date",
                      "description": "GDPB only: certified on, role ended on, overdue since, or due by"}}}
_PUBLISHED_LIST = {"type": "object", "required": ["confidants", "entity", "updated_at"], "properties": {
    "confidants": {"type": "array", "items": {"type": "object", "properties": {
        "name": {"type": "string"}, "entity": {"type": "string"}, "entity_name": {"type": "string"},
        "email": {"type": "string"}, "phone": {"type": ["string", "null"]},
        "work_location": {"type": ["string", "null"]}}}},
    "entity": {"type": ["string", "null"], "description": "The entity asked for, or null for every entity"},
    "updated_at": {"type": ["string", "null"], "format": "date-time",
                   "description": "When any confidant last changed (also one who left the list), UTC"}}}
_PUBLIC_FEED = ("Only the active confidants, and of them only the published fields; a confidant who becomes "
                "inactive, returns or leaves changes it at once. No token, no cookie; CORS for any origin. Poll with "
                "If-None-Match (the ETag, a hash of the exact bytes) or If-Modified-Since: an unchanged list is a "
                "304 (Cache-Control: public, no-cache: keep it, but ask again before using it).")
_PUBLIC_ENTITY = {"name": "entity", "in": "query", "schema": {"type": "string"},
                  "description": "An entity's code: only its confidants"}
_IF_NONE_MATCH = {"name": "If-None-Match", "in": "header", "schema": {"type": "string"}}
_IF_MODIFIED_SINCE = {"name": "If-Modified-Since", "in": "header", "schema": {"type": "string"}}
_FEED_HEADERS = {name: {"schema": {"type": "string"}} for name in ("ETag", "Last-Modified", "Cache-Control")}

OPENAPI = {
    "openapi": "3.1.0",
    "info": {"title": "Vertrouwd API", "version": "1",
             "description": "Processes, tasks and the roster of the confidants' network. "
                            "Authenticate with `Authorization: Bearer <token>` "
                            "(`vertrouwd token create EMAIL [--days N]`; a token expires, after 90 days by default, "
                            "and opens no confidential dossier content). The API speaks Dutch: process and step "
                            "names, form schemas and messages are the models' and the platform's Dutch texts (the "
                            "web pages show them in the user's language)."},
    "servers": [{"url": "/api/v1"}],
    "security": [{"bearer": []}],
    "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        "schemas": {"Error": _ERROR, "FieldErrors": _FIELD_ERRORS, "Task": _TASK, "Instance": _INSTANCE,
                    "InstanceSummary": _INSTANCE_SUMMARY, "InstanceStatus": _INSTANCE_STATUS},
    },
    "paths": {
        "/process-models": {"get": {
            "summary": "Process models with their start form and the roles that may start them",
            "responses": _responses((200, "The models", {"type": "object", "properties": {"process_models": {
                "type": "array", "items": {"type": "object", "properties": {
                    "key": {"type": "string"}, "name": {"type": "string"}, "version": {"type": "integer"},
                    "start_form": {"type": ["object", "null"]},
                    "start_roles": {"type": "array", "items": {"type": "string"}}}}}}}))}},
        "/process-models/{key}/versions": {
            "parameters": [{"name": "key", "in": "path", "required": True, "schema": {"type": "string"}}],
            "get": {
                "summary": "Every version of a process model, the newest first (admins)",
                "responses": _responses((200, "The versions", {"type": "object", "properties": {
                    "versions": {"type": "array", "items": _MODEL_VERSION}}}), 403, 404)},
            "post": {
                "summary": "Deploy a new version (admins): the BPMN, and the decisions and forms that change; the "
                           "current version's other files and forms stay. Running instances stay on their version",
                "requestBody": {"required": True, **_json({"type": "object", "required": ["bpmn"], "properties": {
                    "bpmn": {"type": "string", "description": "The BPMN XML that defines the process {key}"},
                    "dmn": {"type": "object", "additionalProperties": {"type": "string"},
                            "description": "Decision files by name: their DMN XML"},
                    "forms": {"type": "object", "additionalProperties": {"type": "object"},
                              "description": "Forms by name: their JSON Schema (or {schema, ui})"},
                    "comment": {"type": "string", "maxLength": 500},
                    "scenarios": _SCENARIOS}})},
                "responses": {
                    "201": {"description": "The new version", **_json(_MODEL_VERSION)},
                    "200": {"description": "Nothing changed: the current version", **_json(_MODEL_VERSION)},
                    "401": _responses((200, "", {}))["401"],
                    "403": {"description": "Not an admin", **_json("Error")},
                    "422": {"description": "The model is refused whole: each problem with the BPMN id of its element "
                                           "(null when it has none); a malformed body gets errors per field instead",
                            **_json({"type": "object", "properties": {"error": {"type": "string"}, "errors": {
                                "anyOf": [{"type": "array", "items": {"type": "object", "properties": {
                                    "element": {"type": ["string", "null"]}, "message": {"type": "string"}}}},
                                          {"type": "object", "additionalProperties": {"type": "string"}}]}}})}}}},
        "/process-models/{key}/checks": {
            "parameters": [{"name": "key", "in": "path", "required": True, "schema": {"type": "string"}}],
            "post": {
                "summary": "Check a version before deploying it (admins): the same body as a deploy; nothing is "
                           "stored. Problems block a deploy, warnings do not; each scenario is run (in a transaction "
                           "that is rolled back) and a failed one is also a problem",
                "requestBody": {"required": True, **_json({"type": "object", "required": ["bpmn"], "properties": {
                    "bpmn": {"type": "string"}, "dmn": {"type": "object", "additionalProperties": {"type": "string"}},
                    "forms": {"type": "object", "additionalProperties": {"type": "object"}},
                    "comment": {"type": "string", "maxLength": 500}, "scenarios": _SCENARIOS}})},
                "responses": {"200": {"description": "The report", **_json(_CHECK_REPORT)},
                              **{key: value for key, value in _responses((200, "", {}), 403, 422).items()
                                 if key != "200"}}}},
        "/process-models/{key}/migrations": {
            "parameters": [{"name": "key", "in": "path", "required": True, "schema": {"type": "string"}}],
            "post": {
                "summary": "Move every running instance of one version to another (admins), as a job; a dry run "
                           "unless dry_run is false. The same request while an earlier run is unfinished continues it",
                "requestBody": {"required": True, **_json({"type": "object", "required": ["from_version", "to_version"],
                                                           "properties": {"from_version": {"type": "integer"},
                                                                          "to_version": {"type": "integer"},
                                                                          "dry_run": {"type": "boolean",
                                                                                      "default": True},
                                                                          "filters": _RUN_FILTERS}})},
                "responses": {"202": {"description": "The run, queued", **_json(_MIGRATION_RUN)},
                              **{key: value for key, value in _responses((200, "", {}), 403, 422).items()
                                 if key != "200"}}}},
        "/migrations/{id}": {"parameters": [_ID], "get": {
            "summary": "A bulk migration's progress and what became of each instance so far (admins)",
            "responses": _responses((200, "The run", _MIGRATION_RUN), 403, 404)}},
        "/process-instances/{id}/suspend": {"parameters": [_ID], "post": {
            "summary": "Suspend a running instance (admins): its tasks answer 409, its timers are held",
            "responses": _responses((200, "The instance", "InstanceStatus"), 403, 404, 409)}},
        "/process-instances/{id}/resume": {"parameters": [_ID], "post": {
            "summary": "Resume a suspended instance (admins): held timers wait again, overdue ones fire at once",
            "responses": _responses((200, "The instance", "InstanceStatus"), 403, 404, 409)}},
        "/process-instances/{id}/terminate": {"parameters": [_ID], "post": {
            "summary": "Terminate an instance with a reason (admins): open tasks and timers are cancelled",
            "requestBody": {"required": True, **_json({"type": "object", "required": ["reason"], "properties": {
                "reason": {"type": "string", "maxLength": 500}}})},
            "responses": _responses((200, "The instance", "InstanceStatus"), 403, 404, 409, 422)}},
        "/process-instances/{id}/migrate": {"parameters": [_ID], "post": {
            "summary": "Move an instance to another version of its process (admins); a dry run unless dry_run is "
                       "false. Refused (409) when a completed or started step was changed or removed",
            "requestBody": {"required": True, **_json({"type": "object", "required": ["version"], "properties": {
                "version": {"type": "integer", "minimum": 1}, "dry_run": {"type": "boolean", "default": True}}})},
            "responses": _responses((200, "What changes (and whether it moved)", {"type": "object", "properties": {
                "instance": {"type": "integer"}, "from_version": {"type": "integer"},
                "to_version": {"type": "integer"}, "possible": {"type": "boolean"}, "migrated": {"type": "boolean"},
                **{name: {"type": "array", "items": {"type": "string"}}
                   for name in ("blockers", "removed", "changed", "added")}}}), 403, 404, 409, 422)}},
        "/process-instances": {"get": {
            "summary": "The instances the caller may see, newest first, filtered and paged; a bad parameter is 422",
            "parameters": _LIST_PARAMETERS,
            "responses": _responses((200, "One page", {"type": "object", "properties": {
                "items": {"type": "array", "items": {"anyOf": [{"$ref": "#/components/schemas/InstanceSummary"},
                                                               {"$ref": "#/components/schemas/InstanceStatus"}]}},
                "total": {"type": "integer"}, "page": {"type": "integer"}, "per_page": {"type": "integer"}}}), 422)},
                               "post": {
            "summary": "Start a process for an entity with the start form's data",
            "requestBody": {"required": True, **_json({"type": "object", "required": ["model", "entity", "data"],
                                                       "properties": {"model": {"type": "string"},
                                                                      "entity": {"type": "string"},
                                                                      "data": {"type": "object"}}})},
            "responses": _responses((201, "Started", "Instance"), 403, 422)}},
        "/process-instances/{id}": {"get": {
            "summary": "Status, open tasks, pending timers and history of an instance",
            "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}],
            "responses": _responses((200, "The instance", "Instance"), 403, 404)}},
        "/tasks": {"get": {
            "summary": "The caller's inbox: by default the tasks they may act on now (theirs, or offered to their "
                       "lane), filtered, sorted and paged",
            "parameters": _TASK_QUERY,
            "responses": _responses((200, "One page of tasks and their total", {
                "type": "object", "required": ["items", "total", "page", "per_page"], "properties": {
                    "items": {"type": "array", "items": {"$ref": "#/components/schemas/Task"}},
                    "total": {"type": "integer"}, "page": {"type": "integer"}, "per_page": {"type": "integer"}}}),
                422)}},
        "/tasks/{id}": {"get": {
            "summary": "A task with its form's JSON Schema",
            "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}],
            "responses": _responses((200, "The task", {"allOf": [{"$ref": "#/components/schemas/Task"}, {
                "type": "object", "properties": {"form": {"type": ["object", "null"]}}}]}), 403, 404)}},
        "/tasks/{id}/complete": {"post": {
            "summary": "Complete a task with its form's data",
            "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}],
            "requestBody": {"required": True, **_json({"type": "object", "properties": {"data": {"type": "object"}}})},
            "responses": _responses((200, "Completed; the instance after it", "Instance"), 403, 404, 409, 422)}},
        "/tasks/{id}/claim": {"post": {
            "summary": "Take a task offered to the caller's lane: it becomes the caller's alone",
            "parameters": [_ID],
            "responses": _responses((200, "Claimed (or already the caller's); the task", "Task"), 403, 404, 409)}},
        "/tasks/{id}/release": {"post": {
            "summary": "Give back a task the caller took or was handed: it is offered to its lane again",
            "parameters": [_ID],
            "responses": _responses((200, "Released; the task", "Task"), 403, 404, 409)}},
        "/tasks/{id}/assign": {"post": {
            "summary": "Hand a task (the caller's, or one nobody has) to a colleague of its lane and scope, "
                       "who is told by mail",
            "parameters": [_ID],
            "requestBody": {"required": True, **_json({"type": "object", "required": ["user"], "properties": {
                "user": {"type": "string", "format": "email"}}})},
            "responses": _responses((200, "Handed over; the task", "Task"), 403, 404, 409, 422)}},
        "/confidants": {"get": {
            "summary": "The roster: name, e-mail, entity, status, appointed on, and the published phone and work "
                       "location; for the GDPB (PAPSY, admins) also the inactivity period, the end of the role and the "
                       "basic training",
            "description": "status: one status, or all of them (`all`, the GDPB only); absent, every status the "
                           "caller may list (the active confidants for everyone outside the GDPB). Asking another "
                           "status than active, or `all`, from outside the GDPB is refused (403), never narrowed.",
            "parameters": [
                {"name": "status", "in": "query",
                 "schema": {"type": "string", "enum": ["active", "inactive", "former", "all"]}},
                {"name": "entity", "in": "query", "schema": {"type": "string"}, "description": "An entity's code"}],
            "responses": _responses((200, "The confidants, by entity and name", {
                "type": "object", "properties": {"confidants": {"type": "array", "items": _ROSTER_ENTRY}}}),
                403, 422)}},
        "/public/confidants": {"get": {
            "summary": "The published list of active confidants (R14), without a token: for the intranet",
            "description": _PUBLIC_FEED,
            "security": [],
            "parameters": [_PUBLIC_ENTITY, _IF_NONE_MATCH, _IF_MODIFIED_SINCE],
            "responses": {
                "200": {"description": "The list", "headers": _FEED_HEADERS, **_json(_PUBLISHED_LIST)},
                "304": {"description": "Unchanged since the ETag or date the caller sent: no body",
                        "headers": _FEED_HEADERS},
                "422": {"description": "Unknown entity", **_json("FieldErrors")},
                "503": _responses((200, "", {}))["503"]}}},
        "/public/confidants.csv": {"get": {
            "summary": "The same list as CSV for spreadsheets, without a token: UTF-8 with a byte order mark, "
                       "semicolon-separated (as Excel in Dutch (Belgium) opens it), CRLF; a header row (Naam, "
                       "Entiteit, Code entiteit, E-mail, Telefoon, Werkplaats)",
            "description": _PUBLIC_FEED,
            "security": [],
            "parameters": [_PUBLIC_ENTITY, _IF_NONE_MATCH, _IF_MODIFIED_SINCE],
            "responses": {
                "200": {"description": "The list", "headers": _FEED_HEADERS,
                        "content": {"text/csv": {"schema": {"type": "string"}}}},
                "304": {"description": "Unchanged since the ETag or date the caller sent: no body",
                        "headers": _FEED_HEADERS},
                "422": {"description": "Unknown entity", **_json("FieldErrors")},
                "503": _responses((200, "", {}))["503"]}}},
        "/openapi.json": {"get": {"summary": "This document", "security": [],
                                  "responses": {"200": {"description": "OpenAPI 3.1"}}}},
    },
}
