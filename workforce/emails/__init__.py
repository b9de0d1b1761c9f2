"""workforce's emails, one module per part of the work; every one goes through the notifications outbox."""
