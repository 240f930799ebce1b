"""The workflow engine: SpiffWorkflow behind one adapter."""
