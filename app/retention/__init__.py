"""Retention of closed dossiers (M27): the daily crypto-shredding after DOSSIER_RETENTION_YEARS, its notice to the
confidant 30 days before, and the legal holds a PAPSY sets to stop it."""
