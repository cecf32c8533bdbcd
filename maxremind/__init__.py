"""maxremind — MAX Уведомления: reminders and notifications for teams on MAX."""

__version__ = "0.1.0"
