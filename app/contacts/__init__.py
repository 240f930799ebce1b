"""The contacts between confidants and their PAPSY (R21)."""
