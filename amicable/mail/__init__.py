"""Mail both ways: the outbox and its worker, the inbound doors and pipeline.

addresses   reply addresses, tokens, Message-IDs
compose     rendering outgoing mail from templates (nl, fr, en)
outbox      queueing mail inside the caller's transaction; the worker that sends it
sender      transports: SMTP (aiosmtplib) or a Maildir in the data folder
inbound/    the three doors (smtpd, pipe, http) and the one pipeline behind them
"""
