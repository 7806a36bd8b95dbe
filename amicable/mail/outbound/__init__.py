"""Outgoing mail, infrastructure the operations call (never the other way round).

addresses   reply addresses, tokens, Message-IDs
compose     rendering outgoing mail from templates (nl, fr, en)
notices     one-off notices queued inside the caller's transaction
outbox      queueing mail inside the caller's transaction; the worker that sends it
sender      transports: SMTP (aiosmtplib) or a Maildir in the data folder
"""
