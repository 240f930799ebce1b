// The modeler's own panel (beside bpmn-js's properties panel): what SpiffWorkflow and Vertrouwd read from the diagram.
// A lane's role, a user task's form and instructions, scripts, timers, the decision of a business rule task, the
// service of a service task, a flow's condition and the process's visibility. Every change goes through bpmn-js's
// modeling commands, so undo works and the XML it saves carries it (spiffworkflow.json describes the extensions).
(function () {
  "use strict";
  var NS = (window.VertrouwdModeler = window.VertrouwdModeler || {});
  var TIMER_KINDS = ["timeDuration", "timeDate", "timeCycle"];

  NS.createOwnPanel = function (modeler, container, settings, choices, text) {
    var modeling = modeler.get("modeling");
    var moddle = modeler.get("moddle");
    var canvas = modeler.get("canvas");
    var shown = null;

    function values(bo) {
      return (bo.extensionElements && bo.extensionElements.get("values")) || [];
    }

    function extension(bo, type) {
      return values(bo).filter(function (value) { return value.$instanceOf(type); })[0];
    }

    function setExtensions(element, bo, list) {
      if (!bo.extensionElements) {
        var created = moddle.create("bpmn:ExtensionElements", { values: [] });
        created.$parent = bo;
        modeling.updateModdleProperties(element, bo, { extensionElements: created });
      }
      list.forEach(function (value) { value.$parent = bo.extensionElements; });
      modeling.updateModdleProperties(element, bo.extensionElements, { values: list });
    }

    function setBody(element, bo, type, value) {
      var existing = extension(bo, type);
      if (existing && value) {
        modeling.updateModdleProperties(element, existing, { value: value });
      } else if (existing) {
        setExtensions(element, bo, values(bo).filter(function (item) { return item !== existing; }));
      } else if (value) {
        setExtensions(element, bo, values(bo).concat([moddle.create(type, { value: value })]));
      }
    }

    function property(bo, name) {
      var properties = extension(bo, "spiffworkflow:Properties");
      var found = properties && (properties.get("properties") || []).filter(function (p) { return p.name === name; })[0];
      return found ? found.value : "";
    }

    function setProperty(element, bo, name, value) {
      var properties = extension(bo, "spiffworkflow:Properties");
      if (!properties) {
        if (!value) { return; }
        properties = moddle.create("spiffworkflow:Properties", { properties: [] });
        setExtensions(element, bo, values(bo).concat([properties]));
      }
      var list = properties.get("properties");
      var found = list.filter(function (p) { return p.name === name; })[0];
      if (found && value) {
        modeling.updateModdleProperties(element, found, { value: value });
      } else if (found) {
        var others = list.filter(function (p) { return p !== found; });
        modeling.updateModdleProperties(element, properties, { properties: others });
      } else if (value) {
        var created = moddle.create("spiffworkflow:Property", { name: name, value: value });
        created.$parent = properties;
        modeling.updateModdleProperties(element, properties, { properties: list.concat([created]) });
      }
    }

    // ---- Controls: each a label and its input, with an id the label points at ----

    function field(id, label, control) {
      var wrapper = document.createElement("div");
      wrapper.className = "own-field";
      var labelElement = document.createElement("label");
      labelElement.htmlFor = control.id = "own-" + id;
      labelElement.textContent = label;
      wrapper.appendChild(labelElement);
      wrapper.appendChild(control);
      container.appendChild(wrapper);
      return control;
    }

    function select(id, label, options, current, onChange) {
      var control = document.createElement("select");
      options.forEach(function (option) {
        var item = document.createElement("option");
        item.value = option[0];
        item.textContent = option[1];
        item.selected = option[0] === current;
        control.appendChild(item);
      });
      if (current && !options.some(function (option) { return option[0] === current; })) {
        var other = document.createElement("option");
        other.value = current;
        other.textContent = text("otherRole", { name: current });
        other.selected = true;
        control.appendChild(other);
      }
      control.addEventListener("change", function () { onChange(control.value); });
      return field(id, label, control);
    }

    function textInput(id, label, current, onChange, lines) {
      var control = document.createElement(lines ? "textarea" : "input");
      if (lines) {
        control.rows = lines;
        control.className = "own-field__code";
      } else {
        control.type = "text";
      }
      control.value = current || "";
      control.spellcheck = false;
      control.addEventListener("change", function () { onChange(control.value.trim() ? control.value : ""); });
      return field(id, label, control);
    }

    function heading(words) {
      var title = document.createElement("h3");
      title.className = "own-panel__element";
      title.textContent = words;
      container.appendChild(title);
    }

    // ---- What each kind of element gets ----

    function laneFields(element, bo) {
      select("role", text("role"), settings.roles, bo.name || "", function (role) {
        modeling.updateProperties(element, { name: role });
      });
    }

    function userTaskFields(element, bo) {
      var schema = property(bo, "formJsonSchemaFilename").replace(/\.schema\.json$/, "");
      var options = [["", text("noForm")]].concat(choices.forms().map(function (name) { return [name, name]; }));
      select("form", text("form"), options, schema, function (name) {
        setProperty(element, bo, "formJsonSchemaFilename", name ? name + ".schema.json" : "");
        setProperty(element, bo, "formUiSchemaFilename", name ? name + ".uischema.json" : "");
      });
      var instructions = extension(bo, "spiffworkflow:InstructionsForEndUser");
      textInput("instructions", text("instructions"), instructions && instructions.value, function (value) {
        setBody(element, bo, "spiffworkflow:InstructionsForEndUser", value);
      }, 4);
    }

    function serviceFields(element, bo) {
      var operator = extension(bo, "spiffworkflow:ServiceTaskOperator");
      var options = [["", text("noService")]].concat(settings.services.map(function (name) { return [name, name]; }));
      function operatorWith(changes) {
        if (operator) {
          modeling.updateModdleProperties(element, operator, changes);
        } else {
          operator = moddle.create("spiffworkflow:ServiceTaskOperator", changes);
          setExtensions(element, bo, values(bo).concat([operator]));
        }
      }
      select("service", text("service"), options, operator ? operator.id : "", function (name) {
        operatorWith({ id: name || undefined });
      });
      textInput("result", text("resultVariable"), operator && operator.resultVariable, function (value) {
        operatorWith({ resultVariable: value || undefined });
      });
    }

    function decisionFields(element, bo) {
      var called = extension(bo, "spiffworkflow:CalledDecisionId");
      var options = [["", text("noDecision")]].concat(choices.decisions());
      select("decision", text("decision"), options, called ? called.value : "", function (id) {
        setBody(element, bo, "spiffworkflow:CalledDecisionId", id);
      });
    }

    function scriptFields(element, bo) {
      textInput("script", text("script"), bo.script, function (value) {
        modeling.updateProperties(element, { script: value || undefined, scriptFormat: "python" });
      }, 8);
    }

    function scriptsAround(element, bo) {
      ["preScript", "postScript"].forEach(function (kind) {
        var type = "spiffworkflow:" + kind.charAt(0).toUpperCase() + kind.slice(1);
        var found = extension(bo, type);
        textInput(kind, text(kind), found && found.value, function (value) { setBody(element, bo, type, value); }, 3);
      });
    }

    function timerFields(element, definition) {
      var kind = TIMER_KINDS.filter(function (name) { return definition[name]; })[0] || "timeDuration";
      var expression = textInput("timer", text("timerExpression"), definition[kind] && definition[kind].body, write);
      var kinds = select("timer-kind", text("timerType"), TIMER_KINDS.map(function (name) { return [name, text(name)]; }),
        kind, function (chosen) { kind = chosen; write(expression.value); });
      container.insertBefore(kinds.parentNode, expression.parentNode);
      function write(value) {
        var changes = { timeDuration: undefined, timeDate: undefined, timeCycle: undefined };
        changes[kind] = value ? moddle.create("bpmn:FormalExpression", { body: value }) : undefined;
        modeling.updateModdleProperties(element, definition, changes);
      }
    }

    function conditionFields(element, bo) {
      textInput("condition", text("condition"), bo.conditionExpression && bo.conditionExpression.body, function (value) {
        modeling.updateProperties(element, {
          conditionExpression: value ? moddle.create("bpmn:FormalExpression", { body: value }) : undefined,
        });
      });
    }

    function processFields(element, process) {
      heading(text("processSettings"));
      select("visibility", text("visibility"), settings.visibility, property(process, "visibility") || "entity",
        function (value) { setProperty(element, process, "visibility", value === "entity" ? "" : value); });
    }

    // The process a pool, a collaboration (its first pool) or the diagram's root stands for.
    function processOf(bo) {
      if (!bo || !bo.$instanceOf) { return null; }
      if (bo.$instanceOf("bpmn:Process")) { return bo; }
      if (bo.$instanceOf("bpmn:Participant")) { return bo.processRef; }
      var pools = bo.participants || [];
      return pools.length ? pools[0].processRef : null;
    }

    function timerOf(bo) {
      return (bo.eventDefinitions || []).filter(function (d) { return d.$instanceOf("bpmn:TimerEventDefinition"); })[0];
    }

    function render(element) {
      container.textContent = "";
      var bo = element && element.businessObject;
      var whole = !bo || ["bpmn:Collaboration", "bpmn:Process", "bpmn:Participant"].some(function (type) {
        return bo.$instanceOf(type);
      });
      if (whole) {
        var root = element || canvas.getRootElement();
        var process = processOf(root && root.businessObject);
        if (process) { processFields(root, process); } else { heading(text("panelNothing")); }
        return;
      }
      heading(bo.name || bo.id);
      if (bo.$instanceOf("bpmn:Lane")) { laneFields(element, bo); }
      if (bo.$instanceOf("bpmn:UserTask") || bo.$instanceOf("bpmn:ManualTask")) { userTaskFields(element, bo); }
      if (bo.$instanceOf("bpmn:ServiceTask")) { serviceFields(element, bo); }
      if (bo.$instanceOf("bpmn:BusinessRuleTask")) { decisionFields(element, bo); }
      if (bo.$instanceOf("bpmn:ScriptTask")) { scriptFields(element, bo); }
      if (timerOf(bo)) { timerFields(element, timerOf(bo)); }
      if (bo.$instanceOf("bpmn:SequenceFlow") && bo.sourceRef && bo.sourceRef.$instanceOf("bpmn:Gateway")) {
        conditionFields(element, bo);
      }
      if (bo.$instanceOf("bpmn:Activity")) { scriptsAround(element, bo); }
    }

    modeler.on("selection.changed", function (event) {
      shown = event.newSelection.length === 1 ? event.newSelection[0] : null;
      render(shown);
    });
    modeler.on("elements.changed", function (event) {
      var mine = event.elements.some(function (changed) { return !shown || changed === shown || changed.id === shown.id; });
      if (mine && !container.contains(document.activeElement)) { render(shown); }
    });
    modeler.on("import.done", function () { shown = null; render(null); });
    return { refresh: function () { render(shown); } };
  };
})();
