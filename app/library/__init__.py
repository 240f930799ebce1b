"""The document library (R16): folders of documents the GDPB shares with confidants, their versions, the weekly digest."""
