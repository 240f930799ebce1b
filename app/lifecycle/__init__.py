"""A confidant's life in the network: periods of inactivity with a stand-in (R14) and laying down the role (R19)."""
