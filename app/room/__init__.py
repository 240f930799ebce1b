"""The conversation room in the Herman Teirlinck building (R17): a confidant asks for a day and a time, a PAPSY
approves or declines; approved bookings never overlap, because each holds its half hours as rows the database keeps
unique (``app.models.room``)."""


def blueprint():
    """The area's blueprint, at /room."""
    from app.room.routes import bp

    return bp
