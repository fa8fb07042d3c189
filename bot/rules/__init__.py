"""Rules without I/O: conversation states, SLA and business time, urgency, the reply check, text."""
