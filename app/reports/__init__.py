"""Anonymous reports (R7): counts per entity and for the network, per year and quarter, with small-cell
suppression; pages, CSV/PDF exports and the API."""
