"""Platform administration: process models, users and entities (admins never see dossiers)."""
