"""The basic training (R11): a deadline of two years after the appointment, reminders, the certificate check."""
