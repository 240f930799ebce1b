"""A confidant's life in the network: periods of inactivity (R14) and laying down the role (R19)."""
