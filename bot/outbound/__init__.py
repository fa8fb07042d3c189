"""Staff replies going out: the outbox, composing, delivery, held replies, notices."""
