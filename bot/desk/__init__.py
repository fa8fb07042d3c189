"""The desk's work: staff actions, private replies, SLA escalation, reports and the audit trail."""
