"""The yearly sharing of repeated incidents with the PAPSY (R8): bpmn/incident_sharing.bpmn, its services, the
sealed account and the task screens."""
