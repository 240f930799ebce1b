"""The roster of confidants: who is appointed, who is active (R14, R15)."""
