"""Intervision and trainings (R12, R13): groups, the network's calendar, registrations, compliance, calendar feeds."""


def blueprints() -> tuple:
    """The area's blueprints: groups and their sessions, open sessions and trainings, the calendar, compliance."""
    from app.intervision.calendar_routes import bp as calendar_bp
    from app.intervision.compliance_routes import bp as compliance_bp
    from app.intervision.group_routes import bp as groups_bp
    from app.intervision.open_routes import bp as open_bp
    from app.intervision.training_routes import bp as trainings_bp

    return groups_bp, open_bp, calendar_bp, compliance_bp, trainings_bp
