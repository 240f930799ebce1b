"""All SQLAlchemy models, one module per area; importing this package registers every table."""
from app.models.dossiers import (
    AuditEntry,
    Consultation,
    ConsultationKey,
    Dossier,
    DossierFact,
    DossierKey,
    DossierNote,
    EscalationSummary,
    LegalHold,
    SummaryKey,
    SummaryShare,
)
from app.models.inbox import SavedFilter
from app.models.intervision import (
    Attendance,
    CalendarFeed,
    CertificateStatus,
    EventKind,
    EventParticipant,
    GroupMembership,
    IntervisionGroup,
    IntervisionYearResult,
    NetworkEvent,
    ParticipantStatus,
    PreventionUnitEntry,
)
from app.models.library import LibraryDigest, LibraryDocument, LibraryFolder, LibraryVersion
from app.models.lifecycle import (
    ConsentWay,
    DossierShare,
    EndingKind,
    EndingState,
    InactivityPeriod,
    RoleEnding,
    ShareKind,
)
from app.models.keys import RecoveryCode, RecoveryKey, UserKey, WebSession
from app.models.mail import MailStatus, OutboxMessage
from app.models.modeling import MigrationResult, MigrationRun, ModelDraft
from app.models.people import ApiToken, Entity, LoginThrottle, Role, SetupLink, User, UserRole, papsy_assignment
from app.models.process import (
    HistoryEvent,
    InstanceStatus,
    InstanceTally,
    ProcessInstance,
    ProcessModel,
    ProcessModelVersion,
    StoredFile,
    Task,
    TaskState,
    Timer,
    TimerState,
    Visibility,
)
from app.models.periodic import PeriodicRun
from app.models.room import BookingStatus, RoomBooking, RoomSlot
from app.models.roster import Confidant, ConfidantStatus
from app.models.reporting import (
    Evaluation,
    IncidentSharing,
    MeasureState,
    PapsyContact,
    PreventionMeasure,
    ReportSnapshot,
    SealedText,
    SealedTextKey,
    SharingState,
    ThirdPartyFact,
    WorkingConversation,
)

__all__ = [
    "AuditEntry", "Consultation", "ConsultationKey", "Dossier", "DossierFact", "DossierKey", "DossierNote", "EscalationSummary", "RecoveryCode",
    "RecoveryKey", "SummaryKey", "SummaryShare",
    "UserKey", "WebSession",
    "Attendance", "CalendarFeed", "CertificateStatus", "EventKind", "EventParticipant", "GroupMembership",
    "IntervisionGroup", "IntervisionYearResult", "NetworkEvent", "ParticipantStatus", "PreventionUnitEntry",
    "ApiToken", "Confidant", "ConfidantStatus", "Entity", "HistoryEvent", "InstanceStatus", "InstanceTally", "MailStatus",
    "LoginThrottle", "MigrationResult", "MigrationRun", "ModelDraft",
    "OutboxMessage", "ProcessInstance", "ProcessModel", "ProcessModelVersion", "Role", "SavedFilter", "StoredFile", "Task",
    "LegalHold", "LibraryDigest", "LibraryDocument", "LibraryFolder", "LibraryVersion",
    "ConsentWay", "DossierShare", "EndingKind", "EndingState", "InactivityPeriod", "RoleEnding", "ShareKind",
    "BookingStatus", "PeriodicRun", "RoomBooking", "RoomSlot",
    "Evaluation", "IncidentSharing", "MeasureState", "PapsyContact", "PreventionMeasure", "ReportSnapshot", "SealedText",
    "SealedTextKey", "SharingState", "ThirdPartyFact", "WorkingConversation",
    "SetupLink", "TaskState", "Timer", "TimerState", "User", "UserRole", "Visibility", "papsy_assignment",
]
