"""Intake: how updates from MAX arrive (long polling or webhook) and are stored durably
(the inbox) before the bot handles them.  Used by ``http`` (the webhook route) and fed
to ``bot`` through a callback; it imports neither."""
